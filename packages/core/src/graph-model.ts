/**
 * GraphModel: the Model interface over a graph and a backend binding. Validation of inputs and
 * targets happens here; the work itself is done by GraphExecutor inside the binding's scope.
 *
 * A call without a signal runs the whole graph synchronously in one scope. A call with a signal
 * runs it one node per step, each step in its own scope, yielding to the event loop every
 * ABORT_YIELD_MS of work and rejecting with AbortError once the signal is aborted: an abort is
 * seen within one graph node (plus ABORT_YIELD_MS) even inside a long call on a synchronous backend
 * (reference, tfjs-cpu, gpu.js). Results are the same bits either way.
 */
import { InvalidArgumentError, ModelFormatError, throwIfAborted } from './errors.js';
import { ABORT_YIELD_MS, nowMs, yieldToEventLoop } from './event-loop.js';
import { drain, GraphExecutor, type BackwardResult, type Steps } from './ir/executor.js';
import type { Graph } from './ir/graph.js';
import type { Kernels } from './ir/kernels.js';
import type {
  ActivationResult,
  CallOptions,
  Capabilities,
  GradientRequest,
  GradientResult,
  LayerTap,
  Model,
} from './model.js';
import { checkModelInput, checkRequestTensors, outputSeedTensor } from './model-validation.js';
import { applyCanonizers, canonizerKey, type Canonizer } from './rules/canonizers.js';
import type { Tensor } from './tensor.js';

/** How a GraphModel talks to a backend. */
export interface BackendBinding<T> {
  readonly kernels: Kernels<T>;
  /** Backend description, reported as `Model.backend`. */
  readonly name: string;
  /**
   * Run fn in a memory scope (e.g. tf.tidy): values returned by fn (found in arrays and plain
   * objects) survive, everything else is freed. Scopes are synchronous; a call with a signal runs
   * one per graph node, keeping what each returns, and releases those values when the call ends.
   */
  scope?<R>(fn: () => R): R;
  /** Read a device value back to the host (default: kernels.toHost). */
  read?(t: T): Promise<Tensor>;
  /** Free a container (array) of device values returned from `scope`, once read. */
  release?(value: unknown): void;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The steps, with their result mapped by `f`. */
function* thenSteps<T, R, S>(steps: Steps<T, R>, f: (r: R) => S): Steps<T, S> {
  return f(yield* steps);
}

function perExample(shape: readonly number[], what: string): number[] {
  const rest = shape.slice(1);
  if (rest.some((d) => d < 0)) {
    throw new ModelFormatError(`${what} shape ${fmt(shape)} has an unknown non-batch dimension`);
  }
  return rest;
}

export class GraphModel<T> implements Model {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly capabilities: Capabilities = { gradients: true, layers: true, rules: true };
  readonly layerNames: readonly string[];
  readonly backend: string;
  readonly graph: Graph;
  private readonly executor: GraphExecutor<T>;
  /** Executors of canonized graphs, by canonizer list key. */
  private readonly canonized = new Map<string, GraphExecutor<T>>();
  private readonly binding: BackendBinding<T>;
  private disposed = false;

  constructor(graph: Graph, binding: BackendBinding<T>) {
    this.binding = binding;
    this.backend = binding.name;
    this.graph = graph;
    this.executor = new GraphExecutor(graph, binding.kernels);
    const shapes = this.executor.shapes;
    this.inputShape = perExample(shapes[graph.inputs[0]!.name]!, `input ${graph.inputs[0]!.name}`);
    this.outputShape = perExample(shapes[graph.outputs[0]!]!, `output ${graph.outputs[0]!}`);
    this.layerNames = this.executor.layerNames;
  }

  async forward(x: Tensor, options: CallOptions = {}): Promise<Tensor> {
    this.check(x, options.signal);
    const exec = this.executor;
    const [out] = options.signal
      ? await this.executeSteps(exec, options.signal, () => {
          const xu = this.up(x);
          return { inputs: [xu], steps: thenSteps(exec.forwardSteps(xu), (r) => [r.outputs]) };
        })
      : await this.execute(exec, () => [exec.forward(this.up(x)).outputs]);
    return out!;
  }

  async activations(x: Tensor, layers: readonly string[], options: CallOptions = {}): Promise<ActivationResult> {
    this.check(x, options.signal);
    this.checkLayerNames(layers);
    const names = [...new Set(layers)];
    const exec = this.executor;
    const collect = (r: { outputs: T; layers: Record<string, T> }): T[] => [r.outputs, ...names.map((n) => r.layers[n]!)];
    const host = options.signal
      ? await this.executeSteps(exec, options.signal, () => {
          const xu = this.up(x);
          return { inputs: [xu], steps: thenSteps(exec.forwardSteps(xu, { layers: names }), collect) };
        })
      : await this.execute(exec, () => collect(exec.forward(this.up(x), { layers: names })));
    const taps: Record<string, Tensor> = {};
    names.forEach((n, i) => (taps[n] = host[i + 1]!));
    return { outputs: host[0]!, layers: taps };
  }

  async gradient(x: Tensor, request: GradientRequest): Promise<GradientResult> {
    if (request === null || typeof request !== 'object') throw new InvalidArgumentError('gradient needs a request object');
    const n = this.check(x, request.signal);
    const seed = outputSeedTensor(request.seed, n, this.outputShape);
    const exec = this.executorFor(request.canonizers);
    const names = [...new Set(request.layers ?? [])];
    this.checkLayerNames(names, exec.layerNames);
    const overrides = request.overrides ?? {};
    this.checkLayerNames(Object.keys(overrides), exec.layerNames);
    checkRequestTensors(x, request);
    const k = this.binding.kernels;
    /** Uploads the call's tensors (inside a scope) and starts the backward pass on them. */
    const start = (): { inputs: T[]; steps: Steps<T, BackwardResult<T>> } => {
      const ov: Record<string, T> = {};
      for (const [name, t] of Object.entries(overrides)) ov[name] = k.fromHost(t);
      const xu = this.up(x);
      const seedU = k.fromHost(seed);
      const ref = request.reference ? k.fromHost(request.reference) : undefined;
      const steps = exec.backwardSteps(xu, seedU, {
        layers: names,
        overrides: ov,
        ...(request.rules ? { rules: request.rules } : {}),
        ...(ref !== undefined ? { reference: ref } : {}),
      });
      return { inputs: [xu, seedU, ...Object.values(ov), ...(ref !== undefined ? [ref] : [])], steps };
    };
    const collect = (r: BackwardResult<T>): T[] => [
      r.outputs,
      r.inputGradient,
      ...names.flatMap((nm) => [r.layers[nm]!.activation, r.layers[nm]!.gradient]),
    ];
    const host = request.signal
      ? await this.executeSteps(exec, request.signal, () => {
          const s = start();
          return { inputs: s.inputs, steps: thenSteps(s.steps, collect) };
        })
      : await this.execute(exec, () => collect(drain(start().steps)));
    const layers: Record<string, LayerTap> = {};
    names.forEach((nm, i) => (layers[nm] = { activation: host[2 + 2 * i]!, gradient: host[3 + 2 * i]! }));
    return { outputs: host[0]!, inputGradient: host[1]!, layers };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.binding.release?.(this.executor.constantValues());
    for (const e of this.canonized.values()) this.binding.release?.(e.constantValues());
    this.canonized.clear();
  }

  /** The executor for a canonizer list (built once per list, by canonizer names). */
  private executorFor(canonizers: readonly Canonizer[] | undefined): GraphExecutor<T> {
    if (canonizers === undefined || canonizers.length === 0) return this.executor;
    const key = canonizerKey(canonizers);
    let e = this.canonized.get(key);
    if (!e) {
      e = new GraphExecutor(applyCanonizers(this.graph, canonizers), this.binding.kernels);
      this.canonized.set(key, e);
    }
    return e;
  }

  // ---- internals ----

  private up(x: Tensor): T {
    return this.binding.kernels.fromHost(x);
  }

  /** Run fn in the binding's scope, read every returned value to the host, then release them. */
  private async execute(exec: GraphExecutor<T>, fn: () => T[]): Promise<Tensor[]> {
    const b = this.binding;
    const values = b.scope ? b.scope(fn) : fn();
    try {
      return await Promise.all(values.map((v) => (b.read ? b.read(v) : Promise.resolve(b.kernels.toHost(v)))));
    } finally {
      // Never free the uploaded constants (an Identity of an initializer returns it as is).
      const constants = new Set(exec.constantValues());
      b.release?.([...new Set(values)].filter((v) => !constants.has(v)));
    }
  }

  /**
   * `execute` for a call with a signal: `start` (in a scope) uploads the call's tensors and
   * returns the executor's steps; each step (one graph node) then runs in its own scope, keeping
   * the values it yields. Between steps, every ABORT_YIELD_MS of work, the event loop gets a turn;
   * an aborted signal then rejects with AbortError. Every value kept is released when the call
   * ends — finished, failed or aborted — so an aborted call leaks nothing.
   */
  private async executeSteps(exec: GraphExecutor<T>, signal: AbortSignal, start: () => { inputs: T[]; steps: Steps<T, T[]> }): Promise<Tensor[]> {
    const b = this.binding;
    const scope = <R>(fn: () => R): R => (b.scope ? b.scope(fn) : fn());
    const kept: T[] = [];
    let values: T[] = [];
    try {
      let steps: Steps<T, T[]> | undefined;
      kept.push(
        ...scope(() => {
          const s = start();
          steps = s.steps;
          return s.inputs;
        }),
      );
      let last = nowMs();
      for (;;) {
        const r = scope(() => steps!.next());
        if (r.done) {
          values = r.value;
          break;
        }
        kept.push(...r.value);
        if (nowMs() - last >= ABORT_YIELD_MS) {
          await yieldToEventLoop();
          last = nowMs();
        }
        throwIfAborted(signal);
      }
      return await Promise.all(values.map((v) => (b.read ? b.read(v) : Promise.resolve(b.kernels.toHost(v)))));
    } finally {
      const constants = new Set(exec.constantValues());
      b.release?.([...new Set([...kept, ...values])].filter((v) => !constants.has(v)));
    }
  }

  /** Validate x; returns the batch size. */
  private check(x: Tensor, signal: AbortSignal | undefined): number {
    return checkModelInput(x, this.inputShape, signal, this.disposed);
  }

  private checkLayerNames(names: readonly string[], layerNames: readonly string[] = this.layerNames): void {
    if (!Array.isArray(names)) throw new InvalidArgumentError('layers must be a list of layer names');
    const valid = new Set(layerNames);
    const bad = names.filter((n) => !valid.has(n));
    if (bad.length > 0) {
      throw new InvalidArgumentError(`unknown layer(s) ${bad.join(', ')}; valid layers: ${layerNames.join(', ')}`);
    }
  }
}

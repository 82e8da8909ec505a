/**
 * GraphModel: the Model interface over a graph and a backend binding. Validation of inputs and
 * targets happens here; the work itself is done by GraphExecutor inside the binding's scope.
 */
import { InvalidArgumentError, ModelFormatError } from './errors.js';
import { GraphExecutor } from './ir/executor.js';
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
  /** Run fn in a memory scope (e.g. tf.tidy): values returned by fn survive, everything else is freed. */
  scope?<R>(fn: () => R): R;
  /** Read a device value back to the host (default: kernels.toHost). */
  read?(t: T): Promise<Tensor>;
  /** Free a container (array) of device values returned from `scope`, once read. */
  release?(value: unknown): void;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
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
    const [out] = await this.execute(this.executor, () => [this.executor.forward(this.up(x)).outputs]);
    return out!;
  }

  async activations(x: Tensor, layers: readonly string[], options: CallOptions = {}): Promise<ActivationResult> {
    this.check(x, options.signal);
    this.checkLayerNames(layers);
    const names = [...new Set(layers)];
    const host = await this.execute(this.executor, () => {
      const r = this.executor.forward(this.up(x), { layers: names });
      return [r.outputs, ...names.map((n) => r.layers[n]!)];
    });
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
    const host = await this.execute(exec, () => {
      const k = this.binding.kernels;
      const ov: Record<string, T> = {};
      for (const [name, t] of Object.entries(overrides)) ov[name] = k.fromHost(t);
      const r = exec.backward(this.up(x), k.fromHost(seed), {
        layers: names,
        overrides: ov,
        ...(request.rules ? { rules: request.rules } : {}),
        ...(request.reference ? { reference: k.fromHost(request.reference) } : {}),
      });
      return [r.outputs, r.inputGradient, ...names.flatMap((nm) => [r.layers[nm]!.activation, r.layers[nm]!.gradient])];
    });
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

/**
 * GraphModel: the Model interface over a graph and a backend binding. Validation of inputs and
 * targets happens here; the work itself is done by GraphExecutor inside the binding's scope.
 */
import { InvalidArgumentError, ModelFormatError, ShapeError, TargetError, throwIfAborted } from './errors.js';
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
  OutputSeed,
} from './model.js';
import { applyCanonizers, canonizerKey, type Canonizer } from './rules/canonizers.js';
import { sizeOf } from './tensor.js';
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
    const seed = this.seedOf(request.seed, n);
    const exec = this.executorFor(request.canonizers);
    const names = [...new Set(request.layers ?? [])];
    this.checkLayerNames(names, exec.layerNames);
    const overrides = request.overrides ?? {};
    this.checkLayerNames(Object.keys(overrides), exec.layerNames);
    for (const [name, t] of Object.entries(overrides)) this.checkTensor(t, `override for layer ${name}`);
    if (request.reference !== undefined) {
      this.checkTensor(request.reference, 'reference');
      if (fmt(request.reference.shape) !== fmt(x.shape)) {
        throw new ShapeError(`reference has shape ${fmt(request.reference.shape)} but x has shape ${fmt(x.shape)}`);
      }
    }
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

  private checkTensor(t: Tensor, what: string): void {
    if (!t || !Array.isArray(t.shape) || !(t.data instanceof Float32Array)) {
      throw new ShapeError(`${what} must be a tensor {shape, data: Float32Array}`);
    }
    if (t.data.length !== sizeOf(t.shape)) {
      throw new ShapeError(`${what} has ${t.data.length} values but shape ${fmt(t.shape)} needs ${sizeOf(t.shape)}`);
    }
  }

  /** Validate x; returns the batch size. */
  private check(x: Tensor, signal: AbortSignal | undefined): number {
    throwIfAborted(signal);
    if (this.disposed) throw new InvalidArgumentError('the model has been disposed');
    this.checkTensor(x, 'input');
    const want = this.inputShape;
    const ok = x.shape.length === want.length + 1 && x.shape[0]! >= 1 && want.every((d, i) => d === x.shape[i + 1]);
    if (!ok) throw new ShapeError(`input has shape ${fmt(x.shape)}, expected [N, ${want.join(', ')}] with N >= 1`);
    return x.shape[0]!;
  }

  private checkLayerNames(names: readonly string[], layerNames: readonly string[] = this.layerNames): void {
    if (!Array.isArray(names)) throw new InvalidArgumentError('layers must be a list of layer names');
    const valid = new Set(layerNames);
    const bad = names.filter((n) => !valid.has(n));
    if (bad.length > 0) {
      throw new InvalidArgumentError(`unknown layer(s) ${bad.join(', ')}; valid layers: ${layerNames.join(', ')}`);
    }
  }

  private seedOf(seed: OutputSeed, n: number): Tensor {
    const per = sizeOf(this.outputShape);
    const shape = [n, ...this.outputShape];
    if (seed?.kind === 'index') {
      const idx = seed.indices;
      if (!Array.isArray(idx) || idx.length !== n) {
        throw new TargetError(`expected ${n} target indices (one per example), got ${Array.isArray(idx) ? idx.length : typeof idx}`);
      }
      const data = new Float32Array(n * per);
      idx.forEach((t, i) => {
        if (!Number.isInteger(t) || t < 0 || t >= per) {
          throw new TargetError(`target ${String(t)} for example ${i} is out of range [0, ${per})`);
        }
        data[i * per + t] = 1;
      });
      return { shape, data };
    }
    if (seed?.kind === 'tensor') {
      const s = seed.seed;
      if (!s || !(s.data instanceof Float32Array) || fmt(s.shape) !== fmt(shape) || s.data.length !== n * per) {
        throw new TargetError(`output seed must have shape ${fmt(shape)}, got ${s && Array.isArray(s.shape) ? fmt(s.shape) : 'no tensor'}`);
      }
      return s;
    }
    throw new TargetError(`unknown output seed kind ${String((seed as { kind?: unknown } | undefined)?.kind)}`);
  }
}

/**
 * A Model over a plain TensorFlow.js function `x -> y`, differentiated with tf.grad.
 * Capabilities: gradients only (no layer taps, no rules). Every call runs in a tf.tidy scope and
 * frees what it created; the function must be pure (no tensor side effects).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  CapabilityError,
  InvalidArgumentError,
  ShapeError,
  TargetError,
  throwIfAborted,
  UnsupportedOpError,
  type ActivationResult,
  type CallOptions,
  type GradientRequest,
  type GradientResult,
  type Model,
  type OutputSeed,
  type Tensor,
} from '@glasswing/core';
import { initTfjsBackend, type TfjsBackendName } from './backend.js';
import { ChunkedModel } from './chunked-model.js';
import { fromHost } from './kernels/from-host.js';
import { readHost } from './kernels/to-host.js';
import { DEFAULT_MAX_BATCH } from './tfjs-model.js';

export interface TfjsFunctionOptions {
  /** Per-example input shape (no batch dimension). */
  readonly inputShape: readonly number[];
  /** Per-example output shape (no batch dimension). */
  readonly outputShape: readonly number[];
  /** Default 'cpu'. */
  readonly backend?: TfjsBackendName;
  /** Larger batches run in chunks of this many examples (default 128). */
  readonly maxBatch?: number;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

function checkShape(s: unknown, what: string): readonly number[] {
  if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(`${what} must be a list of positive integers, got ${JSON.stringify(s)}`);
  }
  return [...s];
}

class TfjsFunctionModel implements Model {
  readonly capabilities = { gradients: true, layers: false, rules: false } as const;
  readonly layerNames: readonly string[] = [];
  readonly backend: string;
  private disposed = false;

  constructor(
    private readonly fn: (x: tf.Tensor) => tf.Tensor,
    readonly inputShape: readonly number[],
    readonly outputShape: readonly number[],
    private readonly backendName: TfjsBackendName,
  ) {
    this.backend = `tfjs-${backendName}`;
  }

  async forward(x: Tensor, options: CallOptions = {}): Promise<Tensor> {
    const n = this.check(x, options.signal);
    const y = this.run(() => tf.tidy(() => this.apply(fromHost(x), n)));
    try {
      return await readHost(y);
    } finally {
      y.dispose();
    }
  }

  async gradient(x: Tensor, request: GradientRequest): Promise<GradientResult> {
    if (request === null || typeof request !== 'object') throw new InvalidArgumentError('gradient needs a request object');
    const n = this.check(x, request.signal);
    if (request.rules !== undefined && Object.keys(request.rules).length > 0) {
      throw new CapabilityError('propagation rules need a graph model; a tfjs function model only has plain gradients');
    }
    if ((request.layers ?? []).length > 0 || Object.keys(request.overrides ?? {}).length > 0) {
      throw new CapabilityError('a tfjs function model has no layers to tap or override');
    }
    const seed = this.seedOf(request.seed, n);
    let kept: tf.Tensor | undefined;
    try {
      const [outputs, grad] = this.run(() =>
        tf.tidy(() => {
          const xt = fromHost(x);
          const st = fromHost(seed);
          const g = tf.grad((xx: tf.Tensor) => {
            const y = this.apply(xx, n);
            kept = tf.keep(y);
            return tf.sum(tf.mul(y, st));
          })(xt);
          return [tf.clone(kept!), g];
        }),
      );
      try {
        return { outputs: await readHost(outputs!), inputGradient: await readHost(grad!), layers: {} };
      } finally {
        tf.dispose([outputs!, grad!]);
      }
    } finally {
      kept?.dispose();
    }
  }

  async activations(_x: Tensor, _layers: readonly string[], _options?: CallOptions): Promise<ActivationResult> {
    throw new CapabilityError('a tfjs function model has no layers; activations() is not available');
  }

  dispose(): void {
    this.disposed = true;
  }

  /** Run on this model's backend; tfjs errors about missing gradients become UnsupportedOpError. */
  private run<R>(f: () => R): R {
    if (tf.getBackend() !== this.backendName) void tf.setBackend(this.backendName);
    try {
      return f();
    } catch (e) {
      freeAbandonedTape();
      const m = e instanceof Error ? /gradient function not found for (\w+)/.exec(e.message) : null;
      if (m) throw new UnsupportedOpError(m[1]!, `tf.grad: kernel ${m[1]} has no registered gradient`);
      throw e;
    }
  }

  private apply(x: tf.Tensor, n: number): tf.Tensor {
    const y = this.fn(x);
    if (!(y instanceof tf.Tensor)) throw new ShapeError('the tfjs function must return a tf.Tensor');
    const want = [n, ...this.outputShape];
    if (fmt(y.shape) !== fmt(want)) throw new ShapeError(`the tfjs function returned shape ${fmt(y.shape)}, expected ${fmt(want)}`);
    return y.dtype === 'float32' ? y : tf.cast(y, 'float32');
  }

  private check(x: Tensor, signal: AbortSignal | undefined): number {
    throwIfAborted(signal);
    if (this.disposed) throw new InvalidArgumentError('the model has been disposed');
    if (!x || !Array.isArray(x.shape) || !(x.data instanceof Float32Array)) throw new ShapeError('input must be a tensor {shape, data: Float32Array}');
    const ok = x.shape.length === this.inputShape.length + 1 && x.shape[0]! >= 1 && this.inputShape.every((d, i) => d === x.shape[i + 1]);
    if (!ok) throw new ShapeError(`input has shape ${fmt(x.shape)}, expected [N, ${this.inputShape.join(', ')}] with N >= 1`);
    if (x.data.length !== x.shape.reduce((a, b) => a * b, 1)) throw new ShapeError(`input data length ${x.data.length} does not match shape ${fmt(x.shape)}`);
    return x.shape[0]!;
  }

  private seedOf(seed: OutputSeed, n: number): Tensor {
    const per = this.outputShape.reduce((a, b) => a * b, 1);
    const shape = [n, ...this.outputShape];
    if (seed?.kind === 'index') {
      if (!Array.isArray(seed.indices) || seed.indices.length !== n) {
        throw new TargetError(`expected ${n} target indices (one per example), got ${Array.isArray(seed.indices) ? seed.indices.length : typeof seed.indices}`);
      }
      const data = new Float32Array(n * per);
      seed.indices.forEach((t, i) => {
        if (!Number.isInteger(t) || t < 0 || t >= per) throw new TargetError(`target ${String(t)} for example ${i} is out of range [0, ${per})`);
        data[i * per + t] = 1;
      });
      return { shape, data };
    }
    if (seed?.kind === 'tensor') {
      const s = seed.seed;
      if (!s || !(s.data instanceof Float32Array) || fmt(s.shape) !== fmt(shape) || s.data.length !== n * per) {
        throw new TargetError(`output seed must have shape ${fmt(shape)}`);
      }
      return s;
    }
    throw new TargetError(`unknown output seed kind ${String((seed as { kind?: unknown } | undefined)?.kind)}`);
  }
}

/**
 * When backpropagation throws (e.g. a kernel without a gradient), tfjs leaves the tape's saved
 * tensors allocated (it frees them only on success). Free them, as tfjs would have.
 */
function freeAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null as unknown as typeof state.activeTape;
}

/** Wrap `fn: [N, ...inputShape] -> [N, ...outputShape]` as a gradients-only Model on a tfjs backend. */
export async function fromTfjsFunction(fn: (x: tf.Tensor) => tf.Tensor, options: TfjsFunctionOptions): Promise<Model> {
  if (typeof fn !== 'function') throw new InvalidArgumentError('fromTfjsFunction needs a function');
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('fromTfjsFunction needs {inputShape, outputShape}');
  const inputShape = checkShape(options.inputShape, 'inputShape');
  const outputShape = checkShape(options.outputShape, 'outputShape');
  const backend = options.backend ?? 'cpu';
  await initTfjsBackend(backend);
  return new ChunkedModel(new TfjsFunctionModel(fn, inputShape, outputShape, backend), options.maxBatch ?? DEFAULT_MAX_BATCH);
}

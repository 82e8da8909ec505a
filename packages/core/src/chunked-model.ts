/**
 * A Model that runs large batches in chunks of at most `maxBatch` examples through an inner
 * Model and concatenates the results. Results are identical to one big call (every op is
 * per-example), but peak memory stays bounded: on the wasm backend a call over 1,600 LeNet
 * examples is ~1.5x slower than 16 calls over 100, mostly from growing the wasm heap and from
 * cache misses. Validation (shapes, targets, layer names) is left to the inner model.
 */
import { concatBatch, sliceBatch, type Tensor } from './tensor.js';
import { InvalidArgumentError, throwIfAborted } from './errors.js';
import type { ActivationResult, CallOptions, GradientRequest, GradientResult, LayerTap, Model, OutputSeed } from './model.js';

export class ChunkedModel implements Model {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly capabilities: Model['capabilities'];
  readonly layerNames: readonly string[];
  readonly backend: string;
  readonly graph?: Model['graph'];
  /** `maxBatch`: path methods send at most this many rows a call when internalBatchSize is unset. */
  readonly maxRowsPerCall: number;

  constructor(
    private readonly inner: Model,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new InvalidArgumentError(`maxBatch must be a positive integer, got ${maxBatch}`);
    this.inputShape = inner.inputShape;
    this.outputShape = inner.outputShape;
    this.capabilities = inner.capabilities;
    this.layerNames = inner.layerNames;
    this.backend = inner.backend;
    this.maxRowsPerCall = maxBatch;
    if (inner.graph) this.graph = inner.graph;
  }

  private ranges(x: Tensor): [number, number][] | null {
    const n = Array.isArray(x?.shape) ? (x.shape[0] ?? 0) : 0;
    if (n <= this.maxBatch) return null;
    const out: [number, number][] = [];
    for (let s = 0; s < n; s += this.maxBatch) out.push([s, Math.min(n, s + this.maxBatch)]);
    return out;
  }

  async forward(x: Tensor, options: CallOptions = {}): Promise<Tensor> {
    const ranges = this.ranges(x);
    if (ranges === null) return this.inner.forward(x, options);
    const parts: Tensor[] = [];
    for (const [s, e] of ranges) {
      throwIfAborted(options.signal);
      parts.push(await this.inner.forward(sliceBatch(x, s, e), options));
    }
    return concatBatch(parts);
  }

  async activations(x: Tensor, layers: readonly string[], options: CallOptions = {}): Promise<ActivationResult> {
    const ranges = this.ranges(x);
    if (ranges === null) return this.inner.activations(x, layers, options);
    const parts: ActivationResult[] = [];
    for (const [s, e] of ranges) {
      throwIfAborted(options.signal);
      parts.push(await this.inner.activations(sliceBatch(x, s, e), layers, options));
    }
    const taps: Record<string, Tensor> = {};
    for (const name of Object.keys(parts[0]!.layers)) taps[name] = concatBatch(parts.map((p) => p.layers[name]!));
    return { outputs: concatBatch(parts.map((p) => p.outputs)), layers: taps };
  }

  async gradient(x: Tensor, request: GradientRequest): Promise<GradientResult> {
    const ranges = this.ranges(x);
    if (ranges === null || !batchAligned(x.shape[0]!, request)) return this.inner.gradient(x, request);
    const parts: GradientResult[] = [];
    for (const [s, e] of ranges) {
      throwIfAborted(request.signal);
      const overrides = request.overrides
        ? Object.fromEntries(Object.entries(request.overrides).map(([k, t]) => [k, sliceBatch(t, s, e)]))
        : undefined;
      parts.push(
        await this.inner.gradient(sliceBatch(x, s, e), {
          ...request,
          seed: sliceSeed(request.seed, s, e),
          ...(overrides ? { overrides } : {}),
          ...(request.reference ? { reference: sliceBatch(request.reference, s, e) } : {}),
        }),
      );
    }
    const layers: Record<string, LayerTap> = {};
    for (const name of Object.keys(parts[0]!.layers)) {
      layers[name] = {
        activation: concatBatch(parts.map((p) => p.layers[name]!.activation)),
        gradient: concatBatch(parts.map((p) => p.layers[name]!.gradient)),
      };
    }
    return {
      outputs: concatBatch(parts.map((p) => p.outputs)),
      inputGradient: concatBatch(parts.map((p) => p.inputGradient)),
      layers,
    };
  }

  dispose(): void | Promise<void> {
    return this.inner.dispose();
  }
}

/** Whether every per-example part of the request has n rows (else the inner model reports it). */
function batchAligned(n: number, request: GradientRequest): boolean {
  if (request === null || typeof request !== 'object') return false;
  const rows = (t: Tensor | undefined): boolean => t === undefined || (Array.isArray(t?.shape) && t.shape[0] === n);
  const seed = request.seed;
  const seedOk =
    (seed?.kind === 'index' && Array.isArray(seed.indices) && seed.indices.length === n) ||
    (seed?.kind === 'tensor' && rows(seed.seed) && seed.seed?.data instanceof Float32Array);
  return seedOk && rows(request.reference) && Object.values(request.overrides ?? {}).every((t) => rows(t));
}

/** The seed rows [s, e). */
function sliceSeed(seed: OutputSeed, s: number, e: number): OutputSeed {
  if (seed?.kind === 'index' && Array.isArray(seed.indices)) return { kind: 'index', indices: seed.indices.slice(s, e) };
  if (seed?.kind === 'tensor' && seed.seed && Array.isArray(seed.seed.shape) && seed.seed.data instanceof Float32Array) {
    return { kind: 'tensor', seed: sliceBatch(seed.seed, s, e) };
  }
  return seed;
}

/**
 * `ModelCaller`: makes every model call of one attribution — batched and chunked by
 * `internalBatchSize`, counted, abortable between calls, progress-reporting, and checked for
 * wrong shapes (ShapeError) and non-finite values (NumericError).
 */
import type { ActivationResult, GradientRequest, Model, GradientResult, OutputSeed } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { NumericError, ShapeError, throwIfAborted } from '../../errors.js';
import type { Progress, ResolvedTarget } from './types.js';

/** The seed for rows [start, end) of a batch whose target is `t` (one entry per row). */
export function seedSlice(t: ResolvedTarget, start: number, end: number): OutputSeed {
  if (t.kind === 'index') return { kind: 'index', indices: t.indices.slice(start, end) };
  const per = sizeOf(t.seed.shape.slice(1));
  return { kind: 'tensor', seed: { shape: [end - start, ...t.seed.shape.slice(1)], data: t.seed.data.slice(start * per, end * per) } };
}

/** Splits `rows` into consecutive chunks of at most `max` rows. */
export function chunkRanges(rows: number, max: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const step = Number.isFinite(max) ? max : rows;
  for (let s = 0; s < rows; s += step) out.push([s, Math.min(rows, s + step)]);
  return out;
}

/** Number of model calls needed for `rows` rows in chunks of at most `max`. */
export function chunkCount(rows: number, max: number): number {
  return Number.isFinite(max) ? Math.ceil(rows / max) : rows > 0 ? 1 : 0;
}

function checkFinite(t: Tensor, what: string, backend: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) throw new NumericError(`model (${backend}) returned a non-finite ${what} value (${d[i]}) at flat index ${i}`);
  }
}

function checkShape(t: Tensor, rows: number, perRow: readonly number[], what: string): void {
  const want = [rows, ...perRow];
  if (!t || t.shape.length !== want.length || want.some((d, i) => t.shape[i] !== d) || t.data.length !== sizeOf(want)) {
    throw new ShapeError(`model returned ${what} of shape ${fmt(t?.shape ?? [])}, expected ${fmt(want)}`);
  }
}

/** Makes the model calls of one attribution: counts, checks, honours abort, reports progress. */
export class ModelCaller {
  modelCalls = 0;
  private total = 0;

  constructor(
    readonly model: Model,
    readonly signal?: AbortSignal,
    private readonly onProgress?: (p: Progress) => void,
  ) {}

  /** Adds planned calls to the progress total. */
  plan(calls: number): void {
    this.total += calls;
  }

  private tick(): void {
    this.modelCalls++;
    if (this.modelCalls > this.total) this.total = this.modelCalls;
    this.onProgress?.({ done: this.modelCalls, total: this.total });
  }

  async forward(x: Tensor): Promise<Tensor> {
    throwIfAborted(this.signal);
    const out = await this.model.forward(x, { signal: this.signal });
    throwIfAborted(this.signal);
    checkShape(out, x.shape[0]!, this.model.outputShape, 'outputs');
    checkFinite(out, 'output', this.model.backend);
    this.tick();
    return out;
  }

  async gradient(x: Tensor, seed: OutputSeed): Promise<GradientResult> {
    throwIfAborted(this.signal);
    const res = await this.model.gradient(x, { seed, signal: this.signal });
    throwIfAborted(this.signal);
    checkShape(res.outputs, x.shape[0]!, this.model.outputShape, 'outputs');
    checkShape(res.inputGradient, x.shape[0]!, this.model.inputShape, 'input gradients');
    checkFinite(res.outputs, 'output', this.model.backend);
    checkFinite(res.inputGradient, 'gradient', this.model.backend);
    this.tick();
    return res;
  }

  /**
   * A gradient call with the full request (layer taps, overrides, rules, reference): checked,
   * counted and abortable like `gradient`. Layer taps are checked for finite values.
   */
  async request(x: Tensor, request: Omit<GradientRequest, 'signal'>): Promise<GradientResult> {
    throwIfAborted(this.signal);
    const res = await this.model.gradient(x, { ...request, signal: this.signal });
    throwIfAborted(this.signal);
    checkShape(res.outputs, x.shape[0]!, this.model.outputShape, 'outputs');
    checkShape(res.inputGradient, x.shape[0]!, this.model.inputShape, 'input gradients');
    checkFinite(res.outputs, 'output', this.model.backend);
    checkFinite(res.inputGradient, 'gradient', this.model.backend);
    for (const name of request.layers ?? []) {
      const tap = res.layers[name];
      if (!tap) throw new ShapeError(`model returned no tap for layer ${name}`);
      checkFinite(tap.activation, `layer ${name} activation`, this.model.backend);
      checkFinite(tap.gradient, `layer ${name} gradient`, this.model.backend);
    }
    this.tick();
    return res;
  }

  /** Layer activations (one counted, abortable call). */
  async activations(x: Tensor, layers: readonly string[]): Promise<ActivationResult> {
    throwIfAborted(this.signal);
    const res = await this.model.activations(x, layers, { signal: this.signal });
    throwIfAborted(this.signal);
    checkShape(res.outputs, x.shape[0]!, this.model.outputShape, 'outputs');
    checkFinite(res.outputs, 'output', this.model.backend);
    for (const name of layers) {
      const a = res.layers[name];
      if (!a) throw new ShapeError(`model returned no activation for layer ${name}`);
      checkFinite(a, `layer ${name} activation`, this.model.backend);
    }
    this.tick();
    return res;
  }

  /** Forward of `rows` rows built chunk by chunk; returns all outputs, concatenated. */
  async forwardRows(rows: number, maxRows: number, build: (start: number, end: number) => Tensor): Promise<Tensor> {
    const per = sizeOf(this.model.outputShape);
    const data = new Float32Array(rows * per);
    for (const [s, e] of chunkRanges(rows, maxRows)) {
      const out = await this.forward(build(s, e));
      data.set(out.data, s * per);
    }
    return { shape: [rows, ...this.model.outputShape], data };
  }

  /** Gradient calls over `rows` rows in chunks; `consume` receives each chunk's result in row order. */
  async gradientRows(
    rows: number,
    maxRows: number,
    build: (start: number, end: number) => Tensor,
    target: ResolvedTarget,
    consume: (start: number, end: number, res: GradientResult) => void,
  ): Promise<void> {
    for (const [s, e] of chunkRanges(rows, maxRows)) {
      const res = await this.gradient(build(s, e), seedSlice(target, s, e));
      consume(s, e, res);
    }
  }
}

function fmt(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

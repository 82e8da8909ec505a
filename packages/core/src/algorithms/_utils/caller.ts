/**
 * `ModelCaller`: makes every model call of one attribution — batched and chunked by
 * `internalBatchSize`, counted, abortable between calls, progress-reporting, and checked for
 * wrong shapes (ShapeError) and non-finite values (NumericError). A backend that runs out of
 * memory fails with a ResourceError naming the rows of the call and `internalBatchSize`.
 */
import type { ActivationResult, GradientRequest, Model, GradientResult, OutputSeed } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { asResourceError, NumericError, ShapeError, throwIfAborted } from '../../errors.js';
import type { Progress, ResolvedTarget } from './types.js';
import { ABORT_YIELD_MS, nowMs, yieldToEventLoop } from '../../event-loop.js';

/** The seed for rows [start, end) of a batch whose target is `t` (one entry per row). */
export function seedSlice(t: ResolvedTarget, start: number, end: number): OutputSeed {
  if (t.kind === 'index') return { kind: 'index', indices: t.indices.slice(start, end) };
  const per = sizeOf(t.seed.shape.slice(1));
  return { kind: 'tensor', seed: { shape: [end - start, ...t.seed.shape.slice(1)], data: t.seed.data.slice(start * per, end * per) } };
}

/**
 * The seeds of an expanded batch built chunk by chunk: `(start, end)` gives the seed of rows
 * [start, end) only, so a batch of steps × N rows never holds steps × N seed entries.
 */
export type RowSeeds = (start: number, end: number) => OutputSeed;

/**
 * Lazy seeds of an expanded batch whose row r explains example `exampleOf(r)` of target `t`
 * (what expandTarget materialises, chunk by chunk).
 */
export function expandedSeeds(t: ResolvedTarget, exampleOf: (row: number) => number): RowSeeds {
  if (t.kind === 'index') {
    return (start, end) => ({ kind: 'index', indices: Array.from({ length: end - start }, (_, r) => t.indices[exampleOf(start + r)]!) });
  }
  const per = sizeOf(t.seed.shape.slice(1));
  return (start, end) => {
    const data = new Float32Array((end - start) * per);
    for (let r = start; r < end; r++) {
      const i = exampleOf(r);
      data.set(t.seed.data.subarray(i * per, (i + 1) * per), (r - start) * per);
    }
    return { kind: 'tensor', seed: { shape: [end - start, ...t.seed.shape.slice(1)], data } };
  };
}

/** The seed of rows [start, end) of a target given whole or as lazy row seeds. */
export function seedsFor(target: ResolvedTarget | RowSeeds, start: number, end: number): OutputSeed {
  return typeof target === 'function' ? target(start, end) : seedSlice(target, start, end);
}

/** Splits `rows` into consecutive chunks of at most `max` rows (generated one by one: O(1) memory). */
export function* chunkRanges(rows: number, max: number): Generator<[number, number], void, undefined> {
  const step = Number.isFinite(max) ? max : rows;
  for (let s = 0; s < rows; s += step) yield [s, Math.min(rows, s + step)];
}

/** Number of model calls needed for `rows` rows in chunks of at most `max`. */
export function chunkCount(rows: number, max: number): number {
  return Number.isFinite(max) ? Math.ceil(rows / max) : rows > 0 ? 1 : 0;
}

/**
 * Throws a NumericError naming the first NaN / ±Infinity of `t`: the backend, what it is, its row
 * in the call, the call (its kind and 1-based number in this attribution) and its flat index.
 */
function checkFinite(t: Tensor, what: string, backend: string, call: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      const rows = t.shape[0] ?? 1;
      const row = rows > 0 ? Math.floor(i / (d.length / rows)) : 0;
      throw new NumericError(`model (${backend}) returned a non-finite ${what} value (${d[i]}) in row ${row} of ${call} (flat index ${i})`);
    }
  }
}

function checkShape(t: Tensor, rows: number, perRow: readonly number[], what: string): void {
  const want = [rows, ...perRow];
  if (!t || t.shape.length !== want.length || want.some((d, i) => t.shape[i] !== d) || t.data.length !== sizeOf(want)) {
    throw new ShapeError(`model returned ${what} of shape ${fmt(t?.shape ?? [])}, expected ${fmt(want)}`);
  }
}

export { ABORT_YIELD_MS, yieldToEventLoop } from '../../event-loop.js';

/** Makes the model calls of one attribution: counts, checks, honours abort, reports progress. */
export class ModelCaller {
  modelCalls = 0;
  private total = 0;
  private lastYield = nowMs();

  constructor(
    readonly model: Model,
    readonly signal?: AbortSignal,
    private readonly onProgress?: (p: Progress) => void,
  ) {}

  /** Adds planned calls to the progress total. */
  plan(calls: number): void {
    this.total += calls;
  }

  /** Runs one model call, turning a backend out-of-memory failure into a ResourceError. */
  private async call<R>(rows: number, kind: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (e) {
      throw asResourceError(e, this.model.backend, rows, kind);
    }
  }

  /** "<kind> call <n>" of the call being checked (numbered from 1 in this attribution). */
  private callName(kind: string): string {
    return `${kind} call ${this.modelCalls + 1}`;
  }

  /**
   * Before each call: with a signal, yield to the event loop when ABORT_YIELD_MS have passed since
   * the last yield (so an abort() fired by a timer or another task is seen between calls even on a
   * synchronous backend; graph-backed models also yield and check inside a call, between graph
   * nodes — GraphModel), then throw AbortError if aborted.
   */
  private async gate(): Promise<void> {
    if (this.signal && nowMs() - this.lastYield >= ABORT_YIELD_MS) {
      await yieldToEventLoop();
      this.lastYield = nowMs();
    }
    throwIfAborted(this.signal);
  }

  private tick(): void {
    this.modelCalls++;
    if (this.modelCalls > this.total) this.total = this.modelCalls;
    this.onProgress?.({ done: this.modelCalls, total: this.total });
  }

  async forward(x: Tensor): Promise<Tensor> {
    await this.gate();
    const out = await this.call(x.shape[0]!, 'forward', () => this.model.forward(x, { signal: this.signal }));
    throwIfAborted(this.signal);
    checkShape(out, x.shape[0]!, this.model.outputShape, 'outputs');
    checkFinite(out, 'output', this.model.backend, this.callName('forward'));
    this.tick();
    return out;
  }

  async gradient(x: Tensor, seed: OutputSeed): Promise<GradientResult> {
    await this.gate();
    const res = await this.call(x.shape[0]!, 'gradient', () => this.model.gradient(x, { seed, signal: this.signal }));
    throwIfAborted(this.signal);
    checkShape(res.outputs, x.shape[0]!, this.model.outputShape, 'outputs');
    checkShape(res.inputGradient, x.shape[0]!, this.model.inputShape, 'input gradients');
    checkFinite(res.outputs, 'output', this.model.backend, this.callName('gradient'));
    checkFinite(res.inputGradient, 'gradient', this.model.backend, this.callName('gradient'));
    this.tick();
    return res;
  }

  /**
   * A gradient call with the full request (layer taps, overrides, rules, reference): checked,
   * counted and abortable like `gradient`. Layer taps are checked for finite values.
   */
  async request(x: Tensor, request: Omit<GradientRequest, 'signal'>): Promise<GradientResult> {
    await this.gate();
    const res = await this.call(x.shape[0]!, 'gradient', () => this.model.gradient(x, { ...request, signal: this.signal }));
    throwIfAborted(this.signal);
    checkShape(res.outputs, x.shape[0]!, this.model.outputShape, 'outputs');
    checkShape(res.inputGradient, x.shape[0]!, this.model.inputShape, 'input gradients');
    checkFinite(res.outputs, 'output', this.model.backend, this.callName('gradient'));
    checkFinite(res.inputGradient, 'gradient', this.model.backend, this.callName('gradient'));
    for (const name of request.layers ?? []) {
      const tap = res.layers[name];
      if (!tap) throw new ShapeError(`model returned no tap for layer ${name}`);
      checkFinite(tap.activation, `layer ${name} activation`, this.model.backend, this.callName('gradient'));
      checkFinite(tap.gradient, `layer ${name} gradient`, this.model.backend, this.callName('gradient'));
    }
    this.tick();
    return res;
  }

  /** Layer activations (one counted, abortable call). */
  async activations(x: Tensor, layers: readonly string[]): Promise<ActivationResult> {
    await this.gate();
    const res = await this.call(x.shape[0]!, 'activations', () => this.model.activations(x, layers, { signal: this.signal }));
    throwIfAborted(this.signal);
    checkShape(res.outputs, x.shape[0]!, this.model.outputShape, 'outputs');
    checkFinite(res.outputs, 'output', this.model.backend, this.callName('activations'));
    for (const name of layers) {
      const a = res.layers[name];
      if (!a) throw new ShapeError(`model returned no activation for layer ${name}`);
      checkFinite(a, `layer ${name} activation`, this.model.backend, this.callName('activations'));
    }
    this.tick();
    return res;
  }

  /** Forward of `rows` rows built chunk by chunk; returns all outputs, concatenated. */
  async forwardRows(rows: number, maxRows: number, build: (start: number, end: number) => Tensor): Promise<Tensor> {
    const per = sizeOf(this.model.outputShape);
    const data = new Float32Array(rows * per);
    await this.forwardEach(rows, maxRows, build, (s, _e, out) => data.set(out.data, s * per));
    return { shape: [rows, ...this.model.outputShape], data };
  }

  /**
   * Forward of `rows` rows built chunk by chunk, streaming: `consume` receives each chunk's
   * outputs in row order and nothing is kept (memory bounded by one chunk).
   */
  async forwardEach(
    rows: number,
    maxRows: number,
    build: (start: number, end: number) => Tensor,
    consume: (start: number, end: number, outputs: Tensor) => void,
  ): Promise<void> {
    for (const [s, e] of chunkRanges(rows, maxRows)) consume(s, e, await this.forward(build(s, e)));
  }

  /**
   * Gradient calls over `rows` rows in chunks; `consume` receives each chunk's result in row
   * order. `target` is the whole expanded target or lazy row seeds (expandedSeeds).
   */
  async gradientRows(
    rows: number,
    maxRows: number,
    build: (start: number, end: number) => Tensor,
    target: ResolvedTarget | RowSeeds,
    consume: (start: number, end: number, res: GradientResult) => void,
  ): Promise<void> {
    for (const [s, e] of chunkRanges(rows, maxRows)) {
      const res = await this.gradient(build(s, e), seedsFor(target, s, e));
      consume(s, e, res);
    }
  }
}

function fmt(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

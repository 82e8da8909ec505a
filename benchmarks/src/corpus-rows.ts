/**
 * A row of the model-compatibility corpus for the nsfwjs models (corpus-methods.ts): its type, the
 * fields every row of a model shares, the row of a crashed process, and the committed file format
 * (packages/tfjs/test/corpus-results/<adapter>.json, read by scripts/gen-models-doc.mjs).
 */
import type { CorpusModel } from './corpus-models.js';

/** A method run with fewer steps / samples than its default (`corpus --reduced`). */
export interface ReducedMethod {
  readonly id: string;
  readonly option: string;
  readonly value: number;
  readonly default: number;
}

export interface CorpusRow {
  readonly model: string;
  readonly description: string;
  readonly format: string;
  readonly producer: string;
  readonly opset: null;
  readonly batch: string;
  readonly adapter: string;
  readonly loads: boolean;
  readonly reference: string;
  readonly predictionError: number | null;
  readonly methods: {
    readonly ok: string[];
    readonly failed: { id: string; error: string }[];
    readonly skipped?: { id: string; reason: string }[];
    /** Methods (among `ok`) run with fewer steps / samples than their default (`--reduced`). */
    readonly reduced?: ReducedMethod[];
  };
  readonly checks: string[];
  readonly notes: string;
  /** Wall time of every run of this row added up, the largest peak RSS, and seconds per finished method. */
  readonly runtime?: { readonly seconds: number; readonly peakRssMb: number; readonly methods?: Record<string, number> };
  /** Written to the committed file as `runtime`. */
  readonly timing?: { readonly seconds: Record<string, number>; readonly peakRssMb: number; readonly totalS: number };
}

/** What every row of a model says about it. */
export function rowHead(adapter: string, m: CorpusModel) {
  return {
    model: m.id,
    description: m.description,
    format: m.format,
    producer: m.producer,
    opset: null,
    batch: 'dynamic',
    adapter,
    reference: 'nsfwjs (its own tfjs-layers / tfjs-converter runtime, tfjs-cpu)',
  } as const;
}

export function crashedRow(adapter: string, m: CorpusModel, message: string): CorpusRow {
  return {
    ...rowHead(adapter, m),
    loads: false,
    predictionError: null,
    methods: { ok: [], failed: [{ id: 'process', error: message.slice(0, 500) }] },
    checks: [],
    notes: 'the process running this model ended abnormally',
  };
}

/** The committed file of an adapter: the rows without their timing, models in corpus order. */
export function resultsFile(adapter: string, rows: readonly CorpusRow[]): string {
  const body = {
    format: 'glasswing-model-corpus/1',
    package: '@glasswing/tfjs',
    adapter,
    generatedBy: 'benchmarks/src/corpus-methods.ts (pnpm --filter @glasswing/benchmarks corpus --adapter <adapter>)',
    rows: rows
      .filter((r) => r.adapter === adapter)
      .map(({ timing, predictionError, ...r }) => ({
        ...r,
        predictionError: predictionError === null ? null : Number(`1e${Math.ceil(Math.log10(Math.max(predictionError, 1e-9)) - 1e-9)}`),
        ...(timing
          ? { runtime: { seconds: Math.round(timing.totalS), peakRssMb: timing.peakRssMb, methods: Object.fromEntries(Object.entries(timing.seconds).sort().map(([k, v]) => [k, Math.round(v * 100) / 100])) } }
          : {}),
      })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * Which methods of one (adapter, model) row are finished, and how, across resumed runs. Methods an
 * earlier run finished are kept (when it had no failure); one it finished with fewer steps /
 * samples counts as done for another `--reduced` run, while a default run runs it again and keeps
 * the reduced result until the default one finishes (a time-up keeps it; a real failure drops it).
 */
export class MethodLedger {
  readonly ok: string[];
  readonly reduced: ReducedMethod[];
  readonly failed: { id: string; error: string }[] = [];
  private readonly skipped: { id: string; reason: string }[] = [];
  /** Whether anything of the previous row was kept (its checks and notes then are too). */
  readonly keptAny: boolean;

  constructor(
    previous: CorpusRow['methods'] | undefined,
    private readonly reducedRun: boolean,
  ) {
    const kept = previous?.failed.length === 0 ? previous : undefined;
    this.ok = [...(kept?.ok ?? [])];
    this.reduced = [...(kept?.reduced ?? [])];
    this.keptAny = this.ok.length > 0;
  }

  private isReduced(id: string): boolean {
    return this.reduced.some((r) => r.id === id);
  }

  private dropReduced(id: string): void {
    const i = this.reduced.findIndex((r) => r.id === id);
    if (i >= 0) this.reduced.splice(i, 1);
  }

  /** Finished in a way this run accepts: not run again. */
  done(id: string): boolean {
    return this.ok.includes(id) && (this.reducedRun || !this.isReduced(id));
  }

  /** `id` finished; `cut` when it ran with fewer steps / samples. */
  finished(id: string, cut?: Omit<ReducedMethod, 'id'>): void {
    this.dropReduced(id);
    if (!this.ok.includes(id)) this.ok.push(id);
    if (cut) this.reduced.push({ id, ...cut });
  }

  /** Cut off by the time budget (or never started): a kept reduced result stands. */
  timedOut(id: string): void {
    if (!this.ok.includes(id)) this.skipped.push({ id, reason: 'over the time budget' });
  }

  failedWith(id: string, error: string): void {
    this.dropReduced(id);
    const i = this.ok.indexOf(id);
    if (i >= 0) this.ok.splice(i, 1);
    this.failed.push({ id, error });
  }

  /** The row's `methods`: every id of `all` neither finished nor failed is listed as not run. */
  methods(all: readonly string[]): CorpusRow['methods'] {
    const notRun = [
      ...this.skipped,
      ...all.filter((id) => !this.ok.includes(id) && !this.failed.some((f) => f.id === id) && !this.skipped.some((k) => k.id === id)).map((id) => ({ id, reason: 'over the time budget' })),
    ];
    const reduced = [...this.reduced].sort((a, b) => a.id.localeCompare(b.id));
    return { ok: [...this.ok].sort(), failed: [...this.failed], ...(notRun.length ? { skipped: notRun } : {}), ...(reduced.length ? { reduced } : {}) };
  }
}

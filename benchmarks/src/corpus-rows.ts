/**
 * A row of the model-compatibility corpus for the nsfwjs models (corpus-methods.ts): its type, the
 * fields every row of a model shares, the row of a crashed process, and the committed file format
 * (packages/tfjs/test/corpus-results/<adapter>.json, read by scripts/gen-models-doc.mjs).
 */
import type { CorpusModel } from './corpus-models.js';

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
    readonly reduced?: { id: string; option: string; value: number; default: number }[];
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

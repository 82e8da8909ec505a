/**
 * Corpus results: one row per (model, adapter), written to packages/<pkg>/test/corpus-results/<adapter>.json
 * and rendered into docs/models.md by scripts/gen-models-doc.mjs (format: see that script's header).
 * The committed file is what the test checks against; GLASSWING_UPDATE_CORPUS=1 rewrites it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface CorpusRow {
  readonly model: string;
  readonly description: string;
  /** 'ONNX', 'tfjs LayersModel', 'tfjs graph model', … */
  readonly format: string;
  /** How it was produced ('torch.onnx (TorchScript)', 'torch.onnx (dynamo)', a published package, …). */
  readonly producer: string;
  readonly opset: number | null;
  readonly batch: string;
  readonly adapter: string;
  readonly loads: boolean;
  /** What the predictions are compared with. */
  readonly reference: string;
  /**
   * max |prediction − reference| / max |reference| (measured; the committed file holds its
   * power-of-ten bound, see errorBound); null when not measured.
   */
  readonly predictionError: number | null;
  readonly methods: { readonly ok: readonly string[]; readonly failed: readonly { readonly id: string; readonly error: string }[] };
  /** Checks passed beyond "runs" (completeness, Captum agreement, …). */
  readonly checks: readonly string[];
  readonly notes: string;
}

export interface CorpusResultsFile {
  readonly format: 'glasswing-model-corpus/1';
  readonly package: string;
  readonly adapter: string;
  readonly generatedBy: string;
  readonly rows: readonly CorpusRow[];
}

/** The power of ten at or above `err` (at least 1e-9): a bound that survives float noise across machines. */
export function errorBound(err: number): number {
  if (!Number.isFinite(err)) return Infinity;
  const e = Math.max(err, 1e-9);
  return Number(`1e${Math.ceil(Math.log10(e) - 1e-9)}`);
}

export const UPDATE = process.env['GLASSWING_UPDATE_CORPUS'] === '1';

export function resultsPath(adapter: string): string {
  return fileURLToPath(new URL(`../corpus-results/${adapter}.json`, import.meta.url));
}

/**
 * With GLASSWING_UPDATE_CORPUS=1: write the rows (errors as bounds). Otherwise compare them with the committed file:
 * the same models, loads, methods and checks, and a prediction error within the committed bound.
 */
export function settleResults(file: CorpusResultsFile): void {
  const path = resultsPath(file.adapter);
  if (UPDATE) {
    const rows = file.rows.map((r) => ({ ...r, predictionError: r.predictionError === null ? null : errorBound(r.predictionError) }));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify({ ...file, rows }, null, 2)}\n`);
    return;
  }
  expect(existsSync(path), `${path} is missing; run the corpus test with GLASSWING_UPDATE_CORPUS=1`).toBe(true);
  const committed = JSON.parse(readFileSync(path, 'utf8')) as CorpusResultsFile;
  const fix = 'rerun with GLASSWING_UPDATE_CORPUS=1 and node scripts/gen-models-doc.mjs';
  expect(committed.rows.map((r) => r.model), `models (${fix})`).toEqual(file.rows.map((r) => r.model));
  for (const row of file.rows) {
    const c = committed.rows.find((r) => r.model === row.model)!;
    const { predictionError, ...rest } = row;
    const { predictionError: bound, ...committedRest } = c;
    expect(rest, `${row.model} (${fix})`).toEqual(committedRest);
    if (bound !== null) expect(predictionError!, `${row.model}: prediction error`).toBeLessThanOrEqual(bound);
  }
}

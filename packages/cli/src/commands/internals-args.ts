/**
 * Shared pieces of `glasswing concepts` and `glasswing clusters`: flags that may be repeated
 * (`--layer a --layer b`, `--concept name=file ...`), the layer list, labels files, and running a
 * core computation under a progress bar and Ctrl-C.
 */
import { InvalidArgumentError, ShapeError, type Tensor } from '@glasswing/core';
import { UsageError } from '../args.js';
import { parseCsv } from '../csv.js';
import { asBatch, readJson, readTensorFile, readText, resolvePath } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { progressBar, type ProgressReporter } from '../progress.js';

/** Pull every `--name value` / `--name=value` of the repeatable flags out of argv. */
export function takeRepeated(argv: readonly string[], names: readonly string[]): { rest: string[]; values: Record<string, string[]> } {
  const rest: string[] = [];
  const values: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)) : '';
    if (!names.includes(name)) {
      rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`option '--${name}' needs a value`);
      i++;
    }
    if (value === '') throw new UsageError(`option '--${name}' needs a non-empty value`);
    values[name]!.push(value);
  }
  return { rest, values };
}

/** `--layer a --layer b` and/or `--layer a,b`: the layers in order, without repeats. */
export function layerList(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    for (const p of r.split(',').map((s) => s.trim())) {
      if (p === '') throw new UsageError(`--layer must name layers, got '${r}'`);
      if (out.includes(p)) throw new UsageError(`--layer '${p}' is given twice`);
      out.push(p);
    }
  }
  return out;
}

/** `--k-range a..b` (inclusive). */
export function parseRange(name: string, raw: string): [number, number] {
  const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(raw);
  if (!m) throw new UsageError(`--${name} must look like 2..8, got '${raw}'`);
  const lo = Number(m[1]), hi = Number(m[2]);
  if (lo < 2 || hi < lo) throw new UsageError(`--${name} must satisfy 2 ≤ min ≤ max, got '${raw}'`);
  return [lo, hi];
}

/** Integer labels from a JSON array (numbers) or a one-column CSV (optional header). */
export function readLabels(path: string, n: number): number[] {
  let labels: number[];
  if (/\.csv$/i.test(path)) {
    const csv = parseCsv(readText(path, 'labels file'), `labels file '${path}'`);
    if (csv.columns.length !== 1) throw new ShapeError(`labels file '${path}' has ${csv.columns.length} columns, expected 1`);
    labels = Array.from(csv.data);
  } else {
    const v = readJson(path, 'labels file');
    const arr = Array.isArray(v) ? v : v && typeof v === 'object' && Array.isArray((v as { labels?: unknown }).labels) ? (v as { labels: unknown[] }).labels : undefined;
    if (!arr) throw new InvalidArgumentError(`labels file '${path}' must be a JSON array of integers (or {"labels": [...]}), or a one-column CSV`);
    labels = arr.map((x) => (typeof x === 'number' ? x : Number.NaN));
  }
  if (!labels.every((l) => Number.isInteger(l))) throw new InvalidArgumentError(`labels file '${path}' holds a value that is not an integer`);
  if (labels.length !== n) throw new ShapeError(`labels file '${path}' has ${labels.length} labels for ${n} examples`);
  return labels;
}

/** Run `work` with a progress bar (label) and Ctrl-C handling; the bar's summary line after. */
export async function withProgress<T>(
  label: string,
  io: ResolvedIO,
  progress: boolean | undefined,
  what: string,
  work: (bar: ProgressReporter, signal: AbortSignal | undefined) => Promise<T>,
): Promise<{ value: T; bar: ProgressReporter; seconds: number }> {
  const bar = progressBar(label, progress === undefined ? io : { ...io, progress });
  const signal = io.interruption?.signal;
  const started = Date.now();
  try {
    const value = await (io.interruption ? io.interruption.during(() => work(bar, signal)) : work(bar, signal));
    return { value, bar, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    bar.stop();
    throw asInterruption(err, signal, bar, what);
  }
}

/** `--concept name=file` values: names unique, both parts non-empty. */
export function parseConceptFlags(raw: readonly string[]): { name: string; file: string }[] {
  const names = new Set<string>();
  return raw.map((r) => {
    const eq = r.indexOf('=');
    if (eq <= 0 || eq === r.length - 1) throw new UsageError(`--concept must be name=file.json, got '${r}'`);
    const c = { name: r.slice(0, eq), file: r.slice(eq + 1) };
    if (names.has(c.name)) throw new UsageError(`--concept name '${c.name}' is given twice`);
    names.add(c.name);
    return c;
  });
}

/** The report's concept example sets and random pool, read and fitted to the model input. */
export function readReportConcepts(
  req: { readonly concepts?: readonly { name: string; file: string }[]; readonly conceptRandom?: string },
  inputShape: readonly number[],
  cwd: string,
): { concepts: { name: string; examples: Tensor }[]; random?: Tensor } {
  const concepts = (req.concepts ?? []).map((c) => ({ name: c.name, examples: asBatch(readTensorFile(resolvePath(cwd, c.file), `concept '${c.name}' file`), inputShape, `concept '${c.name}'`) }));
  const random = req.conceptRandom !== undefined ? asBatch(readTensorFile(resolvePath(cwd, req.conceptRandom), 'concept random file'), inputShape, 'random examples') : undefined;
  return { concepts, ...(random ? { random } : {}) };
}

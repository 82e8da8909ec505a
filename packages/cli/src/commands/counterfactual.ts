/**
 * `glasswing counterfactual`: the smallest change of one example that gives the desired outcome
 * (Wachter et al. gradient search, Growing Spheres, or a DiCE-style diverse set), with feature
 * constraints named by the data's CSV header. Writes JSON (stdout or --out), optionally the
 * before / after bar chart (PNG / SVG); progress on stderr.
 */
import {
  Dice,
  GrowingSpheres,
  InvalidArgumentError,
  ShapeError,
  Wachter,
  sizeOf,
  type CounterfactualOptions,
  type CounterfactualResult,
  type Model,
  type Tensor,
} from '@glasswing/core';
import { counterfactualChartPng, counterfactualChartSvg, formatNumber } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { parseCsv } from '../csv.js';
import { asBatch, readTensorFile, readText, resolvePath, writeFile } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { takeRepeated, withProgress } from './internals-args.js';

export const COUNTERFACTUAL_METHODS = ['wachter', 'growing-spheres', 'dice'] as const;
export type CounterfactualMethod = (typeof COUNTERFACTUAL_METHODS)[number];
const DISTANCES = ['l1-mad', 'l2'] as const;

const FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  data: 'value',
  exclude: 'value',
  example: 'value',
  input: 'value',
  desired: 'value',
  threshold: 'value',
  method: 'value',
  count: 'value',
  immutable: 'value',
  integer: 'value',
  distance: 'value',
  seed: 'value',
  adapter: 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};
const REPEATED = ['range', 'categorical'];

export function counterfactualUsage(): string {
  return `Usage: glasswing counterfactual --model <file> --data <data.csv | data.json> (--example <i> | --input <x.json>) [options]

The smallest change of one example that gives the desired outcome (counterfactual), under
feature constraints. Features are named by the data's CSV header (else col0, col1, … for a CSV
without header, f0, f1, … for JSON).

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --data <file>             reference rows: CSV (optional header of feature names) or JSON
                            ([[...], ...]); used for the MAD scale and the sampling ranges
  --example <i>             explain row i of --data (0-based), or
  --input <x.json>          explain this example (JSON array of the feature values)

Options:
  --method <id>             wachter (gradient search, Wachter et al. 2017; default),
                            growing-spheres (forward only, Laugel et al. 2018) or
                            dice (forward only: a diverse set, DiCE-style genetic search)
  --desired <class>         the class to reach (default for 2 outputs: the other class); for a
                            one-output model 1 = above the threshold, 0 = below
  --threshold <t>           one-output models: the decision threshold (default 0.5)
  --count <k>               dice: counterfactuals wanted (default 4)
  --immutable <a,b>         features that must not change
  --range <name=lo..hi>     allowed values of a feature (repeatable); e.g. --range age=18..99
  --categorical <g=a,b,c>   one-hot columns a, b, c form the categorical feature g: exactly one
                            stays 1 (repeatable)
  --integer <a,b>           features kept integer (rounded)
  --exclude <a,b>           CSV columns that are not model inputs (e.g. the label)
  --distance l1-mad|l2      L1 scaled by each feature's median absolute deviation (default) or
                            Euclidean
  --seed <n>                random seed (default 0)
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default: the fastest
                            installed)
  --out <file.json>         write the JSON here instead of stdout
  --png <file.png>          before / after bars per changed feature, with the predictions
  --svg <file.svg>          the same chart as SVG
  --progress, --no-progress progress bar on stderr: always / never (default: when a terminal)
  -h, --help                show this help

Output JSON: {"method", "adapter", "status" ("found" | "not-found"), "message", "seed",
"distance", "features": [names], "scale": [per feature], "desired": {"class"} or {"threshold",
"side"}, "original": {"values", "outputs", "predicted", "score"}, "counterfactuals": [{"values",
"changes": [{"feature", "index", "before", "after"}], "outputs", "predicted", "score", "valid",
"distances": {"l1Mad", "l2", "l0"}}], "modelCalls"} (+ "diversity" for dice). "score" > 0 means
the desired outcome (desired logit minus the best other, or the signed distance to the
threshold). Exit code 1 when no valid counterfactual is found (the JSON is still written).
`;
}

export interface CounterfactualRequest {
  readonly model: string;
  readonly data: string;
  readonly exclude: string[];
  readonly example?: number;
  readonly input?: string;
  readonly desired?: number;
  readonly threshold?: number;
  readonly method: CounterfactualMethod;
  readonly count: number;
  readonly immutable: string[];
  readonly integer: string[];
  readonly ranges: { name: string; lo: number; hi: number }[];
  readonly categorical: { group: string; columns: string[] }[];
  readonly distance: (typeof DISTANCES)[number];
  readonly seed: number;
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly progress?: boolean;
}

const names = (raw: string | undefined, flag: string) => {
  if (raw === undefined) return [];
  const out = raw.split(',').map((s) => s.trim());
  if (out.some((s) => s === '')) throw new UsageError(`--${flag} must be a comma-separated list of feature names, got '${raw}'`);
  return out;
};

export function parseCounterfactualArgs(argv: readonly string[]): CounterfactualRequest | 'help' {
  const { rest, values: rep } = takeRepeated(argv, REPEATED);
  const { values: v, switches, positionals } = parseFlags(rest, FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'data']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  if ((v['example'] === undefined) === (v['input'] === undefined)) throw new UsageError('give exactly one of --example <i> and --input <x.json>');
  const ranges = rep['range']!.map((r) => {
    const eq = r.indexOf('=');
    const dots = r.indexOf('..', eq + 1);
    if (eq <= 0 || dots < 0) throw new UsageError(`--range must look like name=lo..hi, got '${r}'`);
    const lo = parseNumber('range', r.slice(eq + 1, dots).trim(), -Infinity);
    const hi = parseNumber('range', r.slice(dots + 2).trim(), -Infinity);
    if (!(lo <= hi)) throw new UsageError(`--range ${r.slice(0, eq)}: lo must be ≤ hi, got '${r}'`);
    return { name: r.slice(0, eq).trim(), lo, hi };
  });
  const categorical = rep['categorical']!.map((r) => {
    const eq = r.indexOf('=');
    if (eq <= 0) throw new UsageError(`--categorical must look like group=a,b,c, got '${r}'`);
    const columns = names(r.slice(eq + 1), 'categorical');
    if (columns.length < 2) throw new UsageError(`--categorical ${r.slice(0, eq)} needs at least 2 one-hot columns`);
    return { group: r.slice(0, eq).trim(), columns };
  });
  const progress = parseProgressSwitches(switches);
  return {
    model: v['model']!,
    data: v['data']!,
    exclude: names(v['exclude'], 'exclude'),
    ...(v['example'] !== undefined ? { example: parseInteger('example', v['example'], 0) } : {}),
    ...(v['input'] !== undefined ? { input: v['input'] } : {}),
    ...(v['desired'] !== undefined ? { desired: parseInteger('desired', v['desired'], 0) } : {}),
    ...(v['threshold'] !== undefined ? { threshold: parseNumber('threshold', v['threshold'], -Infinity) } : {}),
    method: v['method'] === undefined ? 'wachter' : parseChoice('method', v['method'], COUNTERFACTUAL_METHODS),
    count: v['count'] === undefined ? 4 : parseInteger('count', v['count'], 1),
    immutable: names(v['immutable'], 'immutable'),
    integer: names(v['integer'], 'integer'),
    ranges,
    categorical,
    distance: v['distance'] === undefined ? 'l1-mad' : parseChoice('distance', v['distance'], DISTANCES),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(v['png'] !== undefined ? { png: v['png'] } : {}),
    ...(v['svg'] !== undefined ? { svg: v['svg'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

/** The data rows and feature names (CSV header, minus --exclude columns; or JSON). */
export function readFeatureRows(path: string, exclude: readonly string[], model: Model): { names: string[]; data: Tensor } {
  const d = sizeOf(model.inputShape);
  if (/\.csv$/i.test(path)) {
    const csv = parseCsv(readText(path, 'data file'), `data file '${path}'`);
    for (const e of exclude) if (!csv.columns.includes(e)) throw new UsageError(`--exclude '${e}' is not a column of the data (${csv.columns.join(', ')})`);
    const keep = csv.columns.map((c, j) => (exclude.includes(c) ? -1 : j)).filter((j) => j >= 0);
    if (keep.length !== d) throw new ShapeError(`the data has ${keep.length} feature columns but the model input [${model.inputShape.join(', ')}] has ${d} values`);
    const w = csv.columns.length;
    const data = new Float32Array(csv.rows * d);
    for (let i = 0; i < csv.rows; i++) keep.forEach((j, k) => (data[i * d + k] = csv.data[i * w + j]!));
    return { names: keep.map((j) => csv.columns[j]!), data: { shape: [csv.rows, ...model.inputShape], data } };
  }
  if (exclude.length > 0) throw new UsageError('--exclude applies to CSV data only');
  const data = asBatch(readTensorFile(path, 'data file'), model.inputShape, 'data');
  return { names: Array.from({ length: d }, (_, j) => `f${j}`), data };
}

function featureIndex(names: readonly string[], name: string, flag: string): number {
  const j = names.indexOf(name);
  if (j < 0) throw new UsageError(`--${flag}: '${name}' is not a feature (features: ${names.join(', ')})`);
  return j;
}

/** Core options from the request's named constraints. */
export function constraintOptions(req: Pick<CounterfactualRequest, 'immutable' | 'integer' | 'ranges' | 'categorical'>, names: readonly string[]): CounterfactualOptions {
  const ranges: ([number, number] | null)[] = names.map(() => null);
  for (const r of req.ranges) ranges[featureIndex(names, r.name, 'range')] = [r.lo, r.hi];
  return {
    immutable: req.immutable.map((n) => featureIndex(names, n, 'immutable')),
    integer: req.integer.map((n) => featureIndex(names, n, 'integer')),
    categorical: req.categorical.map((g) => g.columns.map((n) => featureIndex(names, n, 'categorical'))),
    ranges,
    featureNames: names,
  };
}

/** Runs one method (core classes) with the given options. */
export function runMethod(model: Model, method: CounterfactualMethod, x: Tensor, options: CounterfactualOptions & { count?: number }): Promise<CounterfactualResult> {
  if (method === 'wachter') return new Wachter(model).generate(x, options);
  if (method === 'growing-spheres') return new GrowingSpheres(model).generate(x, options);
  return new Dice(model).generate(x, options);
}

/** How a prediction is shown: the class, or the output against the threshold. */
export function predictionLabel(res: CounterfactualResult, outputs: ArrayLike<number>, predicted: number): string {
  if (res.desired.threshold !== undefined) return `output ${formatNumber(outputs[0]!)} (${outputs[0]! >= res.desired.threshold ? '≥' : '<'} ${formatNumber(res.desired.threshold)})`;
  return `class ${predicted}`;
}

/**
 * The chart input of a result. One-hot `groups` (name → its column names) become one text row
 * each ("housing: rent → own") instead of a bar per column.
 */
export function chartInput(
  res: CounterfactualResult,
  title?: string,
  ranges?: Readonly<Record<string, readonly [number, number]>>,
  groups: readonly { group: string; columns: readonly string[] }[] = [],
) {
  const inGroup = new Map(groups.flatMap((g) => g.columns.map((c) => [c, g] as const)));
  const hot = (values: ArrayLike<number>, cols: readonly string[], featureNames: readonly string[]) => cols.find((c) => values[featureNames.indexOf(c)] === 1) ?? '?';
  return {
    ...(ranges ? { ranges } : {}),
    title: title ?? `Counterfactual (${res.method})`,
    subtitle: `desired: ${res.desired.class !== undefined ? `class ${res.desired.class}` : `${res.desired.side} ${formatNumber(res.desired.threshold!)}`} · distance ${res.distance}`,
    before: predictionLabel(res, res.original.outputs, res.original.predicted),
    counterfactuals: res.counterfactuals.map((c) => {
      const featureNames = res.features;
      const touched = groups.filter((g) => c.changes.some((ch) => g.columns.includes(ch.name)));
      const changes = c.changes.filter((ch) => !inGroup.has(ch.name)).map((ch) => ({ name: ch.name, before: ch.before, after: ch.after }));
      return {
        after: predictionLabel(res, c.outputs, c.predicted),
        note: `${changes.length + touched.length} changed, ${res.distance === 'l2' ? `L2 ${formatNumber(c.distances.l2)}` : `L1/MAD ${formatNumber(c.distances.l1Mad)}`}`,
        changes,
        categories: touched.map((g) => ({ name: g.group, before: hot(res.original.values, g.columns, featureNames), after: hot(c.values, g.columns, featureNames) })),
      };
    }),
  };
}

export function resultJson(res: CounterfactualResult, names: readonly string[], extra: Record<string, unknown>): Record<string, unknown> {
  const r = res as CounterfactualResult & { diversity?: unknown; lambda?: number };
  return {
    method: res.method,
    ...extra,
    status: res.status,
    message: res.message,
    distance: res.distance,
    features: names,
    scale: Array.from(res.scale),
    desired: res.desired,
    original: { values: Array.from(res.original.values), outputs: Array.from(res.original.outputs), predicted: res.original.predicted, score: res.original.score },
    counterfactuals: res.counterfactuals.map((c) => ({
      values: Array.from(c.values),
      changes: c.changes.map((ch) => ({ feature: ch.name, index: ch.feature, before: ch.before, after: ch.after })),
      outputs: Array.from(c.outputs),
      predicted: c.predicted,
      score: c.score,
      valid: c.valid,
      distances: c.distances,
    })),
    ...(r.diversity !== undefined ? { diversity: r.diversity } : {}),
    ...(r.lambda !== undefined ? { lambda: r.lambda } : {}),
    modelCalls: res.modelCalls,
  };
}

export async function runCounterfactual(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseCounterfactualArgs(argv);
  if (req === 'help') {
    io.out(counterfactualUsage());
    return 0;
  }
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  try {
    const { names, data } = readFeatureRows(resolvePath(io.cwd, req.data), req.exclude, model);
    const d = names.length;
    let x: Tensor;
    if (req.example !== undefined) {
      const m = data.shape[0]!;
      if (req.example >= m) throw new InvalidArgumentError(`--example ${req.example} is out of range: the data has ${m} rows`);
      x = { shape: [1, ...model.inputShape], data: data.data.slice(req.example * d, (req.example + 1) * d) };
    } else {
      x = asBatch(readTensorFile(resolvePath(io.cwd, req.input!), 'input file'), model.inputShape, 'input');
      if (x.shape[0] !== 1) throw new ShapeError(`--input holds ${x.shape[0]} examples; counterfactual explains one`);
    }
    const options = {
      ...constraintOptions(req, names),
      data,
      distance: req.distance,
      seed: req.seed,
      count: req.count,
      ...(req.desired !== undefined ? { desired: req.desired } : {}),
      ...(req.threshold !== undefined ? { threshold: req.threshold } : {}),
    };
    const { value: res, bar, seconds } = await withProgress('counterfactual', io, req.progress, `counterfactual on ${choice.adapter}`, (b, signal) =>
      runMethod(model, req.method, x, { ...options, ...(signal ? { signal } : {}), onProgress: (p) => b.update(p.done, p.total) }),
    );
    bar.finish(`counterfactual (${req.method}): ${res.status}, ${res.counterfactuals.length} counterfactual(s), ${res.modelCalls} model calls, ${seconds.toFixed(1)} s ${describeChoice(choice)}`);
    const json = JSON.stringify(resultJson(res, names, { adapter: choice.adapter, seed: req.seed }));
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    if (res.status === 'found' && (req.png !== undefined || req.svg !== undefined)) {
      const chart = chartInput(res, undefined, Object.fromEntries(req.ranges.map((r) => [r.name, [r.lo, r.hi] as const])), req.categorical);
      if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), counterfactualChartPng(chart), 'PNG file');
      if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), counterfactualChartSvg(chart), 'SVG file');
    }
    if (res.status !== 'found') {
      io.err(`glasswing: counterfactual: ${res.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    await model.dispose();
  }
}

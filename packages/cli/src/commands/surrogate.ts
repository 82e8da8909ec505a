/**
 * `glasswing surrogate`: a global surrogate decision tree fitted to a model's predictions over a
 * CSV / JSON dataset, with fidelity, importances and IF–THEN rules. Writes JSON (stdout or
 * --out), optionally the rules as text / Markdown and the tree / rule table as PNG / SVG;
 * progress on stderr.
 */
import { extname } from 'node:path';
import { GlobalSurrogate, InvalidArgumentError, ShapeError, sizeOf } from '@glasswing/core';
import type { GlobalSurrogateResult, Model, Tensor, TreeCriterion, TreeRule } from '@glasswing/core';
import { ruleTablePng, ruleTableSvg, treeDiagramPng, treeDiagramSvg } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { parseCsv } from '../csv.js';
import { readJson, readText, resolvePath, tensorFromJson, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';

export const SURROGATE_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  data: 'value',
  task: 'value',
  output: 'value',
  'max-depth': 'value',
  'min-leaf': 'value',
  'min-split': 'value',
  criterion: 'value',
  holdout: 'value',
  repeats: 'value',
  seed: 'value',
  features: 'value',
  classes: 'value',
  adapter: 'value',
  out: 'value',
  rules: 'value',
  png: 'value',
  svg: 'value',
  'rules-png': 'value',
  'rules-svg': 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function surrogateUsage(): string {
  return `Usage: glasswing surrogate --model <file> --data <data.csv | data.json> [options]

Global surrogate: a CART decision tree fitted to the MODEL's predictions (its class, or one
output for regression) over a dataset, read as IF-THEN rules. Reports fidelity (agreement with
the model, or R² for regression) on a held-out share of the rows, and feature importances.

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --data <file>             CSV: one example per row, numeric columns (the model's input values,
                            flattened row-major); a header row names the features.
                            JSON: nested arrays [rows][...] or {"shape", "data"}

Options:
  --task classification|regression
                            explain the predicted class (default) or one output's value
  --output <k>              regression: the output index explained (default 0)
  --max-depth <n>           tree depth (default 4; 0 = a single leaf)
  --min-leaf <n>            fewest rows in a leaf (default 1)
  --min-split <n>           fewest rows in a node that may be split (default 2)
  --criterion gini|entropy|variance
                            split criterion (default gini; variance for regression)
  --holdout <share>         share of rows held out to measure fidelity, in [0, 1) (default 0.25)
  --repeats <n>             shuffles per feature of the permutation importance (default 5;
                            0 skips it)
  --seed <n>                random seed of the held-out split and the shuffles (default 0)
  --features <a,b,...>      feature names (default: the CSV header, else x0, x1, ...)
  --classes <a,b,...>       class names for the rules and pictures
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default: the fastest
                            installed, named in the summary line)
  --out <file.json>         write the JSON result here instead of stdout
  --rules <file.txt|.md>    the rules, one per line (.md: a Markdown table)
  --png <file.png>          the tree diagram (leaves coloured by class / value)
  --svg <file.svg>          the same diagram as SVG
  --rules-png <file.png>    the rule table picture
  --rules-svg <file.svg>    the same table as SVG
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Output JSON: {"task", "rows", "trainRows", "holdoutRows", "seed", "fidelity": {"metric",
"train", "holdout"}, "features": [{"name", "impurity", "permutationMean", "permutationStd"}],
"tree": {"depth", "leaves", "criterion", "classes", "nodes": [{"id", "depth", "samples",
"impurity", "value", "prediction", "feature", "featureName", "threshold", "left", "right"}]},
"rules": [{"text", "conditions": [{"feature", "name", "lower", "upper"}], "prediction",
"className", "support", "coverage", "confidence", "std"}]}. A node's left child holds
feature ≤ threshold; leaves have feature −1. Conditions read lower < name ≤ upper.
`;
}

export interface SurrogateRequest {
  readonly model: string;
  readonly data: string;
  readonly task: 'classification' | 'regression';
  readonly output?: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly minSplit: number;
  readonly criterion?: TreeCriterion;
  readonly holdout: number;
  readonly repeats: number;
  readonly seed: number;
  readonly features?: string[];
  readonly classes?: string[];
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly rules?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly rulesPng?: string;
  readonly rulesSvg?: string;
  readonly progress?: boolean;
}

/** A comma-separated list of non-empty names. */
export function parseNames(flag: string, raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((s) => s === '')) throw new UsageError(`--${flag} has an empty name in '${raw}'`);
  return names;
}

export function parseSurrogateArgs(argv: readonly string[]): SurrogateRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, SURROGATE_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'data']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  const task = v['task'] === undefined ? 'classification' : parseChoice('task', v['task'], ['classification', 'regression'] as const);
  if (v['output'] !== undefined && task !== 'regression') throw new UsageError('--output needs --task regression');
  const holdout = v['holdout'] === undefined ? 0.25 : parseNumber('holdout', v['holdout'], 0);
  if (holdout >= 1) throw new UsageError(`--holdout must be in [0, 1), got ${v['holdout']}`);
  const progress = parseProgressSwitches(switches);
  const opt = (flag: string, key: string) => (v[flag] !== undefined ? { [key]: v[flag] } : {});
  return {
    model: v['model']!,
    data: v['data']!,
    task,
    ...(v['output'] !== undefined ? { output: parseInteger('output', v['output'], 0) } : {}),
    maxDepth: v['max-depth'] === undefined ? 4 : parseInteger('max-depth', v['max-depth'], 0),
    minLeaf: v['min-leaf'] === undefined ? 1 : parseInteger('min-leaf', v['min-leaf'], 1),
    minSplit: v['min-split'] === undefined ? 2 : parseInteger('min-split', v['min-split'], 2),
    ...(v['criterion'] !== undefined ? { criterion: parseChoice('criterion', v['criterion'], ['gini', 'entropy', 'variance'] as const) } : {}),
    holdout,
    repeats: v['repeats'] === undefined ? 5 : parseInteger('repeats', v['repeats'], 0),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    ...(v['features'] !== undefined ? { features: parseNames('features', v['features']) } : {}),
    ...(v['classes'] !== undefined ? { classes: parseNames('classes', v['classes']) } : {}),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...opt('out', 'out'),
    ...opt('rules', 'rules'),
    ...opt('png', 'png'),
    ...opt('svg', 'svg'),
    ...opt('rules-png', 'rulesPng'),
    ...opt('rules-svg', 'rulesSvg'),
    ...(progress !== undefined ? { progress } : {}),
  } as SurrogateRequest;
}

export interface Table {
  /** Feature names from the CSV header, else undefined. */
  readonly names?: string[];
  /** Rows × per-row values. */
  readonly x: Float32Array;
  readonly rows: number;
}

/** A CSV (optional header) or JSON tensor file of examples. */
export function readTable(path: string): Table {
  if (extname(path).toLowerCase() === '.json') {
    const t = tensorFromJson(readJson(path, 'data file'), `data file '${path}'`);
    if (t.shape.length < 2 || t.shape[0] === 0) throw new ShapeError(`data file '${path}' must hold rows of examples, got shape [${t.shape.join(', ')}]`);
    return { x: t.data, rows: t.shape[0]! };
  }
  const csv = parseCsv(readText(path, 'data file'), `data file '${path}'`);
  return { ...(csv.hasHeader ? { names: csv.columns } : {}), x: Float32Array.from(csv.data), rows: csv.rows };
}

/** The table as a model batch, and the feature names (flag, header, or x0, x1, …). */
export function tableBatch(table: Table, model: Model, flagNames: readonly string[] | undefined, path: string): { data: Tensor; names: string[] } {
  const per = sizeOf(model.inputShape);
  const cols = table.x.length / table.rows;
  if (cols !== per) throw new ShapeError(`data file '${path}' has ${cols} values per row but the model input [${model.inputShape.join(', ')}] has ${per}`);
  const names = flagNames ? [...flagNames] : table.names ?? Array.from({ length: per }, (_, j) => `x${j}`);
  if (names.length !== per) throw new UsageError(`--features names ${names.length} features but the model input has ${per}`);
  return { data: { shape: [table.rows, ...model.inputShape], data: table.x }, names };
}

/** Class names: the flag, checked against the model's classes. */
export function checkClasses(classes: readonly string[] | undefined, model: Model): string[] | undefined {
  if (!classes) return undefined;
  const k = Math.max(sizeOf(model.outputShape), 2);
  if (classes.length !== k) throw new UsageError(`--classes names ${classes.length} classes but the model has ${k}`);
  return [...classes];
}

/** The rules as text lines, or a Markdown table for a .md path. */
export function rulesText(rules: readonly TreeRule[], task: string, markdown: boolean): string {
  if (!markdown) return rules.map((r) => r.text).join('\n') + '\n';
  const cls = task === 'classification';
  const lines = [`| # | IF | THEN | support | ${cls ? 'confidence' : 'std'} |`, '|---:|---|---|---:|---:|'];
  rules.forEach((r, i) => {
    const cond = r.conditions.length ? r.text.replace(/^IF (.*) THEN .*$/, '$1') : 'TRUE';
    const then = cls ? r.className ?? `class ${r.prediction}` : String(Number(r.prediction.toPrecision(4)));
    const last = cls ? `${(100 * r.confidence!).toFixed(1)}%` : String(Number((r.std ?? 0).toPrecision(3)));
    lines.push(`| ${i + 1} | ${cond} | ${then} | ${r.support} (${(100 * r.coverage).toFixed(1)}%) | ${last} |`);
  });
  return lines.join('\n') + '\n';
}

/** The JSON output of a surrogate fit. */
export function surrogateJson(res: GlobalSurrogateResult, rows: number, seed: number): unknown {
  return {
    task: res.task,
    rows,
    trainRows: res.trainRows,
    holdoutRows: res.holdoutRows,
    seed,
    fidelity: { metric: res.fidelityMetric, train: res.trainFidelity, holdout: res.holdoutFidelity },
    features: res.importances.map((f) => ({ name: f.name, impurity: f.impurity, permutationMean: f.permutationMean, permutationStd: f.permutationStd })),
    tree: {
      depth: res.tree.depth,
      leaves: res.tree.leaves,
      criterion: res.tree.criterion,
      classes: res.tree.classes,
      ...(res.classNames ? { classNames: res.classNames } : {}),
      nodes: res.tree.nodes.map((n) => ({ ...n, featureName: n.feature >= 0 ? res.featureNames[n.feature] : null })),
    },
    rules: res.rules,
  };
}

export async function runSurrogate(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseSurrogateArgs(argv);
  if (req === 'help') {
    io.out(surrogateUsage());
    return 0;
  }
  const dataPath = resolvePath(io.cwd, req.data);
  const table = readTable(dataPath);
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  try {
    const { data, names } = tableBatch(table, model, req.features, dataPath);
    const classNames = req.task === 'classification' ? checkClasses(req.classes, model) : undefined;
    if (req.task === 'regression' && req.output !== undefined && req.output >= sizeOf(model.outputShape)) {
      throw new UsageError(`--output ${req.output} is not an output of the model (it has ${sizeOf(model.outputShape)})`);
    }
    const bar = progressBar('surrogate', req.progress === undefined ? io : { ...io, progress: req.progress });
    const signal = io.interruption?.signal;
    const started = Date.now();
    const work = () =>
      new GlobalSurrogate(model).fit({
        data,
        task: req.task,
        ...(req.output !== undefined ? { output: req.output } : {}),
        featureNames: names,
        ...(classNames ? { classNames } : {}),
        maxDepth: req.maxDepth,
        minSamplesLeaf: req.minLeaf,
        minSamplesSplit: req.minSplit,
        ...(req.criterion ? { criterion: req.criterion } : {}),
        holdout: req.holdout,
        permutationRepeats: req.repeats,
        seed: req.seed,
        ...(signal ? { signal } : {}),
        onProgress: (p) => bar.update(p.done, p.total),
      });
    let res: GlobalSurrogateResult;
    try {
      res = await (io.interruption ? io.interruption.during(work) : work());
    } catch (err) {
      bar.stop();
      if (err instanceof InvalidArgumentError && /criterion/.test(err.message)) throw new UsageError(err.message);
      throw asInterruption(err, signal, bar, `surrogate on ${choice.adapter}`);
    }
    const fid = res.holdoutFidelity ?? res.trainFidelity;
    bar.finish(
      `surrogate: depth ${res.tree.depth}, ${res.tree.leaves} leaves, ${res.rules.length} rules, fidelity ${res.fidelityMetric} ${fid.toFixed(3)} on ${res.holdoutRows > 0 ? `${res.holdoutRows} held-out` : `${res.trainRows} fit`} rows, ` +
        `${res.modelCalls} model calls, ${((Date.now() - started) / 1000).toFixed(1)} s ${describeChoice(choice)}`,
    );
    const json = JSON.stringify(surrogateJson(res, table.rows, req.seed));
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    if (req.rules !== undefined) {
      const p = resolvePath(io.cwd, req.rules);
      writeFile(p, rulesText(res.rules, res.task, extname(p).toLowerCase() === '.md'), 'rules file');
    }
    const tree = { tree: res.tree, featureNames: res.featureNames, ...(classNames ? { classNames } : {}) };
    if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), treeDiagramPng(tree), 'PNG file');
    if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), treeDiagramSvg(tree), 'SVG file');
    const table2 = { rules: res.rules, task: res.task };
    if (req.rulesPng !== undefined) writeFile(resolvePath(io.cwd, req.rulesPng), ruleTablePng(table2), 'PNG file');
    if (req.rulesSvg !== undefined) writeFile(resolvePath(io.cwd, req.rulesSvg), ruleTableSvg(table2), 'SVG file');
    return 0;
  } finally {
    await model.dispose();
  }
}

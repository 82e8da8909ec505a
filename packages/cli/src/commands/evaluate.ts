/**
 * `glasswing evaluate`: how good are the explanations? Runs every attribution method (default: all
 * that apply) × every explanation-quality metric (default: all that apply) on a model, its inputs
 * and optionally ground-truth masks — a bundled ground-truth task (`--task image|tabular`) or your
 * files — and ranks the methods per metric and overall (core's `evaluateExplanations`). Prints the
 * ranking table on stdout; writes JSON (`--json`), Markdown (`--markdown`), the metric × method heat
 * table and the mean deletion / insertion (and any other) curves as PNG / SVG.
 */
import { METHODS, METRICS, evaluateExplanations, sizeOf, sliceBatch } from '@glasswing/core';
import type { EvaluateResult, Graph, Model, Tensor } from '@glasswing/core';
import { hasMetricCurves, metricCurvesPng, metricCurvesSvg, metricHeatTablePng, metricHeatTableSvg } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseBoolean, parseChoice, parseFlags, parseInteger, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { COSTLY_TO_REEXPLAIN, DEFAULT_TASK_COUNT, TASKS, withTaskMetricOptions, budgetSkip, defaultEvaluateMethods, dropUnscoredMetrics, defaultEvaluateMetrics, evaluateRows, rankingMarkdown, rankingText, taskFiles } from '../evaluate-grid.js';
import type { TaskId } from '../evaluate-grid.js';
import { asBatch, readTensorFile, resolvePath, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import { parseTarget } from './attribute.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, createModel, imageLayout, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';
import { inputKindOf } from '../report/model-info.js';
import { lastConvLayer } from '../report/methods.js';

export const EVALUATE_FLAGS: Readonly<Record<string, FlagKind>> = {
  task: 'value',
  model: 'value',
  input: 'value',
  masks: 'value',
  target: 'value',
  methods: 'value',
  metrics: 'value',
  'metric-option': 'value',
  controls: 'value',
  full: 'switch',
  count: 'value',
  seed: 'value',
  adapter: 'value',
  'perturbations-per-eval': 'value',
  json: 'value',
  markdown: 'value',
  png: 'value',
  svg: 'value',
  'curves-png': 'value',
  'curves-svg': 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function evaluateUsage(): string {
  const metrics = Object.values(METRICS).map((m) => `${m.id} (${m.family}${m.needs.masks ? ', masks' : ''}${m.needs.rebuild ? ', graph' : ''})`);
  return `Usage: glasswing evaluate --task image|tabular [options]
       glasswing evaluate --model <file> --input <file.json> [--masks <file.json>] [options]

Score attribution methods with explanation-quality metrics and rank them: every method x every
metric on the examples, then a rank per metric (1 = best; ties share the average rank) and overall
(the mean of a method's ranks). Two model-blind control rows (Sobel edges for images, uniform random
maps) show what a metric gives an explanation that knows nothing of the model.

Input (one of):
  --task image|tabular      a bundled ground-truth task whose decisive features are known:
                            image = the demo CNN on 20x20 images, decisive 6x6 region;
                            tabular = a 10-feature MLP whose label depends on 3 features
  --model <file>            TensorFlow.js model.json, Glasswing graph JSON or ONNX, with
  --input <file.json>       {"shape": [N, ...], "data": [...]} or nested arrays
  --masks <file.json>       ground truth (> 0 on the decisive features), [N, ...] or one
                            example's shape (the same mask for all); the localisation metrics
                            need it

Options:
  --target <k | k0,k1,...>  class explained, for all or per example (default: the predicted class)
  --methods <a,b,...>       method ids (default: every method attributing to the input that the
                            model can run, Grad-CAM on the last conv layer; not shapley-values
                            beyond 12 features, not shapley-value-sampling on images)
  --metrics <a,b,...>       metric ids (default: every metric that applies; asked-for metrics
                            that cannot run are 'n/a' with the reason). Metrics:
${metrics.map((m) => `                              ${m}`).join('\n')}
  --metric-option <m.k=v,...>  a metric's own option, e.g. deletion.steps=20 (the bundled tasks
                            set a few to fit their size: image top-k-intersection.k=18,
                            monotonicity(-correlation).featuresInStep=20,
                            faithfulness-correlation.subsetSize=20; tabular top-k-intersection.k=2,
                            faithfulness-correlation.subsetSize=3; yours win)
  --controls true|false     include the control rows (default true)
  --full                    run every cell; by default, on inputs of more than 64 features, the
                            metrics that re-explain (robustness, randomisation) skip the methods
                            costly to re-run (${[...COSTLY_TO_REEXPLAIN].join(', ')}): 'n/a' cells
  --count <n>               first n examples (default: image task 8, tabular task 16, files all)
  --seed <n>                seed of every method and metric (default 0): same seed, same JSON
  --adapter <id>            ${ADAPTERS.join(', ')}
                            (default: the fastest installed, named in the summary line)
  --perturbations-per-eval <n>  most perturbed inputs per model call of a metric
  --json <file.json>        the full result as JSON ('-' = stdout instead of the table)
  --markdown <file.md>      the ranking table as Markdown
  --png <file.png>, --svg <file.svg>
                            the metric x method heat table (cells coloured by rank)
  --curves-png <file.png>, --curves-svg <file.svg>
                            the mean curve per method of every metric that gives curves
                            (deletion / insertion, ROAD, randomisation per layer, ...)
  --progress, --no-progress progress bar over the whole grid on stderr (default: on a terminal)
  -h, --help                show this help

Output JSON: {"task", "model", "adapter", "examples", "targets", "seed", "metrics": [{"id",
"title", "family", "higherIsBetter", "options"}], "methods": [{"method", "title", "control",
"meanRank", "overallRank", "reason"?}], "cells": [{"method", "metric", "status": "ok" | "n/a",
"mean", "scores", "rank", "reason", "curves": [{"label", "xLabel", "x", "y"}], "details"}]}
(cells method-major). Bit-for-bit the same for the same arguments, seed and adapter.
The default run on a bundled task takes a few minutes on 2 cores; --count, --methods and
--metrics shorten it.
`;
}

export interface EvaluateRequest {
  readonly task?: TaskId;
  readonly model?: string;
  readonly input?: string;
  readonly masks?: string;
  readonly target?: number | number[];
  readonly methods?: string[];
  readonly metrics?: string[];
  readonly metricOptions: Record<string, Record<string, number | string | boolean>>;
  readonly controls: boolean;
  readonly full: boolean;
  readonly count?: number;
  readonly seed: number;
  readonly adapter?: AdapterId;
  readonly perturbationsPerEval?: number;
  readonly json?: string;
  readonly markdown?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly curvesPng?: string;
  readonly curvesSvg?: string;
  readonly progress?: boolean;
}

function idList(flag: string, raw: string, known: Readonly<Record<string, unknown>>): string[] {
  const ids = raw.split(',').map((s) => s.trim());
  for (const id of ids) {
    if (id === '') throw new UsageError(`--${flag} must be a comma-separated list of ids, got '${raw}'`);
    if (!Object.prototype.hasOwnProperty.call(known, id)) throw new UsageError(`unknown ${flag.replace(/s$/, '')} '${id}' in --${flag}; valid: ${Object.keys(known).join(', ')}`);
  }
  if (new Set(ids).size !== ids.length) throw new UsageError(`--${flag} lists an id twice`);
  return ids;
}

/** `--metric-option m.k=v,...`: numbers and true/false are parsed, the rest kept as strings. */
function parseMetricOptions(raw: string | undefined): Record<string, Record<string, number | string | boolean>> {
  const out: Record<string, Record<string, number | string | boolean>> = {};
  if (raw === undefined) return out;
  for (const part of raw.split(',').map((s) => s.trim())) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.+)$/.exec(part);
    if (!m) throw new UsageError(`--metric-option entries look like <metric>.<option>=<value>, got '${part}'`);
    const [, id, key, value] = m as unknown as [string, string, string, string];
    const spec = METRICS[id];
    if (!spec) throw new UsageError(`unknown metric '${id}' in --metric-option; valid: ${Object.keys(METRICS).join(', ')}`);
    if (!(key in spec.defaults)) throw new UsageError(`metric '${id}' has no option '${key}'; its options: ${Object.keys(spec.defaults).join(', ') || 'none'}`);
    const num = Number(value);
    (out[id] ??= {})[key] = value === 'true' ? true : value === 'false' ? false : Number.isFinite(num) && value.trim() !== '' ? num : value;
  }
  return out;
}

export function parseEvaluateArgs(argv: readonly string[]): EvaluateRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, EVALUATE_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const task = v['task'] === undefined ? undefined : parseChoice('task', v['task'], TASKS);
  if (task !== undefined && (v['model'] !== undefined || v['input'] !== undefined || v['masks'] !== undefined)) {
    throw new UsageError('--task brings its own model, inputs and masks: give --task, or --model with --input');
  }
  if (task === undefined) {
    if (v['model'] === undefined) throw new UsageError('missing --task image|tabular or --model <file>');
    if (v['input'] === undefined) throw new UsageError('missing required option --input (with --model)');
  }
  const opt = <T>(flag: string, parse: (raw: string) => T): T | undefined => (v[flag] === undefined ? undefined : parse(v[flag]!));
  const progress = parseProgressSwitches(switches);
  const req: EvaluateRequest = {
    metricOptions: parseMetricOptions(v['metric-option']),
    controls: opt('controls', (r) => parseBoolean('controls', r)) ?? true,
    full: switches.has('full'),
    seed: opt('seed', (r) => parseInteger('seed', r, 0)) ?? 0,
  };
  const extra: Partial<Record<keyof EvaluateRequest, unknown>> = {
    task,
    model: v['model'],
    input: v['input'],
    masks: v['masks'],
    target: opt('target', parseTarget),
    methods: opt('methods', (r) => idList('methods', r, METHODS)),
    metrics: opt('metrics', (r) => idList('metrics', r, METRICS)),
    count: opt('count', (r) => parseInteger('count', r, 1)),
    adapter: opt('adapter', (r) => parseChoice('adapter', r, ADAPTERS)),
    perturbationsPerEval: opt('perturbations-per-eval', (r) => parseInteger('perturbations-per-eval', r, 1)),
    json: v['json'],
    markdown: v['markdown'],
    png: v['png'],
    svg: v['svg'],
    curvesPng: v['curves-png'],
    curvesSvg: v['curves-svg'],
    progress,
  };
  return Object.assign(req, Object.fromEntries(Object.entries(extra).filter(([, x]) => x !== undefined)));
}

/** The first `count` examples of `t`. */
function firstRows(t: Tensor, count: number | undefined): Tensor {
  const n = t.shape[0]!;
  return count === undefined || count >= n ? t : sliceBatch(t, 0, count);
}

/** A masks file as [N, ...inputShape]: one example's mask is repeated for every example. */
function loadMasks(path: string, model: Model, n: number, cwd: string): Tensor {
  const t = asBatch(readTensorFile(resolvePath(cwd, path), 'masks file'), model.inputShape, 'masks');
  if (t.shape[0] === n) return t;
  if (t.shape[0] === 1) {
    const size = sizeOf(model.inputShape);
    const data = new Float32Array(n * size);
    for (let i = 0; i < n; i++) data.set(t.data, i * size);
    return { shape: [n, ...model.inputShape], data };
  }
  if (t.shape[0]! > n) return sliceBatch(t, 0, n);
  throw new UsageError(`the masks file has ${t.shape[0]} masks for ${n} examples (give one per example, or one for all)`);
}

export async function runEvaluate(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseEvaluateArgs(argv);
  if (req === 'help') {
    io.out(evaluateUsage());
    return 0;
  }
  const files = req.task ? taskFiles(req.task) : undefined;
  const modelPath = files ? files.model : resolvePath(io.cwd, req.model!);
  const opened = await openModel(modelPath, req.adapter);
  const { model } = opened;
  try {
    const count = req.count ?? (req.task ? DEFAULT_TASK_COUNT[req.task] : undefined);
    const x = firstRows(asBatch(readTensorFile(files ? files.input : resolvePath(io.cwd, req.input!), 'input file'), model.inputShape, 'input'), count);
    const n = x.shape[0]!;
    const maskPath = files ? files.masks : req.masks;
    const masks = maskPath === undefined ? undefined : loadMasks(maskPath, model, n, files ? '/' : io.cwd);
    const graph: Graph | null = opened.file.graph;
    const image = inputKindOf(model.inputShape) === 'image';
    const layout = model.inputShape.length === 3 ? imageLayout(opened.file) : undefined;
    const convLayer = image ? lastConvLayer(graph, model) : undefined;
    const methods = req.methods ?? defaultEvaluateMethods(model.capabilities, model.inputShape, image, convLayer);
    const metrics = req.metrics ?? defaultEvaluateMetrics({ masks: masks !== undefined, rebuild: graph !== null, gradients: model.capabilities.gradients });
    if (metrics.length === 0) throw new UsageError('no metric applies to this model and input (give --masks for the localisation metrics, or --metrics)');
    const rows = evaluateRows(methods, { inputShape: model.inputShape, ...(layout ? { layout } : {}), ...(convLayer ? { convLayer } : {}), controls: req.controls });
    const skip = req.full ? undefined : budgetSkip(model.inputShape);
    const bar = progressBar('evaluate', req.progress === undefined ? io : { ...io, progress: req.progress });
    const started = Date.now();
    const signal = io.interruption?.signal;
    const work = () =>
      evaluateExplanations(
        {
          model,
          x,
          methods: rows,
          metricIds: metrics,
          ...(req.target !== undefined ? { target: req.target } : {}),
          ...(masks ? { masks } : {}),
          ...(graph ? { rebuild: (g: Graph) => createModel(g, opened.adapter) } : {}),
          ...(skip ? { skip } : {}),
        },
        {
          seed: req.seed,
          metricOptions: withTaskMetricOptions(req.task, req.metricOptions),
          ...(req.perturbationsPerEval !== undefined ? { perturbationsPerEval: req.perturbationsPerEval } : {}),
          ...(signal ? { signal } : {}),
          onProgress: (p) => bar.update(Math.floor(p.done / 1000), Math.ceil(p.total / 1000)),
        },
      );
    let result: EvaluateResult;
    try {
      result = await (io.interruption ? io.interruption.during(work) : work());
    } catch (err) {
      bar.stop();
      throw asInterruption(err, signal, bar, `evaluate on ${opened.adapter}`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    bar.finish(`evaluate: ${rows.length} methods × ${metrics.length} metrics on ${n} example${n === 1 ? '' : 's'}, ${seconds} s ${describeChoice(opened.choice)}`);
    if (req.metrics === undefined) {
      const kept = dropUnscoredMetrics(result);
      for (const d of kept.dropped) io.err(`note: metric '${d.id}' left out: it gave no method a score here (${d.reason})\n`);
      result = kept.result;
    }
    writeOutputs(req, result, { model: req.task ? `task:${req.task}` : req.model!, adapter: opened.adapter }, io);
    return 0;
  } finally {
    await model.dispose();
  }
}

function writeOutputs(req: EvaluateRequest, result: EvaluateResult, about: { model: string; adapter: string }, io: ResolvedIO): void {
  const at = (p: string) => resolvePath(io.cwd, p);
  const json = JSON.stringify({ ...(req.task ? { task: req.task } : {}), model: about.model, adapter: about.adapter, ...result });
  if (req.json === '-') io.out(json + '\n');
  else {
    io.out(rankingText(result));
    if (req.json !== undefined) writeFile(at(req.json), json + '\n', 'JSON output');
  }
  if (req.markdown !== undefined) writeFile(at(req.markdown), rankingMarkdown(result), 'Markdown table');
  const title = `Explanation quality${req.task ? `: ${req.task} task` : ''}`;
  if (req.png !== undefined) writeFile(at(req.png), metricHeatTablePng(result, { title }), 'heat table PNG');
  if (req.svg !== undefined) writeFile(at(req.svg), metricHeatTableSvg(result, { title }), 'heat table SVG');
  if (req.curvesPng === undefined && req.curvesSvg === undefined) return;
  if (!hasMetricCurves(result)) {
    io.err('note: no metric of this run gave curves (e.g. deletion / insertion); --curves-png / --curves-svg not written\n');
    return;
  }
  const curvesTitle = { title: `Mean curves${req.task ? `: ${req.task} task` : ''}` };
  if (req.curvesPng !== undefined) writeFile(at(req.curvesPng), metricCurvesPng(result, curvesTitle), 'curves PNG');
  if (req.curvesSvg !== undefined) writeFile(at(req.curvesSvg), metricCurvesSvg(result, curvesTitle), 'curves SVG');
}

/**
 * What `glasswing evaluate` and the report's "Explanation quality" section share: the bundled
 * ground-truth tasks, which methods and metrics apply to a model by default, the grid rows built
 * from METHODS entries (with the options the report gives them: an occlusion window, Grad-CAM on
 * the last conv layer, the CLI's rows per call), and the ranking table as text / Markdown.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { METHODS, METRICS, controlRows, methodRow } from '@glasswing/core';
import type { Capabilities, EvaluateResult, EvaluatedMethod, Layout, MetricSpec } from '@glasswing/core';
import { formatNumber, formatRank } from '@glasswing/viz';
import { defaultInternalBatchSize } from './batching.js';
import { AUTO_LAYER_METHODS, reportOptions } from './report/methods.js';

export const TASKS = ['image', 'tabular'] as const;
export type TaskId = (typeof TASKS)[number];

/** The files of a bundled ground-truth task (packages/cli/ground-truth/<task>/). */
export function taskFiles(task: TaskId): { model: string; input: string; masks: string; meta: string } {
  const dir = fileURLToPath(new URL(`../ground-truth/${task}/`, import.meta.url));
  return { model: `${dir}model.json`, input: `${dir}inputs.json`, masks: `${dir}masks.json`, meta: `${dir}meta.json` };
}

export function taskAvailable(task: TaskId): boolean {
  return existsSync(taskFiles(task).model);
}

/**
 * Metric options the bundled tasks set (under the user's `--metric-option`), where a metric's
 * Quantus default does not fit the task's size: top-k-intersection's k = half the mask (18 pixels,
 * 2 features: precision at k; Quantus' 1000 would exceed the 400 / 10 features and score every map
 * alike, and k = the mask size would repeat relevance-rank);
 * monotonicity's one-pixel steps on a 20×20 image are never strictly monotone for any map, so 20
 * steps of 20 pixels; faithfulness correlation on 20-pixel subsets (5 % of the image).
 */
export const TASK_METRIC_OPTIONS: Readonly<Record<TaskId, Readonly<Record<string, Readonly<Record<string, number>>>>>> = {
  image: {
    'top-k-intersection': { k: 18 },
    monotonicity: { featuresInStep: 20 },
    'monotonicity-correlation': { featuresInStep: 20 },
    'faithfulness-correlation': { subsetSize: 20 },
  },
  tabular: {
    'top-k-intersection': { k: 2 },
    'faithfulness-correlation': { subsetSize: 3 },
  },
};

/** The task's metric options with the user's on top (per metric, per option). */
export function withTaskMetricOptions(
  task: TaskId | undefined,
  user: Readonly<Record<string, Readonly<Record<string, number | string | boolean>>>>,
): Record<string, Record<string, number | string | boolean>> {
  const out: Record<string, Record<string, number | string | boolean>> = {};
  for (const [id, o] of Object.entries(task ? TASK_METRIC_OPTIONS[task] : {})) if (METRICS[id]) out[id] = { ...o };
  for (const [id, o] of Object.entries(user)) out[id] = { ...(out[id] ?? {}), ...o };
  return out;
}

/** Examples per bundled task by default: keeps the default run to a few minutes on 2 cores. */
export const DEFAULT_TASK_COUNT: Readonly<Record<TaskId, number>> = { image: 8, tabular: 16 };

/**
 * Methods left out of the default set: exact Shapley values are exponential in the features;
 * Shapley value sampling costs samples × features model rows per example (10,000 on a 20×20
 * image) and is left out on image inputs.
 */
function tooCostly(id: string, features: number, image: boolean): boolean {
  if (id === 'shapley-values') return features > 12;
  if (id === 'shapley-value-sampling') return image;
  return false;
}

/**
 * The default methods: every METHODS entry attributing to the input that the model can run (its
 * `requires` met) and that needs no layer — plus Grad-CAM and guided Grad-CAM when the model has a
 * conv layer to run them on — less the costly ones (`tooCostly`).
 */
export function defaultEvaluateMethods(caps: Capabilities, inputShape: readonly number[], image: boolean, convLayer?: string): string[] {
  const features = inputShape.reduce((a, b) => a * b, 1);
  return Object.values(METHODS)
    .filter((s) => Object.entries(s.requires).every(([cap, need]) => !need || caps[cap as keyof Capabilities]))
    .filter((s) => !s.options.includes('neuron') && (!s.options.includes('layer') || (AUTO_LAYER_METHODS.has(s.id) && convLayer !== undefined)))
    .filter((s) => !tooCostly(s.id, features, image))
    .map((s) => s.id);
}

/**
 * Methods whose one explanation costs hundreds to thousands of model rows per example (samples or
 * features × passes): re-explaining them for the metrics that re-explain (robustness: 10–50
 * perturbed inputs each; randomisation: once per layer) dominates a run on images.
 */
export const COSTLY_TO_REEXPLAIN: ReadonlySet<string> = new Set(['kernel-shap', 'lime', 'feature-ablation', 'shapley-value-sampling', 'shapley-values']);

/**
 * The default budget (without --full): on inputs of more than 64 features, the metrics that
 * re-explain skip the methods of COSTLY_TO_REEXPLAIN (an 'n/a' cell saying so).
 */
export function budgetSkip(inputShape: readonly number[]): ((method: { readonly id: string }, metric: MetricSpec) => string | undefined) | undefined {
  if (inputShape.reduce((a, b) => a * b, 1) <= 64) return undefined;
  return (method, metric) =>
    metric.needs.explain && COSTLY_TO_REEXPLAIN.has(method.id)
      ? `skipped to keep the run short: ${metric.id} re-explains with ${method.id} many times (run with --full)`
      : undefined;
}

/** The grid rows: each method with the options the report gives it, then the control rows. */
export function evaluateRows(
  ids: readonly string[],
  o: { readonly inputShape: readonly number[]; readonly layout?: Layout; readonly convLayer?: string; readonly controls: boolean },
): EvaluatedMethod[] {
  const rows = ids.map((id) =>
    methodRow(id, {
      ...reportOptions(id, o.inputShape, o.layout),
      internalBatchSize: defaultInternalBatchSize(o.inputShape),
      ...(AUTO_LAYER_METHODS.has(id) && o.convLayer !== undefined ? { layer: o.convLayer } : {}),
    }),
  );
  return o.controls ? [...rows, ...controlRows(o.inputShape)] : rows;
}

/** Whether a metric can run here: its masks, rebuild and gradients needs are met. */
export function metricApplies(spec: MetricSpec, have: { readonly masks: boolean; readonly rebuild: boolean; readonly gradients: boolean }): boolean {
  return (!spec.needs.masks || have.masks) && (!spec.needs.rebuild || have.rebuild) && (!spec.needs.gradients || have.gradients);
}

/** The default metrics: every METRICS entry that applies (`metricApplies`). */
export function defaultEvaluateMetrics(have: Parameters<typeof metricApplies>[1], metrics: Readonly<Record<string, MetricSpec>> = METRICS): string[] {
  return Object.values(metrics)
    .filter((s) => metricApplies(s, have))
    .map((s) => s.id);
}

function cellText(r: EvaluateResult, i: number, j: number): string {
  const c = r.cells[i * r.metrics.length + j]!;
  return c.status === 'ok' ? `${formatNumber(c.mean!, 3)} (${formatRank(c.rank!)})` : 'n/a';
}

/** The ranking as rows: method, mean rank, one "mean (rank)" per metric; best overall first. */
export function rankingRows(r: EvaluateResult): { header: string[]; rows: string[][] } {
  const header = ['rank', 'method', 'mean rank', ...r.metrics.map((m) => `${m.id} ${m.higherIsBetter ? '↑' : '↓'}`)];
  const order = r.methods
    .map((_, i) => i)
    .sort((a, b) => (r.methods[a]!.overallRank ?? Infinity) - (r.methods[b]!.overallRank ?? Infinity) || a - b);
  const rows = order.map((i) => {
    const m = r.methods[i]!;
    return [
      m.overallRank === null ? '–' : formatRank(m.overallRank),
      m.method,
      m.meanRank === null ? '–' : formatNumber(m.meanRank, 3),
      ...r.metrics.map((_, j) => cellText(r, i, j)),
    ];
  });
  return { header, rows };
}

/** A Markdown table of the ranking (the docs' benchmark section). */
export function rankingMarkdown(r: EvaluateResult): string {
  const { header, rows } = rankingRows(r);
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map((_, k) => (k === 1 ? '---' : '---:'))), ...rows.map(line)].join('\n') + '\n';
}

/** A plain-text table (aligned columns) of the ranking, for stdout. */
export function rankingText(r: EvaluateResult): string {
  const { header, rows } = rankingRows(r);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const fmt = (cells: readonly string[]) => cells.map((c, k) => (k === 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  return [fmt(header), ...rows.map(fmt), ...naNotes(r).map((l) => `  ${l}`)].join('\n') + '\n';
}

/** One line per (metric, reason) of the n/a cells: "n/a metric × m1, m2 (or every method): reason". */
export function naNotes(r: EvaluateResult): string[] {
  const groups = new Map<string, { metric: string; reason: string; methods: string[] }>();
  for (const c of r.cells) {
    if (c.status !== 'n/a') continue;
    const key = `${c.metric}\u0000${c.reason}`;
    const g = groups.get(key) ?? { metric: c.metric, reason: c.reason ?? '', methods: [] };
    g.methods.push(c.method);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => `n/a ${g.metric} × ${g.methods.length === r.methods.length ? 'every method' : g.methods.join(', ')}: ${g.reason}`);
}

/**
 * `r` without the metrics that scored no row (e.g. an image-only metric on a tabular model), and
 * what was dropped with the first reason. Their cells hold no ranks, so every other rank and the
 * mean ranks stay as they are.
 */
export function dropUnscoredMetrics(r: EvaluateResult): { result: EvaluateResult; dropped: { id: string; reason: string }[] } {
  const m = r.metrics.length;
  const dead = r.metrics.filter((_, j) => r.methods.every((__, i) => r.cells[i * m + j]!.status === 'n/a'));
  if (dead.length === 0) return { result: r, dropped: [] };
  const ids = new Set(dead.map((d) => d.id));
  return {
    result: { ...r, metrics: r.metrics.filter((x) => !ids.has(x.id)), cells: r.cells.filter((c) => !ids.has(c.metric)) },
    dropped: dead.map((d) => ({ id: d.id, reason: r.cells.find((c) => c.metric === d.id)!.reason ?? '' })),
  };
}

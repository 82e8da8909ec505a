/**
 * The evaluation grid of `glasswing evaluate` (issue 14): every explainer × every metric on one
 * model, inputs, targets and (optionally) ground-truth masks, then a ranking of the explainers per
 * metric and overall. Pure: the metrics come from the `metrics` map (default: METRICS), so every
 * metric that lands in a family folder is picked up without a change here.
 *
 *   1. the targets are fixed once (given, else each example's predicted class), so every method and
 *      every metric explains the same output;
 *   2. each explainer maps all examples once (seeded); a method that fails makes its row 'n/a';
 *   3. each metric scores each map, with what its `needs` names: `explain` (a FRESH explainer of the
 *      same method, seeded per cell), `masks`, `rebuild`; what is missing (masks, gradients, a
 *      rebuild) or refused (a typed error of the metric) is an 'n/a' cell with the reason, never a
 *      crash. An abort (the signal) is re-thrown.
 *   4. ranks per metric among the 'ok' cells (1 = best by the metric's `higherIsBetter`; ties share
 *      the average rank), and overall: the mean of a method's ranks over the metrics it has a rank on.
 *
 * Seeds: cell (method id, metric id) uses `cellSeed(seed, methodId, metricId)`, independent of which
 * other methods and metrics run, so a subset of the grid gives the same numbers as the full grid,
 * bit for bit.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import type { Graph } from '../../ir/graph.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { argmaxRows } from '../_utils/common.js';
import { METHODS } from '../registry.js';
import { edgeExplainer, imageDims, randomExplainer } from '../_utils/control-explainers.js';
import type { Explainer, MetricCurve, MetricSpec } from '../_utils/metric-spec.js';
import type { Progress } from '../_utils/types.js';
import { METRICS } from './registry.js';
import { averageRanks } from '../global/correlation.js';

/** One row of the grid: an attribution method (or a control), as an explainer factory. */
export interface EvaluatedMethod {
  /** Row id (a METHODS id, or 'control:edge' / 'control:random'). */
  readonly id: string;
  readonly title?: string;
  /** True for the model-blind control rows. */
  readonly control?: boolean;
  /** A fresh explainer drawing its randomness from `seed` (called once per map and per cell). */
  readonly explainer: (seed: number) => Explainer;
}

export interface EvaluateInput {
  readonly model: Model;
  /** The examples, [N, ...model.inputShape]. */
  readonly x: Tensor;
  /** One class per example, or one for all (default: each example's predicted class). */
  readonly target?: number | readonly number[];
  /** Ground truth, [N, ...inputShape] (> 0 on the decisive features); localisation metrics need it. */
  readonly masks?: Tensor;
  /** Builds a model of the same adapter from a changed graph (randomisation metrics). */
  readonly rebuild?: (graph: Graph) => Promise<Model>;
  readonly methods: readonly EvaluatedMethod[];
  /** Metric ids to run, in order (default: every entry of `metrics`). */
  readonly metricIds?: readonly string[];
  /** The metric registry (default: METRICS). */
  readonly metrics?: Readonly<Record<string, MetricSpec>>;
  /** A reason to leave a cell out (an 'n/a' cell with that reason), e.g. a run-time budget; undefined runs it. */
  readonly skip?: (method: EvaluatedMethod, metric: MetricSpec) => string | undefined;
}

export interface EvaluateOptions {
  readonly seed?: number;
  readonly perturbationsPerEval?: number;
  /** Per-metric option overrides, by metric id (merged over each entry's `defaults`). */
  readonly metricOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly signal?: AbortSignal;
  /** Progress over the whole grid: `done` / `total` in grid steps (one per map and per cell, each worth 1000). */
  readonly onProgress?: (p: Progress & { readonly stage: string }) => void;
}

export interface EvaluateCell {
  readonly method: string;
  readonly metric: string;
  readonly status: 'ok' | 'n/a';
  /** Mean over the examples ('ok' only). */
  readonly mean?: number;
  readonly scores?: readonly number[];
  /** 1 = best among the 'ok' cells of this metric (ties: the average rank). */
  readonly rank?: number;
  readonly reason?: string;
  readonly curves?: readonly MetricCurve[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface EvaluateRow {
  readonly method: string;
  readonly title: string;
  readonly control: boolean;
  /** Mean of the per-metric ranks it has (null when it has none). */
  readonly meanRank: number | null;
  /** 1 = best mean rank (ties share the average), null without ranks. */
  readonly overallRank: number | null;
  /** Why the method has no maps ('n/a' row), if it failed. */
  readonly reason?: string;
}

export interface EvaluateMetricInfo {
  readonly id: string;
  readonly title: string;
  readonly family: string;
  readonly higherIsBetter: boolean;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface EvaluateResult {
  readonly examples: number;
  readonly targets: readonly number[];
  readonly seed: number;
  readonly metrics: readonly EvaluateMetricInfo[];
  readonly methods: readonly EvaluateRow[];
  /** Cells in method-major order: cells[i * metrics.length + j] is method i, metric j. */
  readonly cells: readonly EvaluateCell[];
}

const STEP = 1000;

/**
 * A 32-bit seed for a grid cell, from the run's seed, the row's id and the metric id (FNV-1a over
 * their bytes): independent of which other rows and metrics run. The maps use metric id ''.
 */
export function cellSeed(seed: number, row: string, metric: string): number {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (let k = 0; k < 4; k++) mix((seed >>> (8 * k)) & 0xff);
  for (const text of [row, metric]) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      mix(c);
      mix(c >>> 8);
    }
    mix(0);
  }
  return h >>> 0;
}

/** Ranks of `values` (1 = best by `higherIsBetter`; ties share the average of the ranks they span). */
export function rankBest(values: readonly number[], higherIsBetter: boolean): number[] {
  return Array.from(averageRanks(higherIsBetter ? values.map((v) => -v) : values));
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return (signal?.aborted ?? false) || (err instanceof Error && err.name === 'AbortError');
}

function reasonOf(err: unknown): string {
  const e = err instanceof Error ? err : undefined;
  return e ? `${e.name}: ${e.message}` : String(err);
}

/** Why `metric` cannot run here (missing needs), or undefined. */
function missingNeed(metric: MetricSpec, input: EvaluateInput): string | undefined {
  if (metric.needs.masks && !input.masks) return 'needs ground-truth masks (none given)';
  if (metric.needs.rebuild && !input.rebuild) return 'needs to rebuild the model from its graph (no IR graph)';
  if (metric.needs.gradients && !input.model.capabilities.gradients) return `needs gradients, which the ${input.model.backend} model does not provide`;
  return undefined;
}

function checkInput(input: EvaluateInput, metrics: Readonly<Record<string, MetricSpec>>): { n: number; ids: readonly string[] } {
  const { model, x } = input;
  const n = x.shape[0] ?? 0;
  const want = [n, ...model.inputShape];
  const same = (t: Tensor) => t.shape.length === want.length && t.shape.every((d, i) => d === want[i]);
  if (n < 1 || !same(x)) throw new ShapeError(`evaluate: x must have shape [N ≥ 1, ${model.inputShape.join(', ')}], got [${x.shape.join(', ')}]`);
  if (input.masks && !same(input.masks)) throw new ShapeError(`evaluate: masks must have shape [${want.join(', ')}] (one per example), got [${input.masks.shape.join(', ')}]`);
  if (input.methods.length === 0) throw new InvalidArgumentError('evaluate: no methods to evaluate');
  const rowIds = new Set<string>();
  for (const m of input.methods) {
    if (rowIds.has(m.id)) throw new InvalidArgumentError(`evaluate: method '${m.id}' listed twice`);
    rowIds.add(m.id);
  }
  const ids = input.metricIds ?? Object.keys(metrics);
  if (ids.length === 0) throw new InvalidArgumentError('evaluate: no metrics to run');
  for (const id of ids) {
    if (!Object.prototype.hasOwnProperty.call(metrics, id)) throw new InvalidArgumentError(`evaluate: unknown metric '${id}'; metrics: ${Object.keys(metrics).join(', ')}`);
  }
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError('evaluate: a metric is listed twice');
  if (Array.isArray(input.target) && input.target.length !== n) throw new InvalidArgumentError(`evaluate: ${input.target.length} targets for ${n} examples`);
  return { n, ids };
}

/** Runs the grid (see the file comment). */
export async function evaluateExplanations(input: EvaluateInput, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const metrics = input.metrics ?? METRICS;
  const { n, ids } = checkInput(input, metrics);
  const { model, x } = input;
  const signal = options.signal;
  const seed = options.seed ?? 0;
  signal?.throwIfAborted();
  const targets: number[] =
    input.target === undefined
      ? argmaxRows(await model.forward(x))
      : typeof input.target === 'number'
        ? new Array<number>(n).fill(input.target)
        : [...input.target];
  const specs = ids.map((id) => metrics[id]!);
  const total = input.methods.length * (1 + specs.length) * STEP;
  let done = 0;
  const report = (stage: string, extra = 0) => options.onProgress?.({ done: Math.min(total, done + extra), total, stage });
  const cells: EvaluateCell[] = [];
  const failures = new Map<string, string>();
  for (const method of input.methods) {
    report(`${method.id}: maps`);
    let maps: Tensor | undefined;
    try {
      maps = await method.explainer(cellSeed(seed, method.id, ''))(model, x, { target: targets, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (isAbort(err, signal)) throw err;
      failures.set(method.id, reasonOf(err));
    }
    done += STEP;
    for (const spec of specs) {
      const stage = `${method.id} × ${spec.id}`;
      report(stage);
      const missing = maps ? (missingNeed(spec, input) ?? input.skip?.(method, spec)) : `the method failed (${failures.get(method.id)})`;
      if (missing !== undefined) {
        cells.push({ method: method.id, metric: spec.id, status: 'n/a', reason: missing });
      } else {
        const s = cellSeed(seed, method.id, spec.id);
        try {
          const r = await spec.run(
            {
              model,
              x,
              attributions: maps!,
              target: targets,
              ...(spec.needs.explain ? { explain: method.explainer(s) } : {}),
              ...(spec.needs.masks ? { masks: input.masks! } : {}),
              ...(spec.needs.rebuild ? { rebuild: input.rebuild! } : {}),
            },
            {
              ...spec.defaults,
              ...(options.metricOptions?.[spec.id] ?? {}),
              seed: s,
              ...(options.perturbationsPerEval !== undefined ? { perturbationsPerEval: options.perturbationsPerEval } : {}),
              ...(signal ? { signal } : {}),
              onProgress: (p: Progress) => report(stage, p.total > 0 ? Math.floor((STEP * Math.min(p.done, p.total)) / p.total) : 0),
            },
          );
          if (!Number.isFinite(r.mean)) throw new InvalidArgumentError(`metric '${spec.id}' gave a non-finite mean (${r.mean})`);
          cells.push({
            method: method.id,
            metric: spec.id,
            status: 'ok',
            mean: r.mean,
            scores: r.scores,
            ...(r.curves ? { curves: r.curves } : {}),
            ...(r.details ? { details: r.details } : {}),
          });
        } catch (err) {
          if (isAbort(err, signal)) throw err;
          cells.push({ method: method.id, metric: spec.id, status: 'n/a', reason: reasonOf(err) });
        }
      }
      done += STEP;
      report(stage);
    }
  }
  return rankGrid(input, specs, cells, failures, { n, targets, seed, metricOptions: options.metricOptions });
}

function rankGrid(
  input: EvaluateInput,
  specs: readonly MetricSpec[],
  raw: EvaluateCell[],
  failures: ReadonlyMap<string, string>,
  o: { n: number; targets: number[]; seed: number; metricOptions: EvaluateOptions['metricOptions'] },
): EvaluateResult {
  const m = specs.length;
  const cells = [...raw];
  specs.forEach((spec, j) => {
    const rows = input.methods.map((_, i) => i).filter((i) => cells[i * m + j]!.status === 'ok');
    const ranks = rankBest(rows.map((i) => cells[i * m + j]!.mean!), spec.higherIsBetter);
    rows.forEach((i, k) => (cells[i * m + j] = { ...cells[i * m + j]!, rank: ranks[k]! }));
  });
  const meanRanks = input.methods.map((_, i) => {
    const rs = specs.map((_, j) => cells[i * m + j]!.rank).filter((r): r is number => r !== undefined);
    return rs.length === 0 ? null : rs.reduce((a, b) => a + b, 0) / rs.length;
  });
  const ranked = input.methods.map((_, i) => i).filter((i) => meanRanks[i] !== null);
  const overall = rankBest(ranked.map((i) => meanRanks[i]!), false);
  const overallOf = new Map(ranked.map((i, k) => [i, overall[k]!]));
  return {
    examples: o.n,
    targets: o.targets,
    seed: o.seed,
    metrics: specs.map((s) => ({ id: s.id, title: s.title, family: s.family, higherIsBetter: s.higherIsBetter, options: { ...s.defaults, ...(o.metricOptions?.[s.id] ?? {}) } })),
    methods: input.methods.map((mm, i) => ({
      method: mm.id,
      title: mm.title ?? mm.id,
      control: mm.control ?? false,
      meanRank: meanRanks[i]!,
      overallRank: overallOf.get(i) ?? null,
      ...(failures.has(mm.id) ? { reason: failures.get(mm.id)! } : {}),
    })),
    cells,
  };
}

/**
 * A METHODS entry as a grid row: `METHODS[id].run` with `options` (over the entry's own defaults),
 * the cell's seed where the method takes one, and the grid's targets.
 */
export function methodRow(id: string, options: Readonly<Record<string, unknown>> = {}): EvaluatedMethod {
  const spec = METHODS[id];
  if (!spec) throw new InvalidArgumentError(`unknown method '${id}'; methods: ${Object.keys(METHODS).join(', ')}`);
  const takesSeed = spec.options.includes('seed');
  return {
    id,
    title: spec.title,
    explainer: (seed) => async (model, x, o) =>
      (await spec.run(model, x, { ...options, ...(takesSeed ? { seed } : {}), ...(o.target !== undefined ? { target: o.target } : {}), ...(o.signal ? { signal: o.signal } : {}) })).attributions,
  };
}

/**
 * The control rows: the Sobel edge detector (image inputs only) and seeded uniform random maps
 * (see _utils/control-explainers.ts). A metric that ranks a control above real methods is not
 * measuring what it claims for this model.
 */
export function controlRows(inputShape: readonly number[]): EvaluatedMethod[] {
  let image = false;
  try {
    image = inputShape.length >= 2 && imageDims(inputShape).h > 1;
  } catch {
    image = false;
  }
  return [
    ...(image ? [{ id: 'control:edge', title: 'Control: Sobel edges', control: true, explainer: () => edgeExplainer() }] : []),
    { id: 'control:random', title: 'Control: uniform random', control: true, explainer: (seed: number) => randomExplainer(seed) },
  ];
}

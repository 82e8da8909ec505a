/**
 * The metric contract (issue 14, `algorithms/metrics/`): what a quality metric of explanations takes
 * (`MetricInput`), gives (`MetricResult`), and its registry entry (`MetricSpec`, made by `metricSpec`,
 * branded so that `metrics/registry.ts` collects every entry the metric family indexes export — the
 * same pattern as `method-spec.ts` for METHODS).
 *
 * A metric scores an explanation `attributions` of `model` at `x` (one score per example). Some
 * metrics need more than the map: robustness and randomisation re-explain (`explain`), localisation
 * compares with ground-truth `masks`, model-parameter randomisation builds models from changed graphs
 * (`rebuild`). `evaluate` (CLI) passes what an entry's `needs` names.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import type { Graph } from '../../ir/graph.js';
import type { Progress, Target } from './types.js';

/** The attribution method under evaluation, as a function (e.g. a METHODS entry with fixed options). */
export type Explainer = (
  model: Model,
  x: Tensor,
  options: { readonly target?: Target; readonly signal?: AbortSignal },
) => Promise<Tensor>;

export interface MetricInput {
  readonly model: Model;
  /** The inputs, [N, ...model.inputShape]. */
  readonly x: Tensor;
  /** The explanation evaluated: one map per example, [N, ...model.inputShape]. */
  readonly attributions: Tensor;
  /** Which output is explained (as the attribution methods take it); default: each example's argmax. */
  readonly target?: Target;
  /** Re-explains (robustness: perturbed inputs; randomisation: randomised models). Needed where `needs.explain`. */
  readonly explain?: Explainer;
  /** Ground truth, 1 (or > 0) on the decisive features, [N, ...model.inputShape]. Needed where `needs.masks`. */
  readonly masks?: Tensor;
  /**
   * A model of the same adapter from a changed graph (model-parameter randomisation). Needed where
   * `needs.rebuild`; the metric disposes of the models it builds.
   */
  readonly rebuild?: (graph: Graph) => Promise<Model>;
}

/** Options every metric takes; each metric adds its own (documented on its entry, defaults in `defaults`). */
export interface MetricOptions {
  /** Seed of every random draw (perturbations, noise, randomised weights): same seed, same result, bit for bit. */
  readonly seed?: number;
  /** Most rows (perturbed inputs) per model call; never changes results. */
  readonly perturbationsPerEval?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** A curve of a metric (deletion / insertion, ROAD, randomisation per layer): one y row per example. */
export interface MetricCurve {
  readonly label: string;
  /** What x measures (e.g. 'fraction of features removed', 'layers randomised'). */
  readonly xLabel: string;
  readonly x: readonly number[];
  /** y per example: y[i][j] belongs to example i at x[j]. */
  readonly y: readonly (readonly number[])[];
  /** Names of the x points where they are not numbers (e.g. layer names). */
  readonly xNames?: readonly string[];
}

export interface MetricResult {
  /** The METRICS id. */
  readonly metric: string;
  /** One finite score per example. */
  readonly scores: readonly number[];
  /** Mean of `scores`. */
  readonly mean: number;
  readonly higherIsBetter: boolean;
  readonly curves?: readonly MetricCurve[];
  /** Further numbers a metric reports (documented in its file). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type MetricFamily = 'faithfulness' | 'robustness' | 'randomisation' | 'complexity' | 'localisation';

export interface MetricSpec {
  readonly id: string;
  readonly title: string;
  readonly family: MetricFamily;
  readonly higherIsBetter: boolean;
  /** What `run` needs besides model, x and attributions. */
  readonly needs: {
    readonly gradients?: boolean;
    readonly explain?: boolean;
    readonly masks?: boolean;
    readonly rebuild?: boolean;
  };
  /** The metric's own options with their defaults (numbers, strings, booleans; the CLI's `--metric-option k=v`). */
  readonly defaults: Readonly<Record<string, number | string | boolean>>;
  /** Where the definition comes from (paper, Captum / Quantus function). */
  readonly source: string;
  run(input: MetricInput, options?: MetricOptions & Readonly<Record<string, unknown>>): Promise<MetricResult>;
}

const BRAND: unique symbol = Symbol('glasswing.MetricSpec');

/** Whether `value` is a METRICS entry made by `metricSpec`. */
export function isMetricSpec(value: unknown): value is MetricSpec {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** A METRICS entry (frozen, branded for `isMetricSpec`). */
export function metricSpec(entry: MetricSpec): MetricSpec {
  const e = { ...entry };
  Object.defineProperty(e, BRAND, { value: true });
  return Object.freeze(e);
}

/** Mean of finite scores (the metric files compute scores; this keeps `mean` the same everywhere). */
export function meanOf(scores: readonly number[]): number {
  return scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
}

/**
 * Monotonicity correlation (Nguyen & Martínez 2020, "On quantitative aspects of model
 * interpretability"; Quantus `MonotonicityCorrelation`): a feature's attribution should grow with
 * how much the output moves when that feature is perturbed. For each step t (the next
 * `featuresInStep` features in order of increasing attribution),
 *
 *   v_t = mean over `nSamples` draws of (f(x with the step's features replaced) − f(x))²,
 *   a_t = Σ of the step's attributions (|a| with `absolute`),
 *   score = Spearman ρ(a, v)   (ranks with ties averaged; 0 when either side is constant).
 *
 * Replacement (`baseline`): 'uniform' (default, Quantus' default `perturb_baseline="uniform"`)
 * draws each replaced value uniformly in [`uniformLow`, `uniformHigh`] = [0, 1] (Quantus'
 * defaults) from a seeded stream per example; a number, 'black' (min x), 'white' (max x) or 'mean'
 * replaces by that value (then one draw tells everything). Higher is better.
 * Differences from Quantus: `nSamples` default 10 (Quantus 100: cost is steps × nSamples forward
 * rows per example); no normalisation of the map; the raw output by default (Quantus reads
 * softmax probabilities by default: pass `softmax: true`); Quantus scales v by 1/f(x)² (when
 * |f(x)| ≥ eps) — a per-example constant that leaves Spearman's ρ unchanged, so it is left out.
 */
import { InvalidArgumentError } from '../../../errors.js';
import { createRng } from '../../../random/prng.js';
import { resolveFeatureMask, type FeatureMaskInput } from '../../_utils/perturbation/feature-mask.js';
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { boolOption, evaluateMetricRows, groupOrder, intOption, metricContext, numberOption, resolveMetricBaseline, spearman, type MetricBaseline } from '../../_utils/metric-forward.js';

export interface MonotonicityCorrelationOptions extends MetricOptions {
  /** Draws per step (Quantus `nr_samples`). Default 10. */
  readonly nSamples?: number;
  /** Features per step. Default 1. */
  readonly featuresInStep?: number;
  /** 'uniform', a number, 'black', 'white' or 'mean'. Default 'uniform'. */
  readonly baseline?: 'uniform' | MetricBaseline;
  /** Range of the uniform replacement. Default [0, 1]. */
  readonly uniformLow?: number;
  readonly uniformHigh?: number;
  /** Use |attribution|. Default true. */
  readonly absolute?: boolean;
  readonly featureMask?: FeatureMaskInput;
  readonly softmax?: boolean;
}

/** Spearman correlation per example between step attributions and output-change variances. */
export async function monotonicityCorrelation(input: MetricInput, options: MonotonicityCorrelationOptions = {}): Promise<MetricResult> {
  const m = metricContext(input, options);
  const samples = intOption(options.nSamples, 'nSamples', 10);
  const fis = intOption(options.featuresInStep, 'featuresInStep', 1);
  const absolute = boolOption(options.absolute, 'absolute', true);
  const b = options.baseline ?? 'uniform';
  const uniform = b === 'uniform';
  const { n, per, x } = m;
  const fixed = uniform ? undefined : resolveMetricBaseline(b, x, m.model.inputShape);
  const low = numberOption(options.uniformLow, 'uniformLow', 0);
  const high = numberOption(options.uniformHigh, 'uniformHigh', 1);
  if (!(high >= low)) throw new InvalidArgumentError(`uniformHigh (${high}) must be ≥ uniformLow (${low})`);
  const mask = resolveFeatureMask(options.featureMask, n, m.model.inputShape);
  const a = m.attributions.data;
  const orders = Array.from({ length: n }, (_, i) => groupOrder(a.subarray(i * per, (i + 1) * per), mask, i, absolute, false));
  const T = Math.max(...orders.map((o) => Math.ceil(o.length / fis)));
  const base = createRng(m.seed);
  const rngs = Array.from({ length: n }, (_, i) => base.derive(i));
  const rows = await evaluateMetricRows(m, T * samples, (p, r, dst, off) => {
    const t = Math.floor(p / samples);
    const order = orders[r]!;
    dst.set(x.data.subarray(r * per, (r + 1) * per), off);
    for (let q = t * fis; q < Math.min(order.length, (t + 1) * fis); q++) {
      const els = mask.elements(r, order[q]!);
      for (let e = 0; e < els.length; e++) dst[off + els[e]!] = fixed ? fixed[r * per + els[e]!]! : low + (high - low) * rngs[r]!.uniform();
    }
  });
  const scores: number[] = [];
  const vars: number[][] = [];
  const atts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const order = orders[i]!;
    const steps = Math.ceil(order.length / fis);
    const v = new Float64Array(steps);
    const at = new Float64Array(steps);
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < samples; k++) v[t] += (rows.values[(t * samples + k) * n + i]! - rows.fx[i]!) ** 2 / samples;
      for (let q = t * fis; q < Math.min(order.length, (t + 1) * fis); q++) {
        const els = mask.elements(i, order[q]!);
        let s = 0;
        for (let e = 0; e < els.length; e++) s += a[i * per + els[e]!]!;
        at[t] += absolute ? Math.abs(s) : s;
      }
    }
    scores.push(spearman(at, v));
    vars.push(Array.from(v));
    atts.push(Array.from(at));
  }
  return { metric: 'monotonicity-correlation', scores, mean: meanOf(scores), higherIsBetter: true, details: { modelCalls: m.ctx.modelCalls, variances: vars, attributions: atts } };
}

/** METRICS entry. */
export const monotonicityCorrelationMetric = metricSpec({
  id: 'monotonicity-correlation',
  title: 'Monotonicity correlation (Nguyen & Martínez)',
  family: 'faithfulness',
  higherIsBetter: true,
  needs: {},
  defaults: { nSamples: 10, featuresInStep: 1, baseline: 'uniform', uniformLow: 0, uniformHigh: 1, absolute: true, softmax: false },
  source: 'Nguyen & Martínez 2020; Quantus MonotonicityCorrelation',
  run: (input, options) => monotonicityCorrelation(input, options as MonotonicityCorrelationOptions),
});

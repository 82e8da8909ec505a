/**
 * Monotonicity (Arya et al. 2019, "One Explanation Does Not Fit All", AIX360; Quantus
 * `Monotonicity`): starting from the baseline everywhere, features are put back (copied from x)
 * in order of INCREASING attribution, `featuresInStep` at a time; the explanation is monotonic
 * when the explained output never decreases along the way:
 *
 *   score = 1 if f(x⁽¹⁾) ≤ f(x⁽²⁾) ≤ … ≤ f(x⁽ᵀ⁾) else 0,   x⁽ᵗ⁾ = baseline with the t·k least relevant features of x,
 *
 * (Quantus compares the outputs after each insertion with np.diff ≥ 0; so does this.) Ranking by
 * |attribution| with `absolute` (default true, Quantus' default `abs=True`), ties by lower feature
 * index; features are input elements or the groups of `featureMask`. y = the raw target output
 * (`softmax` for its probability). Higher is better. Differences from Quantus: no normalisation of
 * the map (a positive rescaling changes no ranking); baseline 0 by default (Quantus "black" = min x,
 * available as 'black'); the inserted values are x's, as the definition says (some Quantus versions
 * pass the running baseline image to their replacement function, which re-writes the baseline).
 * The curve of outputs is returned (x = fraction of features inserted).
 */
import { resolveFeatureMask, type FeatureMaskInput } from '../../_utils/perturbation/feature-mask.js';
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { boolOption, evaluateMetricRows, groupOrder, intOption, metricContext, resolveMetricBaseline, type MetricBaseline } from '../../_utils/metric-forward.js';

export interface MonotonicityOptions extends MetricOptions {
  /** Features inserted per step (Quantus `features_in_step`). Default 1. */
  readonly featuresInStep?: number;
  /** The starting value of every feature: a number or a tensor like x's rows. Default 0. */
  readonly baseline?: MetricBaseline;
  /** Rank by |attribution|. Default true. */
  readonly absolute?: boolean;
  readonly featureMask?: FeatureMaskInput;
  readonly softmax?: boolean;
}

/** Monotonicity per example: 1 when the output never decreases as features are inserted least relevant first. */
export async function monotonicity(input: MetricInput, options: MonotonicityOptions = {}): Promise<MetricResult> {
  const m = metricContext(input, options);
  const fis = intOption(options.featuresInStep, 'featuresInStep', 1);
  const absolute = boolOption(options.absolute, 'absolute', true);
  const { n, per, x } = m;
  const baseline = resolveMetricBaseline(options.baseline, x, m.model.inputShape);
  const mask = resolveFeatureMask(options.featureMask, n, m.model.inputShape);
  const orders = Array.from({ length: n }, (_, i) => groupOrder(m.attributions.data.subarray(i * per, (i + 1) * per), mask, i, absolute, false));
  const stepsOf = orders.map((o) => Math.ceil(o.length / fis));
  const T = Math.max(...stepsOf);
  const rows = await evaluateMetricRows(m, T, (p, r, dst, off) => {
    const order = orders[r]!;
    const upto = Math.min(order.length, (p + 1) * fis);
    dst.set(baseline.subarray(r * per, (r + 1) * per), off);
    for (let q = 0; q < upto; q++) {
      const els = mask.elements(r, order[q]!);
      for (let e = 0; e < els.length; e++) dst[off + els[e]!] = x.data[r * per + els[e]!]!;
    }
  });
  const y = Array.from({ length: n }, (_, i) => Array.from({ length: stepsOf[i]! }, (_, t) => rows.values[t * n + i]!));
  const scores = y.map((yi) => (yi.every((v, t) => t === 0 || v - yi[t - 1]! >= 0) ? 1 : 0));
  return {
    metric: 'monotonicity', scores, mean: meanOf(scores), higherIsBetter: true,
    curves: [{ label: 'insertion, least relevant first', xLabel: 'fraction of features inserted', x: Array.from({ length: T }, (_, t) => Math.min(1, ((t + 1) * fis) / Math.max(1, orders[0]!.length))), y }],
    details: { modelCalls: m.ctx.modelCalls },
  };
}

/** METRICS entry. */
export const monotonicityMetric = metricSpec({
  id: 'monotonicity',
  title: 'Monotonicity (Arya et al.)',
  family: 'faithfulness',
  higherIsBetter: true,
  needs: {},
  defaults: { featuresInStep: 1, baseline: 0, absolute: true, softmax: false },
  source: 'Arya et al. 2019; Quantus Monotonicity',
  run: (input, options) => monotonicity(input, options as MonotonicityOptions),
});

/**
 * Faithfulness correlation (Bhatt, Weller & Moura 2020, "Evaluating and Aggregating Feature-based
 * Model Explanations"; Quantus `FaithfulnessCorrelation`): over `nRuns` random subsets S of
 * `subsetSize` features (drawn without replacement from a seeded stream per example), set S to the
 * baseline and correlate what the map says S is worth with what the model loses:
 *
 *   score = Pearson ρ( Σ_{j∈S} a_j ,  f(x) − f(x_{S ← baseline}) )   over the runs
 *
 * (0 when either side is constant). On f(x) = wᵀx with a = w⊙(x − baseline) both sides are equal
 * and ρ = 1. Higher is better. Features are input elements, or the groups of `featureMask` (then
 * `subsetSize` counts groups). Defaults as Quantus: 100 runs, subsets of 224; baseline 0 (Quantus "black"); no normalisation of the map (Pearson ρ does not
 * change under a positive rescaling).
 * Differs from Quantus where `subsetSize` ≥ the number of features F (e.g. 224 on a tabular row of
 * 10): every run would then remove every feature, both sides would be constant and ρ undefined
 * (Quantus returns NaN); here the subsets then hold ⌊F/2⌋ features (`details.subsetSize` says which).
 */
import { createRng } from '../../../random/prng.js';
import { resolveFeatureMask, type FeatureMaskInput } from '../../_utils/perturbation/feature-mask.js';
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { evaluateMetricRows, intOption, metricContext, pearson, resolveMetricBaseline, type MetricBaseline } from '../../_utils/metric-forward.js';

export interface FaithfulnessCorrelationOptions extends MetricOptions {
  /** Random subsets per example (Quantus `nr_runs`). Default 100. */
  readonly nRuns?: number;
  /** Features per subset (Quantus `subset_size`); ⌊F/2⌋ when it is ≥ the number of features F. Default 224. */
  readonly subsetSize?: number;
  /** Replacement value: a number or a tensor like x's rows. Default 0. */
  readonly baseline?: MetricBaseline;
  readonly featureMask?: FeatureMaskInput;
  readonly softmax?: boolean;
}

/** Pearson correlation per example between subset attribution sums and output drops. */
export async function faithfulnessCorrelation(input: MetricInput, options: FaithfulnessCorrelationOptions = {}): Promise<MetricResult> {
  const m = metricContext(input, options);
  const runs = intOption(options.nRuns, 'nRuns', 100, 2);
  const size = intOption(options.subsetSize, 'subsetSize', 224);
  const { n, per, x } = m;
  const baseline = resolveMetricBaseline(options.baseline, x, m.model.inputShape);
  const mask = resolveFeatureMask(options.featureMask, n, m.model.inputShape);
  const F = mask.groups;
  const k = size < F ? size : Math.max(1, Math.floor(F / 2));
  const base = createRng(m.seed);
  const rngs = Array.from({ length: n }, (_, i) => base.derive(i));
  const perm = new Int32Array(F);
  const sums = new Float64Array(runs * n);
  const a = m.attributions.data;
  const rows = await evaluateMetricRows(m, runs, (p, r, dst, off) => {
    // The first k entries of a partial Fisher–Yates shuffle: a uniform subset of k features.
    for (let g = 0; g < F; g++) perm[g] = g;
    for (let q = 0; q < k; q++) {
      const s = q + rngs[r]!.int(F - q);
      const tmp = perm[q]!;
      perm[q] = perm[s]!;
      perm[s] = tmp;
    }
    dst.set(x.data.subarray(r * per, (r + 1) * per), off);
    let sum = 0;
    for (let q = 0; q < k; q++) {
      const els = mask.elements(r, perm[q]!);
      for (let e = 0; e < els.length; e++) {
        dst[off + els[e]!] = baseline[r * per + els[e]!]!;
        sum += a[r * per + els[e]!]!;
      }
    }
    sums[p * n + r] = sum;
  });
  const scores = Array.from({ length: n }, (_, i) => {
    const s = Float64Array.from({ length: runs }, (_, p) => sums[p * n + i]!);
    const d = Float64Array.from({ length: runs }, (_, p) => rows.fx[i]! - rows.values[p * n + i]!);
    return pearson(s, d);
  });
  return { metric: 'faithfulness-correlation', scores, mean: meanOf(scores), higherIsBetter: true, details: { modelCalls: m.ctx.modelCalls, subsetSize: k } };
}

/** METRICS entry. */
export const faithfulnessCorrelationMetric = metricSpec({
  id: 'faithfulness-correlation',
  title: 'Faithfulness correlation (Bhatt et al.)',
  family: 'faithfulness',
  higherIsBetter: true,
  needs: {},
  defaults: { nRuns: 100, subsetSize: 224, baseline: 0, softmax: false },
  source: 'Bhatt et al. 2020; Quantus FaithfulnessCorrelation',
  run: (input, options) => faithfulnessCorrelation(input, options as FaithfulnessCorrelationOptions),
});

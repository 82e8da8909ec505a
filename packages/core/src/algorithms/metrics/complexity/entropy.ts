/**
 * Complexity as entropy (Bhatt et al. 2020, "Evaluating and aggregating feature-based model
 * explanations"; Quantus `Complexity`): the Shannon entropy (natural log) of the fractional
 * contribution of each feature,
 *
 *   H(a) = −Σᵢ pᵢ ln pᵢ,   pᵢ = |aᵢ| / Σⱼ |aⱼ|   (0 · ln 0 = 0),
 *
 * over every value of the map (the input's full shape, channels included). 0 when one feature holds
 * all the mass, ln n when all n features hold the same. Lower is better (a simpler explanation).
 * An all-zero map singles nothing out: it is scored as the uniform distribution, ln n (Quantus gives
 * NaN).
 */
import type { Tensor } from '../../../tensor.js';
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { checkMaps, rowOf } from '../../_utils/metric-maps.js';

/** Shannon entropy (nats) of |v| / Σ|v|; ln n for an all-zero v, 0 for an empty one. */
export function attributionEntropy(v: ArrayLike<number>): number {
  const n = v.length;
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.abs(v[i]!);
  if (total === 0) return Math.log(n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.abs(v[i]!) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Entropy of each example's map. */
export function entropyComplexity(input: Pick<MetricInput, 'model' | 'x' | 'attributions'>): MetricResult {
  const { n, size } = checkMaps(input.model, input.x, input.attributions);
  const scores = Array.from({ length: n }, (_, i) => attributionEntropy(rowOf(input.attributions as Tensor, i, size)));
  return { metric: 'entropy', scores, mean: meanOf(scores), higherIsBetter: false };
}

/** METRICS entry. */
export const entropyMetric = metricSpec({
  id: 'entropy',
  title: 'Complexity (entropy)',
  family: 'complexity',
  higherIsBetter: false,
  needs: {},
  defaults: {},
  source: 'Bhatt et al. 2020; Quantus Complexity',
  run: async (input) => entropyComplexity(input),
});

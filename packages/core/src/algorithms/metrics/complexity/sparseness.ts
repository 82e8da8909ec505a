/**
 * Sparseness (Chalasani et al. 2020, "Concise explanations of neural networks using adversarial
 * training"; Quantus `Sparseness`): the Gini index of the absolute attributions of each example,
 *
 *   G(a) = Σᵢ (2i − n − 1) · a₍ᵢ₎ / (n · Σᵢ a₍ᵢ₎),   a₍₁₎ ≤ … ≤ a₍ₙ₎ the sorted |attributions|, i = 1…n.
 *
 * 0 when every feature gets the same mass, (n − 1)/n when one feature gets all of it. Higher is
 * sparser (a more concise explanation). An all-zero map concentrates nothing: its score is 0.
 */
import type { Tensor } from '../../../tensor.js';
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { checkMaps, rowOf } from '../../_utils/metric-maps.js';

/** The Gini index of |v| (0 for an all-zero vector). */
export function gini(v: ArrayLike<number>): number {
  const n = v.length;
  if (n === 0) return 0;
  const a = Float64Array.from(v, Math.abs).sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += a[i]!;
    weighted += (2 * (i + 1) - n - 1) * a[i]!;
  }
  return total === 0 ? 0 : weighted / (n * total);
}

/** Sparseness of each example's map: the Gini index of its absolute attributions. */
export function sparseness(input: Pick<MetricInput, 'model' | 'x' | 'attributions'>): MetricResult {
  const { n, size } = checkMaps(input.model, input.x, input.attributions);
  const scores = Array.from({ length: n }, (_, i) => gini(rowOf(input.attributions as Tensor, i, size)));
  return { metric: 'sparseness', scores, mean: meanOf(scores), higherIsBetter: true };
}

/** METRICS entry. */
export const sparsenessMetric = metricSpec({
  id: 'sparseness',
  title: 'Sparseness (Gini index)',
  family: 'complexity',
  higherIsBetter: true,
  needs: {},
  defaults: {},
  source: 'Chalasani et al. 2020; Quantus Sparseness',
  run: async (input) => sparseness(input),
});

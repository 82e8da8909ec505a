/**
 * Effective complexity (Nguyen & Martínez 2020, "On quantitative aspects of model
 * interpretability"; Quantus `EffectiveComplexity`): how many features matter,
 *
 *   EC(a) = #{ i : |aᵢ| / maxⱼ |aⱼ| > ε },   ε = `eps` (default 1e-5, Quantus),
 *
 * counted over every value of the map. As Quantus (abs = true, normalise = true with
 * `normalise_by_max`) the map is divided by its largest absolute value first, so ε is relative to
 * the peak; `normalise: false` thresholds the raw |aᵢ|. An all-zero map scores 0. Lower is better.
 */
import type { Tensor } from '../../../tensor.js';
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { checkMaps, rowOf } from '../../_utils/metric-maps.js';
import { checkMetricBool, checkMetricNumber } from '../../_utils/metric-options.js';

export interface EffectiveComplexityOptions {
  /** Threshold on |aᵢ| (after normalisation). Default 1e-5. */
  readonly eps?: number;
  /** Divide by max |a| first (Quantus' default). Default true. */
  readonly normalise?: boolean;
}

export const EFFECTIVE_COMPLEXITY_DEFAULTS = { eps: 1e-5, normalise: true } as const;

/** Number of values with |vᵢ| (/ max |v| where `normalise`) > eps. */
export function effectiveCount(v: ArrayLike<number>, eps: number, normalise = true): number {
  let peak = 0;
  for (let i = 0; i < v.length; i++) peak = Math.max(peak, Math.abs(v[i]!));
  if (peak === 0) return 0;
  const scale = normalise ? peak : 1;
  let count = 0;
  for (let i = 0; i < v.length; i++) if (Math.abs(v[i]!) / scale > eps) count++;
  return count;
}

/** Effective complexity of each example's map. */
export function effectiveComplexity(
  input: Pick<MetricInput, 'model' | 'x' | 'attributions'>,
  options: EffectiveComplexityOptions = {},
): MetricResult {
  const eps = checkMetricNumber(options.eps, 'eps', 'effective-complexity', EFFECTIVE_COMPLEXITY_DEFAULTS.eps);
  const normalise = checkMetricBool(options.normalise, 'normalise', 'effective-complexity', EFFECTIVE_COMPLEXITY_DEFAULTS.normalise);
  const { n, size } = checkMaps(input.model, input.x, input.attributions);
  const scores = Array.from({ length: n }, (_, i) => effectiveCount(rowOf(input.attributions as Tensor, i, size), eps, normalise));
  return { metric: 'effective-complexity', scores, mean: meanOf(scores), higherIsBetter: false, details: { features: size } };
}

/** METRICS entry. */
export const effectiveComplexityMetric = metricSpec({
  id: 'effective-complexity',
  title: 'Effective complexity',
  family: 'complexity',
  higherIsBetter: false,
  needs: {},
  defaults: { ...EFFECTIVE_COMPLEXITY_DEFAULTS },
  source: 'Nguyen & Martínez 2020; Quantus EffectiveComplexity',
  run: async (input, options) => effectiveComplexity(input, options as EffectiveComplexityOptions),
});

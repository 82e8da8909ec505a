/**
 * Average sensitivity (Yeh et al. 2019, "On the (in)fidelity and sensitivity of explanations";
 * Quantus `AvgSensitivity`): how much the explanation changes on average when the input moves a
 * little,
 *
 *   SENS_AVG(x) = (1/S) Σₛ ‖Φ(x) − Φ(x + δₛ)‖₂ / ‖Φ(x)‖₂,   δₛ ~ U(−r, r) per value,
 *
 * Φ the explainer, r = `perturbRadius` (default 0.2: Quantus' `lower_bound`, its uniform noise in
 * [−0.2, 0.2]), S = `nSamples`. Lower is better. As Quantus, the numerator and denominator are
 * Frobenius (2-) norms of the flattened maps (`norm` changes both) and each difference is divided by
 * the norm of the original explanation; where that norm is 0 we divide by 1 (Quantus would give
 * inf / NaN). Quantus' optional map normalisation (`normalise`, off by default) and NaN on changed
 * predictions are not done. Default S = 50, not Quantus' 200: every sample is one re-explanation
 * (e.g. 50 gradient passes for integrated gradients), and `glasswing evaluate` runs this for every
 * method; the mean settles well before 200 (standard error ∝ 1/√S). Pass nSamples=200 for Quantus'
 * setting. Seeded; the same target as the original is explained. details: `explainerCalls`, `targets`.
 */
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import {
  checkNormOrd,
  reexplainPerturbed,
  uniformPerturbation,
  explanationChange,
  type NormOrd,
  type Perturbation,
} from '../../_utils/metric-reexplain.js';
import { checkMetricInt, checkMetricNumber } from '../../_utils/metric-options.js';

export interface AvgSensitivityOptions extends MetricOptions {
  /** Half-width of the uniform noise per value. Default 0.2 (Quantus). */
  readonly perturbRadius?: number;
  /** Perturbed copies per example. Default 50 (Quantus: 200). */
  readonly nSamples?: number;
  /** Norm of numerator and denominator: 'fro' (default), 'inf', or p ≥ 1. */
  readonly norm?: NormOrd | string;
  /** Replaces the uniform noise: writes a perturbed copy of x into out. */
  readonly perturb?: Perturbation;
}

export const AVG_SENSITIVITY_DEFAULTS = { perturbRadius: 0.2, nSamples: 50, norm: 'fro' } as const;

/** Average sensitivity of each example's explanation (see the file header). */
export async function avgSensitivity(input: MetricInput, options: AvgSensitivityOptions = {}): Promise<MetricResult> {
  const id = 'avg-sensitivity';
  const radius = checkMetricNumber(options.perturbRadius, 'perturbRadius', id, AVG_SENSITIVITY_DEFAULTS.perturbRadius);
  const nSamples = checkMetricInt(options.nSamples, 'nSamples', id, AVG_SENSITIVITY_DEFAULTS.nSamples);
  const norm = checkNormOrd(options.norm, id);
  const n = input.x.shape[0] ?? 0;
  const sums = new Array<number>(n).fill(0);
  const change = explanationChange(norm, true);
  const { explainerCalls, targets } = await reexplainPerturbed(
    input,
    options,
    { metric: id, nSamples, perturb: options.perturb ?? uniformPerturbation(radius) },
    (s) => {
      sums[s.example]! += change(s);
    },
  );
  const scores = sums.map((v) => v / nSamples);
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: false, details: { explainerCalls, targets } };
}

/** METRICS entry. */
export const avgSensitivityMetric = metricSpec({
  id: 'avg-sensitivity',
  title: 'Average sensitivity',
  family: 'robustness',
  higherIsBetter: false,
  needs: { explain: true },
  defaults: { ...AVG_SENSITIVITY_DEFAULTS },
  source: 'Yeh et al. 2019; Quantus AvgSensitivity',
  run: (input, options) => avgSensitivity(input, options as AvgSensitivityOptions),
});

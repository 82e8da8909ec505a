/**
 * Max-sensitivity (Yeh et al. 2019, "On the (in)fidelity and sensitivity of explanations"; Captum
 * `captum.metrics.sensitivity_max`): how much the explanation changes, at most, when the input moves
 * a little,
 *
 *   SENS_MAX(x) = max over s = 1…S of  ‖Φ(x) − Φ(x + δₛ)‖ / ‖Φ(x)‖,   δₛ ~ U(−r, r) per value,
 *
 * Φ the explainer, S = `nPerturbSamples` (Captum default 10), r = `perturbRadius` (Captum default
 * 0.02, the L∞ ball of `default_perturb_func`), ‖·‖ = `norm` (Captum `norm_ord`, default 'fro': the
 * 2-norm of the flattened difference; 'inf' or any p ≥ 1). Lower is better (a more robust map).
 *
 * As Captum's `sensitivity_max` (and the authors' code): the difference is divided by the norm of
 * the original explanation, a zero norm counted as 1; `normalise: false` gives the plain
 * max ‖Φ(x) − Φ(x + δ)‖ of the paper's formula. The perturbed input is explained for the same target
 * as the original. Unlike Captum, Φ(x) is the `attributions` given (Captum recomputes it with the
 * explainer: the same for a deterministic explainer). Perturbations are drawn from core's seeded
 * generator (not torch's), so a seed gives the same number on every adapter and chunking
 * (`perturbationsPerEval`), but not Captum's random draws.
 * details: `explainerCalls`, `targets`, per-example `argmaxSample` (which sample gave the max).
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
import { checkMetricBool, checkMetricInt, checkMetricNumber } from '../../_utils/metric-options.js';

export interface SensitivityMaxOptions extends MetricOptions {
  /** Half-width of the uniform noise per value (the L∞ radius). Default 0.02 (Captum). */
  readonly perturbRadius?: number;
  /** Perturbed copies per example. Default 10 (Captum). */
  readonly nPerturbSamples?: number;
  /** Norm of the explanation difference: 'fro' (default, 2-norm), 'inf', or p ≥ 1. */
  readonly norm?: NormOrd | string;
  /** Divide by ‖Φ(x)‖ (zero counted as 1), as Captum does. Default true. */
  readonly normalise?: boolean;
  /** Replaces the uniform noise (Captum's `perturb_func`): writes a perturbed copy of x into out. */
  readonly perturb?: Perturbation;
}

export const SENSITIVITY_MAX_DEFAULTS = { perturbRadius: 0.02, nPerturbSamples: 10, norm: 'fro', normalise: true } as const;

/** Max-sensitivity of each example's explanation (see the file header). */
export async function sensitivityMax(input: MetricInput, options: SensitivityMaxOptions = {}): Promise<MetricResult> {
  const id = 'sensitivity-max';
  const radius = checkMetricNumber(options.perturbRadius, 'perturbRadius', id, SENSITIVITY_MAX_DEFAULTS.perturbRadius);
  const nSamples = checkMetricInt(options.nPerturbSamples, 'nPerturbSamples', id, SENSITIVITY_MAX_DEFAULTS.nPerturbSamples);
  const norm = checkNormOrd(options.norm, id);
  const normalise = checkMetricBool(options.normalise, 'normalise', id, true);
  const n = input.x.shape[0] ?? 0;
  const scores = new Array<number>(n).fill(0);
  const argmaxSample = new Array<number>(n).fill(0);
  const change = explanationChange(norm, normalise);
  const { explainerCalls, targets } = await reexplainPerturbed(
    input,
    options,
    { metric: id, nSamples, perturb: options.perturb ?? uniformPerturbation(radius) },
    (s) => {
      const v = change(s);
      if (s.sample === 0 || v > scores[s.example]!) {
        scores[s.example] = v;
        argmaxSample[s.example] = s.sample;
      }
    },
  );
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: false, details: { explainerCalls, targets, argmaxSample } };
}

/** METRICS entry. */
export const sensitivityMaxMetric = metricSpec({
  id: 'sensitivity-max',
  title: 'Max-sensitivity',
  family: 'robustness',
  higherIsBetter: false,
  needs: { explain: true },
  defaults: { ...SENSITIVITY_MAX_DEFAULTS },
  source: 'Yeh et al. 2019; Captum sensitivity_max',
  run: (input, options) => sensitivityMax(input, options as SensitivityMaxOptions),
});

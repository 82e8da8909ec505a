/**
 * Local Lipschitz estimate (Alvarez-Melis & Jaakkola 2018, "On the robustness of interpretability
 * methods"; Quantus `LocalLipschitzEstimate`): the largest ratio of explanation change to input
 * change over random nearby inputs,
 *
 *   L(x) = max over s = 1…S of  ‖Φ(x) − Φ(x′ₛ)‖₂ / ‖x − x′ₛ‖₂,   x′ₛ = x + ε, ε ~ N(0, σ²) per value,
 *
 * σ = `perturbStd` (default 0.1, Quantus), S = `nSamples`. Lower is better. The paper maximises over
 * a ball with an optimiser; Quantus (and this) samples. Differences from Quantus: the explanation is
 * used as given (Quantus normalises maps by default with `normalise_by_negative`); default S = 50, not
 * 200 — each sample is one re-explanation and `evaluate` runs this for every method; a max over fewer
 * samples can only be smaller, so compare numbers at equal S (pass nSamples=200 for Quantus' setting).
 * Seeded; the same target as the original is explained. details: `explainerCalls`, `targets`.
 */
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import {
  gaussianPerturbation,
  reexplainPerturbed,
  vectorNorm,
  type Perturbation,
} from '../../_utils/metric-reexplain.js';
import { checkMetricInt, checkMetricNumber } from '../../_utils/metric-options.js';

export interface LocalLipschitzOptions extends MetricOptions {
  /** Standard deviation of the Gaussian noise per value. Default 0.1 (Quantus). */
  readonly perturbStd?: number;
  /** Perturbed copies per example. Default 50 (Quantus: 200). */
  readonly nSamples?: number;
  /** Replaces the Gaussian noise: writes a perturbed copy of x into out. */
  readonly perturb?: Perturbation;
}

export const LOCAL_LIPSCHITZ_DEFAULTS = { perturbStd: 0.1, nSamples: 50 } as const;

/** Local Lipschitz estimate of each example's explanation (see the file header). */
export async function localLipschitz(input: MetricInput, options: LocalLipschitzOptions = {}): Promise<MetricResult> {
  const id = 'local-lipschitz';
  const std = checkMetricNumber(options.perturbStd, 'perturbStd', id, LOCAL_LIPSCHITZ_DEFAULTS.perturbStd, true);
  const nSamples = checkMetricInt(options.nSamples, 'nSamples', id, LOCAL_LIPSCHITZ_DEFAULTS.nSamples);
  const n = input.x.shape[0] ?? 0;
  const scores = new Array<number>(n).fill(0);
  const { explainerCalls, targets } = await reexplainPerturbed(
    input,
    options,
    { metric: id, nSamples, perturb: options.perturb ?? gaussianPerturbation(std) },
    (s) => {
      const de = new Float64Array(s.explanation.length);
      const dx = new Float64Array(s.x.length);
      for (let j = 0; j < de.length; j++) {
        de[j] = s.explanation[j]! - s.explanationPerturbed[j]!;
        dx[j] = s.x[j]! - s.xPerturbed[j]!;
      }
      const d = vectorNorm(dx, 2);
      // A perturbation that did not move the input (possible only with a custom `perturb`) says nothing.
      if (d > 0) scores[s.example] = Math.max(scores[s.example]!, vectorNorm(de, 2) / d);
    },
  );
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: false, details: { explainerCalls, targets } };
}

/** METRICS entry. */
export const localLipschitzMetric = metricSpec({
  id: 'local-lipschitz',
  title: 'Local Lipschitz estimate',
  family: 'robustness',
  higherIsBetter: false,
  needs: { explain: true },
  defaults: { ...LOCAL_LIPSCHITZ_DEFAULTS },
  source: 'Alvarez-Melis & Jaakkola 2018; Quantus LocalLipschitzEstimate',
  run: (input, options) => localLipschitz(input, options as LocalLipschitzOptions),
});

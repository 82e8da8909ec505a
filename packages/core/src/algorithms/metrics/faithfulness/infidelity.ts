/**
 * Infidelity (Yeh et al. 2019, "On the (In)fidelity and Sensitivity of Explanations"; Captum
 * `captum.metrics.infidelity`): how badly the attribution a predicts the change of the explained
 * output under random perturbations I,
 *
 *   INFD(a, f, x) = E_I [ (Iᵀa − (f(x) − f(x − I)))² ],
 *
 * estimated by the mean over `nPerturbSamples` draws of I per example. With `normalize` (Captum's
 * `normalize=True`) a is first rescaled by the optimal scale β = Σ_k (I_kᵀa · Δf_k) / Σ_k (I_kᵀa)²
 * (β = 0 when every I_kᵀa is 0, Captum's safe_div), i.e. INFD = mean_k (β I_kᵀa − Δf_k)²: only the
 * direction of a matters. Lower is better (0: a predicts every change exactly, as a = w does for
 * f(x) = wᵀx).
 *
 * Perturbations: Captum has no default `perturb_func` (the user passes one that returns the pair
 * (I, x − I)); here the default is Gaussian noise I ~ N(0, σ² Id) with σ = `noiseStd`, default
 * 0.003 (the σ of Captum's documented example `perturb_fn`), drawn from a seeded stream per example
 * (`seed`), and the perturbed input is always x − I. `perturbFunc` replaces the draw (it writes I
 * for one example); a perturbed input other than x − I (Captum allows any) is not supported.
 * Captum's `max_examples_per_batch` is `perturbationsPerEval` here (never changes results).
 */
import { InvalidArgumentError } from '../../../errors.js';
import { createRng, type Rng } from '../../../random/prng.js';
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { boolOption, evaluateMetricRows, intOption, metricContext, numberOption } from '../../_utils/metric-forward.js';

/** Writes a perturbation I of one example (input `x`, `per` values) into `out`. */
export type PerturbFunction = (x: Float32Array, rng: Rng, out: Float32Array) => void;

export interface InfidelityOptions extends MetricOptions {
  /** Perturbations per example (Captum `n_perturb_samples`). Default 10. */
  readonly nPerturbSamples?: number;
  /** σ of the default Gaussian perturbation. Default 0.003. */
  readonly noiseStd?: number;
  /** Rescale the attributions by the optimal β first (Captum `normalize`). Default false. */
  readonly normalize?: boolean;
  /** Custom perturbation (replaces the Gaussian draw). */
  readonly perturbFunc?: PerturbFunction;
  /** Read the target through a softmax of the output. Default false (the raw output). */
  readonly softmax?: boolean;
}

/** Infidelity of each example's attributions (lower is better). */
export async function infidelity(input: MetricInput, options: InfidelityOptions = {}): Promise<MetricResult> {
  const m = metricContext(input, options);
  const samples = intOption(options.nPerturbSamples, 'nPerturbSamples', 10);
  const std = numberOption(options.noiseStd, 'noiseStd', 0.003, 0);
  const normalize = boolOption(options.normalize, 'normalize', false);
  const custom = options.perturbFunc;
  if (custom !== undefined && typeof custom !== 'function') throw new InvalidArgumentError('perturbFunc must be a function (x, rng, out) => void');
  const { n, per } = m;
  const base = createRng(m.seed);
  const rngs = Array.from({ length: n }, (_, i) => base.derive(i));
  const pert = new Float32Array(per);
  const ia = new Float64Array(samples * n);
  const rows = await evaluateMetricRows(m, samples, (p, r, dst, off) => {
    const x = m.x.data.subarray(r * per, (r + 1) * per);
    if (custom) {
      pert.fill(0);
      custom(x, rngs[r]!, pert);
    } else {
      for (let j = 0; j < per; j++) pert[j] = std * rngs[r]!.normal();
    }
    const a = m.attributions.data;
    let s = 0;
    for (let j = 0; j < per; j++) {
      const v = pert[j]!;
      if (!Number.isFinite(v)) throw new InvalidArgumentError(`perturbFunc wrote a non-finite value (${v}) at index ${j}`);
      dst[off + j] = x[j]! - v;
      s += v * a[r * per + j]!;
    }
    ia[p * n + r] = s;
  });
  const scores: number[] = [];
  const betas: number[] = [];
  for (let i = 0; i < n; i++) {
    let beta = 1;
    if (normalize) {
      let num = 0;
      let den = 0;
      for (let p = 0; p < samples; p++) {
        const d = rows.fx[i]! - rows.values[p * n + i]!;
        num += ia[p * n + i]! * d;
        den += ia[p * n + i]! ** 2;
      }
      beta = den === 0 ? 0 : num / den;
    }
    let s = 0;
    for (let p = 0; p < samples; p++) s += (beta * ia[p * n + i]! - (rows.fx[i]! - rows.values[p * n + i]!)) ** 2;
    scores.push(s / samples);
    betas.push(beta);
  }
  return {
    metric: 'infidelity', scores, mean: meanOf(scores), higherIsBetter: false,
    details: { modelCalls: m.ctx.modelCalls, ...(normalize ? { beta: betas } : {}) },
  };
}

/** METRICS entry. */
export const infidelityMetric = metricSpec({
  id: 'infidelity',
  title: 'Infidelity',
  family: 'faithfulness',
  higherIsBetter: false,
  needs: {},
  defaults: { nPerturbSamples: 10, noiseStd: 0.003, normalize: false, softmax: false },
  source: 'Yeh et al. 2019; Captum captum.metrics.infidelity',
  run: (input, options) => infidelity(input, options as InfidelityOptions),
});

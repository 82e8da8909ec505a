/**
 * Random-logit test (Sixt et al. 2020, "When explanations lie: why many modified BP attributions
 * fail"; Quantus `RandomLogit`). An explanation of class t should differ from an explanation of
 * another class: for each example a class c ≠ t is drawn uniformly from the other classes (seeded:
 * `createRng(seed)`, one `int` per example in order), the explainer is re-run for c, and
 *
 *   score = sim(m_t, m_c)        (lower is better: the map depends on the class explained)
 *
 * with sim = SSIM (default, as Quantus), Spearman or Pearson (`_utils/map-similarity.ts`) after
 * `abs` (default false, as Quantus) and `normalise` (divide by max |value|, default true, as
 * Quantus' `normalise_by_max`). t is `input.target` (class indices) or each example's argmax.
 *
 * Differences from Quantus: the draw uses core's seeded generator, not NumPy's; SSIM is skimage's
 * default uniform 7×7 form on the whole map (channels averaged). Needs class-index targets (an
 * explicit output-seed tensor has no "other class": InvalidArgumentError) and at least 2 outputs.
 * Progress counts the forward pass that fixes the target when none is given and the re-explanation.
 * `perturbationsPerEval` does not apply: the model calls are the explainer's own (it batches them);
 * `signal` is checked between steps and passed to the explainer.
 */
import { sizeOf } from '../../../tensor.js';
import { InvalidArgumentError } from '../../../errors.js';
import { createRng } from '../../../random/prng.js';
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { checkMaps } from '../../_utils/metric-maps.js';
import { compareRows, comparisonOf, fixedTarget, seedOption, throwIfAbortedReason } from '../../_utils/randomisation-common.js';

export interface RandomLogitOptions extends MetricOptions {
  readonly similarity?: 'spearman' | 'pearson' | 'ssim';
  readonly abs?: boolean;
  readonly normalise?: boolean;
  /** Image layout for SSIM when the input shape does not say. */
  readonly layout?: 'NHWC' | 'NCHW';
}

/** Per example, a class drawn uniformly from the `classes` − 1 classes other than `targets[i]`. */
export function otherClasses(targets: readonly number[], classes: number, seed: number): number[] {
  const rng = createRng(seed);
  return targets.map((t) => {
    const r = rng.int(classes - 1);
    return r >= t ? r + 1 : r;
  });
}

/** The random-logit test of `input.attributions` (see the header). */
export async function randomLogit(input: MetricInput, options: RandomLogitOptions = {}): Promise<MetricResult> {
  const { model, x, attributions } = input;
  const { n, size } = checkMaps(model, x, attributions);
  if (!input.explain) throw new InvalidArgumentError('random-logit needs explain (the method re-run for another class)');
  const classes = sizeOf(model.outputShape);
  if (classes < 2) throw new InvalidArgumentError(`random-logit needs a model with at least 2 outputs (classes), this one has ${classes}`);
  const opts = options as RandomLogitOptions & Readonly<Record<string, unknown>>;
  const cmp = comparisonOf(model, opts, { similarity: 'ssim', abs: false, normalise: true });
  const seed = seedOption(opts.seed);
  const { signal, onProgress } = options;
  throwIfAbortedReason(signal);
  const { indices, forwards } = await fixedTarget(model, x, input.target, signal);
  if (!indices) throw new InvalidArgumentError('random-logit needs class-index targets; an output-seed tensor has no other class to draw');
  const total = forwards + 1;
  if (forwards > 0) onProgress?.({ done: forwards, total });
  const others = otherClasses(indices, classes, seed);
  throwIfAbortedReason(signal);
  const maps = await input.explain(model, x, { target: others, ...(signal ? { signal } : {}) });
  onProgress?.({ done: total, total });
  const scores = compareRows(attributions, maps, n, size, cmp);
  return {
    metric: 'random-logit',
    scores,
    mean: meanOf(scores),
    higherIsBetter: false,
    details: { targets: indices, otherClasses: others, similarity: cmp.measure, abs: cmp.abs, normalise: cmp.normalise, seed },
  };
}

/** METRICS entry. */
export const randomLogitMetric = metricSpec({
  id: 'random-logit',
  title: 'Random logit',
  family: 'randomisation',
  higherIsBetter: false,
  needs: { explain: true },
  defaults: { similarity: 'ssim', abs: false, normalise: true, seed: 0 },
  source: 'Sixt et al. 2020 (When explanations lie); Quantus RandomLogit',
  run: (input, options) => randomLogit(input, options ?? {}),
});

/**
 * Localisation AUC (Fawcett 2006, "An introduction to ROC analysis"; Quantus `AUC`): the area under
 * the ROC curve of the attribution used as a score for "this feature is in the ground-truth mask",
 * computed in its Mann–Whitney form,
 *
 *   AUC(a, M) = (Σ_{i∈M} rankᵢ − n₊(n₊ + 1)/2) / (n₊ · n₋),
 *
 * rankᵢ the ascending rank of aᵢ among all features, tied values sharing their average rank (so a
 * tie between an inside and an outside feature counts one half, as the trapezoidal ROC curve of
 * sklearn's `roc_curve` + `auc` that Quantus uses); n₊ = |M|, n₋ the features outside. 1: every
 * inside feature outranks every outside one; 0.5: chance. Needs both classes: a mask covering every
 * feature is an error. Signed attributions unless `abs`; features and channels as in
 * `_utils/metric-masks.ts` (image channels summed first, by default). Higher is better.
 */
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { localisationMaps, maskSize } from '../../_utils/metric-masks.js';
import { checkMetricBool } from '../../_utils/metric-options.js';
import { InvalidArgumentError } from '../../../errors.js';

export interface LocalisationAucOptions {
  /** Sum image channels into one attribution per pixel. Default true. */
  readonly sumChannels?: boolean;
  /** Score by |attribution|. Default false. */
  readonly abs?: boolean;
}

export const LOCALISATION_AUC_DEFAULTS = { sumChannels: true, abs: false } as const;

/** ROC AUC of scores `a` for the labels `m` (1 positive), by average ranks. Needs both labels. */
export function maskRocAuc(a: ArrayLike<number>, m: ArrayLike<number>): number {
  const n = a.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => a[p]! - a[q]!);
  let positives = 0;
  let rankSum = 0;
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && a[order[e + 1]!] === a[order[s]!]) e++;
    const avg = (s + e) / 2 + 1; // ranks s+1 … e+1
    for (let r = s; r <= e; r++) if (m[order[r]!]) rankSum += avg;
    s = e + 1;
  }
  for (let i = 0; i < n; i++) if (m[i]) positives++;
  const negatives = n - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Localisation AUC per example. */
export function localisationAuc(input: Pick<MetricInput, 'model' | 'x' | 'attributions' | 'masks'>, options: LocalisationAucOptions = {}): MetricResult {
  const id = 'localisation-auc';
  const maps = localisationMaps(input, id, {
    sumChannels: checkMetricBool(options.sumChannels, 'sumChannels', id, LOCALISATION_AUC_DEFAULTS.sumChannels),
    abs: checkMetricBool(options.abs, 'abs', id, LOCALISATION_AUC_DEFAULTS.abs),
  });
  const scores = maps.attr.map((a, i) => {
    if (maskSize(maps.mask[i]!) === maps.features) {
      throw new InvalidArgumentError(`${id}: the mask of example ${i} covers every feature; an AUC needs features outside the mask too`);
    }
    return maskRocAuc(a, maps.mask[i]!);
  });
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: true };
}

/** METRICS entry. */
export const localisationAucMetric = metricSpec({
  id: 'localisation-auc',
  title: 'Localisation AUC (ROC)',
  family: 'localisation',
  higherIsBetter: true,
  needs: { masks: true },
  defaults: { ...LOCALISATION_AUC_DEFAULTS },
  source: 'Fawcett 2006; Quantus AUC',
  run: async (input, options) => localisationAuc(input, options as LocalisationAucOptions),
});

/**
 * Top-k intersection (Theiner et al. 2021, "Interpretable semantic photo geolocation"; Quantus
 * `TopKIntersection`): the fraction of the k most relevant features that lie inside the
 * ground-truth mask,
 *
 *   TKI(a, M) = |top_k(a) ∩ M| / k.
 *
 * k = `k` (default 1000, Quantus), clipped to the number of features (a 20×20 image has 400; the
 * clipped k is in details.k). Unlike relevance rank accuracy k does not follow the mask, so with
 * k > |M| the best score is |M| / k. Ties: the lower feature index first. Signed attributions unless
 * `abs`. Features and channels as in `_utils/metric-masks.ts` (image channels summed first, by
 * default). Higher is better.
 */
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { hitsInTop, localisationMaps, rankDescending } from '../../_utils/metric-masks.js';
import { checkMetricBool, checkMetricInt } from '../../_utils/metric-options.js';

export interface TopKIntersectionOptions {
  /** How many top features. Default 1000, clipped to the feature count. */
  readonly k?: number;
  /** Sum image channels into one attribution per pixel. Default true. */
  readonly sumChannels?: boolean;
  /** Rank |attribution|. Default false. */
  readonly abs?: boolean;
}

export const TOP_K_INTERSECTION_DEFAULTS = { k: 1000, sumChannels: true, abs: false } as const;

/** Top-k intersection per example. */
export function topKIntersection(input: Pick<MetricInput, 'model' | 'x' | 'attributions' | 'masks'>, options: TopKIntersectionOptions = {}): MetricResult {
  const id = 'top-k-intersection';
  const kAsked = checkMetricInt(options.k, 'k', id, TOP_K_INTERSECTION_DEFAULTS.k);
  const maps = localisationMaps(input, id, {
    sumChannels: checkMetricBool(options.sumChannels, 'sumChannels', id, TOP_K_INTERSECTION_DEFAULTS.sumChannels),
    abs: checkMetricBool(options.abs, 'abs', id, TOP_K_INTERSECTION_DEFAULTS.abs),
  });
  const k = Math.min(kAsked, maps.features);
  const scores = maps.attr.map((a, i) => hitsInTop(rankDescending(a), maps.mask[i]!, k) / k);
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: true, details: { k } };
}

/** METRICS entry. */
export const topKIntersectionMetric = metricSpec({
  id: 'top-k-intersection',
  title: 'Top-k intersection',
  family: 'localisation',
  higherIsBetter: true,
  needs: { masks: true },
  defaults: { ...TOP_K_INTERSECTION_DEFAULTS },
  source: 'Theiner et al. 2021; Quantus TopKIntersection',
  run: async (input, options) => topKIntersection(input, options as TopKIntersectionOptions),
});

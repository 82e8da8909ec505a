/**
 * Relevance rank accuracy (Arras et al. 2022, "CLEVR-XAI"; Quantus `RelevanceRankAccuracy`): of the
 * K features with the highest relevance, K the size of the ground-truth mask, the fraction inside
 * the mask,
 *
 *   RRA(a, M) = |top_K(a) ∩ M| / K,   K = |M|.
 *
 * Ties in relevance: the lower feature index ranks first (deterministic). Signed relevance unless
 * `abs`. Features and channels as in `_utils/metric-masks.ts` (image channels summed first, by
 * default). Higher is better; 1 when the mask holds exactly the K most relevant features.
 */
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { hitsInTop, localisationMaps, maskSize, rankDescending } from '../../_utils/metric-masks.js';
import { checkMetricBool } from '../../_utils/metric-options.js';

export interface RelevanceRankOptions {
  /** Sum image channels into one attribution per pixel. Default true. */
  readonly sumChannels?: boolean;
  /** Rank |attribution|. Default false. */
  readonly abs?: boolean;
}

export const RELEVANCE_RANK_DEFAULTS = { sumChannels: true, abs: false } as const;

/** Relevance rank accuracy per example. */
export function relevanceRank(input: Pick<MetricInput, 'model' | 'x' | 'attributions' | 'masks'>, options: RelevanceRankOptions = {}): MetricResult {
  const id = 'relevance-rank';
  const maps = localisationMaps(input, id, {
    sumChannels: checkMetricBool(options.sumChannels, 'sumChannels', id, RELEVANCE_RANK_DEFAULTS.sumChannels),
    abs: checkMetricBool(options.abs, 'abs', id, RELEVANCE_RANK_DEFAULTS.abs),
  });
  const scores = maps.attr.map((a, i) => {
    const k = maskSize(maps.mask[i]!);
    return hitsInTop(rankDescending(a), maps.mask[i]!, k) / k;
  });
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: true };
}

/** METRICS entry. */
export const relevanceRankMetric = metricSpec({
  id: 'relevance-rank',
  title: 'Relevance rank accuracy',
  family: 'localisation',
  higherIsBetter: true,
  needs: { masks: true },
  defaults: { ...RELEVANCE_RANK_DEFAULTS },
  source: 'Arras et al. 2022 (CLEVR-XAI); Quantus RelevanceRankAccuracy',
  run: async (input, options) => relevanceRank(input, options as RelevanceRankOptions),
});

/**
 * Relevance mass accuracy (Arras et al. 2022, "CLEVR-XAI: a benchmark dataset for the ground truth
 * evaluation of neural network explanations"; Quantus `RelevanceMassAccuracy`): the share of the
 * positive relevance that falls inside the ground-truth mask,
 *
 *   RMA(a, M) = Σ_{i∈M} max(aᵢ, 0) / Σᵢ max(aᵢ, 0).
 *
 * As Arras et al., only positive relevance counts (Quantus sums the map as given, which equals this
 * for non-negative maps). A map with no positive relevance scores 0. Features and channels as in
 * `_utils/metric-masks.ts` (image channels summed first, by default). Higher is better; in [0, 1].
 */
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { localisationMaps } from '../../_utils/metric-masks.js';
import { checkMetricBool } from '../../_utils/metric-options.js';

export interface RelevanceMassOptions {
  /** Sum image channels into one attribution per pixel. Default true. */
  readonly sumChannels?: boolean;
}

export const RELEVANCE_MASS_DEFAULTS = { sumChannels: true } as const;

/** Relevance mass accuracy per example. */
export function relevanceMass(input: Pick<MetricInput, 'model' | 'x' | 'attributions' | 'masks'>, options: RelevanceMassOptions = {}): MetricResult {
  const id = 'relevance-mass';
  const maps = localisationMaps(input, id, { sumChannels: checkMetricBool(options.sumChannels, 'sumChannels', id, RELEVANCE_MASS_DEFAULTS.sumChannels) });
  const scores = maps.attr.map((a, i) => {
    const m = maps.mask[i]!;
    let inside = 0;
    let total = 0;
    for (let j = 0; j < a.length; j++) {
      const r = Math.max(a[j]!, 0);
      total += r;
      if (m[j]) inside += r;
    }
    return total === 0 ? 0 : inside / total;
  });
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: true };
}

/** METRICS entry. */
export const relevanceMassMetric = metricSpec({
  id: 'relevance-mass',
  title: 'Relevance mass accuracy',
  family: 'localisation',
  higherIsBetter: true,
  needs: { masks: true },
  defaults: { ...RELEVANCE_MASS_DEFAULTS },
  source: 'Arras et al. 2022 (CLEVR-XAI); Quantus RelevanceMassAccuracy',
  run: async (input, options) => relevanceMass(input, options as RelevanceMassOptions),
});

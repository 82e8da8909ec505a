/**
 * Pointing game (Zhang et al. 2018, "Top-down neural attention by excitation backprop"; Quantus
 * `PointingGame`): a hit (1) when the feature with the largest attribution lies inside the
 * ground-truth mask, else a miss (0),
 *
 *   hit(a, M) = 1 if some i ∈ argmaxⱼ aⱼ has dist(i, M) ≤ t, else 0.
 *
 * Ties: a hit if any maximal feature is inside (as Quantus). `tolerance` t (default 0; Zhang et al.
 * use 15 pixels) counts a maximum within Euclidean distance t pixels of a mask pixel as a hit; it
 * needs an image input. Features and channels as in `_utils/metric-masks.ts` (image channels summed
 * by default); signed attributions unless `abs`. Higher is better; the mean is the hit rate.
 */
import { metricSpec, meanOf, type MetricInput, type MetricResult } from '../../_utils/metric-spec.js';
import { localisationMaps } from '../../_utils/metric-masks.js';
import { checkMetricBool, checkMetricNumber } from '../../_utils/metric-options.js';
import { InvalidArgumentError } from '../../../errors.js';

export interface PointingGameOptions {
  /** Pixels of slack around the mask (images only). Default 0. */
  readonly tolerance?: number;
  /** Sum image channels into one attribution per pixel. Default true. */
  readonly sumChannels?: boolean;
  /** Use |attribution|. Default false. */
  readonly abs?: boolean;
}

export const POINTING_GAME_DEFAULTS = { tolerance: 0, sumChannels: true, abs: false } as const;

/** Pointing-game hit (1) or miss (0) per example. */
export function pointingGame(input: Pick<MetricInput, 'model' | 'x' | 'attributions' | 'masks'>, options: PointingGameOptions = {}): MetricResult {
  const id = 'pointing-game';
  const tolerance = checkMetricNumber(options.tolerance, 'tolerance', id, POINTING_GAME_DEFAULTS.tolerance);
  const maps = localisationMaps(input, id, {
    sumChannels: checkMetricBool(options.sumChannels, 'sumChannels', id, POINTING_GAME_DEFAULTS.sumChannels),
    abs: checkMetricBool(options.abs, 'abs', id, POINTING_GAME_DEFAULTS.abs),
  });
  if (tolerance > 0 && !maps.grid) throw new InvalidArgumentError(`${id}: tolerance needs an image input (a pixel grid); this input is [${input.model.inputShape.join(', ')}]`);
  const scores = maps.attr.map((a, i) => {
    const m = maps.mask[i]!;
    let peak = -Infinity;
    for (let j = 0; j < a.length; j++) peak = Math.max(peak, a[j]!);
    for (let j = 0; j < a.length; j++) {
      if (a[j] !== peak) continue;
      if (m[j]) return 1;
      if (tolerance > 0 && nearMask(j, m, maps.grid!, tolerance)) return 1;
    }
    return 0;
  });
  return { metric: id, scores, mean: meanOf(scores), higherIsBetter: true };
}

function nearMask(p: number, m: Uint8Array, grid: { h: number; w: number }, t: number): boolean {
  const py = Math.floor(p / grid.w);
  const px = p % grid.w;
  const r = Math.floor(t);
  for (let y = Math.max(0, py - r); y <= Math.min(grid.h - 1, py + r); y++) {
    for (let x = Math.max(0, px - r); x <= Math.min(grid.w - 1, px + r); x++) {
      if (m[y * grid.w + x] && (y - py) ** 2 + (x - px) ** 2 <= t * t) return true;
    }
  }
  return false;
}

/** METRICS entry. */
export const pointingGameMetric = metricSpec({
  id: 'pointing-game',
  title: 'Pointing game',
  family: 'localisation',
  higherIsBetter: true,
  needs: { masks: true },
  defaults: { ...POINTING_GAME_DEFAULTS },
  source: 'Zhang et al. 2018; Quantus PointingGame',
  run: async (input, options) => pointingGame(input, options as PointingGameOptions),
});

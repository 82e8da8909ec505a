/**
 * What the localisation metrics share: checking the ground-truth `masks` and reducing each example's
 * map and mask to the features compared.
 *
 * Channels: masks come with the input's full shape. For an image input ([H, W], [H, W, C] or
 * [C, H, W], as `imageDims` reads it) with `sumChannels` (the default) each pixel is one feature:
 * its attribution is the sum over channels (as Quantus, which takes maps summed over channels, and
 * Arras et al. 2022, who pool relevance over channels) and it is inside the mask where the mask is
 * > 0 on any channel. Otherwise every value of the input is a feature. Where `abs`, the absolute
 * value of the (summed) attribution is used.
 */
import type { Tensor } from '../../tensor.js';
import { sizeOf } from '../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { imageDims } from './control-explainers.js';
import { checkMaps } from './metric-maps.js';
import type { MetricInput } from './metric-spec.js';

export interface LocalisationMaps {
  readonly n: number;
  /** Features compared per example (pixels, or input values). */
  readonly features: number;
  /** The pixel grid where features are pixels of an image ([H, W]); undefined otherwise. */
  readonly grid?: { readonly h: number; readonly w: number };
  /** Example i's attribution per feature. */
  readonly attr: readonly Float64Array[];
  /** Example i's mask per feature (1 inside). */
  readonly mask: readonly Uint8Array[];
}

/** Checks masks (present, shape, finite, not empty per example) and pools maps and masks. */
export function localisationMaps(
  input: Pick<MetricInput, 'model' | 'x' | 'attributions' | 'masks'>,
  metric: string,
  options: { readonly sumChannels?: boolean; readonly abs?: boolean } = {},
): LocalisationMaps {
  const { model, x, attributions, masks } = input;
  const { n, size } = checkMaps(model, x, attributions);
  if (!masks || !Array.isArray(masks.shape) || !(masks.data instanceof Float32Array)) {
    throw new InvalidArgumentError(`${metric} needs the 'masks' input: ground truth, > 0 on the decisive features, shape [${[n, ...model.inputShape].join(', ')}]`);
  }
  const want = [n, ...model.inputShape];
  if (masks.shape.length !== want.length || masks.shape.some((d, i) => d !== want[i]) || masks.data.length !== sizeOf(want)) {
    throw new ShapeError(`${metric}: masks must have shape [${want.join(', ')}] (one mask per input example), got [${masks.shape.join(', ')}]`);
  }
  const bad = masks.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InvalidArgumentError(`${metric}: masks hold a non-finite value (${masks.data[bad]}) at flat index ${bad}`);

  let image: ReturnType<typeof imageDims> | undefined;
  try {
    image = imageDims(model.inputShape);
  } catch {
    image = undefined;
  }
  const pool = image !== undefined && (options.sumChannels ?? true);
  const features = pool ? image!.h * image!.w : size;
  const attr: Float64Array[] = [];
  const mask: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = new Float64Array(features);
    const m = new Uint8Array(features);
    const base = i * size;
    if (pool) {
      const { h, w, c, layout } = image!;
      for (let p = 0; p < h * w; p++) {
        for (let ch = 0; ch < c; ch++) {
          const k = base + (layout === 'NHWC' ? p * c + ch : ch * h * w + p);
          a[p]! += attributions.data[k]!;
          if (masks.data[k]! > 0) m[p] = 1;
        }
      }
    } else {
      for (let p = 0; p < size; p++) {
        a[p] = attributions.data[base + p]!;
        m[p] = masks.data[base + p]! > 0 ? 1 : 0;
      }
    }
    if (options.abs) for (let p = 0; p < features; p++) a[p] = Math.abs(a[p]!);
    if (!m.some((v) => v === 1)) throw new InvalidArgumentError(`${metric}: the mask of example ${i} is empty (no value > 0)`);
    attr.push(a);
    mask.push(m);
  }
  const grid = image && (pool || image.c === 1) ? { grid: { h: image.h, w: image.w } } : {};
  return { n, features, attr, mask, ...grid };
}

/** Feature indices by attribution, highest first; ties keep the lower index first. */
export function rankDescending(a: Float64Array): Int32Array {
  const idx = Int32Array.from({ length: a.length }, (_, i) => i);
  return idx.sort((p, q) => a[q]! - a[p]! || p - q);
}

/** How many of the first k entries of `order` lie in `mask`. */
export function hitsInTop(order: Int32Array, mask: Uint8Array, k: number): number {
  let hits = 0;
  for (let r = 0; r < k; r++) hits += mask[order[r]!]!;
  return hits;
}

/** Number of features inside the mask. */
export function maskSize(mask: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < mask.length; i++) s += mask[i]!;
  return s;
}

/**
 * LIME for images (the `lime` package's LimeImageExplainer, written from its documented
 * behaviour). Interpretable features are superpixels — given (`segments`) or computed per image
 * with SLIC (../segmentation/slic.ts). A sample switches each superpixel on or off with
 * probability ½; "off" superpixels take the hide colour: a number, 'mean' (each channel's mean
 * over the image) or 'segment-mean' (each superpixel's own per-channel mean — `lime`'s default
 * when hide_color is None). Distance: cosine distance between the on/off vector and all-ones
 * (1 for the all-off sample); kernel width default 0.25; nSamples default 1000; ridge α = 1.
 * Differences from `lime`: SLIC instead of quickshift as the default segmenter.
 *
 * Layouts: per-example input [H, W] (one channel), [H, W, C] ('NHWC') or [C, H, W] ('NCHW');
 * the default guesses NHWC when the last dimension is ≤ 4, else NCHW when the first is ≤ 4.
 */
import type { Model } from '../../../model.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../../errors.js';
import { ModelCaller, validateInput, validateTarget } from '../../_utils/common.js';
import { resolveBatching } from '../../_utils/perturbation/index.js';
import { slic, type SlicOptions } from '../../_utils/segmentation/slic.js';
import { limeCalls, limeSettings, runLime, type LimeCommonOptions, type LimeExample, type LimeResult } from './surrogate.js';

export type ImageLayout = 'NHWC' | 'NCHW';
export type HideColor = number | 'mean' | 'segment-mean';

export interface LimeImageOptions extends LimeCommonOptions {
  readonly layout?: ImageLayout;
  /** Superpixel ids (integers ≥ 0) per pixel: [H, W] shared or [N, H, W]. Default: SLIC. */
  readonly segments?: Tensor | ArrayLike<number>;
  /** SLIC options when segments are computed. */
  readonly slic?: SlicOptions;
  /** Colour of switched-off superpixels. Default 0. */
  readonly hideColor?: HideColor;
}

export interface LimeImageResult extends LimeResult {
  /** Superpixel id per pixel, [N, H, W] row-major. */
  readonly segments: Int32Array;
  /** Superpixels per example. */
  readonly segmentCounts: Int32Array;
}

export const LIME_IMAGE_DEFAULTS = { nSamples: 1000, kernelWidth: 0.25, hideColor: 0 } as const;

export interface ImageGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly layout: ImageLayout;
}

export function imageGeometry(inputShape: readonly number[], layout?: ImageLayout): ImageGeometry {
  if (layout !== undefined && layout !== 'NHWC' && layout !== 'NCHW') throw new InvalidArgumentError(`layout must be 'NHWC' or 'NCHW', got ${String(layout)}`);
  if (inputShape.length === 2) return { h: inputShape[0]!, w: inputShape[1]!, c: 1, layout: 'NHWC' };
  if (inputShape.length !== 3) throw new ShapeError(`LIME image needs per-example input [H, W], [H, W, C] or [C, H, W], got [${inputShape.join(', ')}]`);
  const [a, b, c] = inputShape as [number, number, number];
  const l = layout ?? (c <= 4 ? 'NHWC' : a <= 4 ? 'NCHW' : undefined);
  if (!l) throw new InvalidArgumentError(`cannot tell the image layout of [${inputShape.join(', ')}]; pass layout 'NHWC' or 'NCHW'`);
  return l === 'NHWC' ? { h: a, w: b, c, layout: l } : { h: b, w: c, c: a, layout: l };
}

/** Element index of pixel p, channel ch. */
function elementOf(g: ImageGeometry, p: number, ch: number): number {
  return g.layout === 'NHWC' ? p * g.c + ch : ch * g.h * g.w + p;
}

function resolveSegments(seg: Tensor | ArrayLike<number>, n: number, g: ImageGeometry): { ids: Int32Array; perExample: boolean } {
  const values: ArrayLike<number> = typeof seg === 'object' && seg !== null && 'data' in seg && 'shape' in seg ? (seg as Tensor).data : (seg as ArrayLike<number>);
  const px = g.h * g.w;
  if (!values || typeof values.length !== 'number') throw new InvalidArgumentError('segments must be a Tensor or an array of integers');
  const perExample = values.length === n * px && n > 1;
  if (values.length !== px && !perExample) throw new ShapeError(`segments have ${values.length} values; expected ${px} ([H, W]) or ${n * px} ([N, H, W])`);
  const ids = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new InvalidArgumentError(`segment id ${String(v)} at ${k} is not an integer ≥ 0`);
    ids[k] = v;
  }
  return { ids, perExample };
}

function imageExample(x: Tensor, i: number, g: ImageGeometry, labels: Int32Array, count: number, hide: HideColor): LimeExample {
  const px = g.h * g.w;
  const per = px * g.c;
  const xi = x.data.subarray(i * per, (i + 1) * per);
  const fudged = new Float32Array(per);
  if (typeof hide === 'number') fudged.fill(hide);
  else if (hide === 'mean') {
    for (let ch = 0; ch < g.c; ch++) {
      let s = 0;
      for (let p = 0; p < px; p++) s += xi[elementOf(g, p, ch)]!;
      for (let p = 0; p < px; p++) fudged[elementOf(g, p, ch)] = s / px;
    }
  } else {
    const sums = new Float64Array(count * g.c);
    const cnt = new Float64Array(count);
    for (let p = 0; p < px; p++) {
      cnt[labels[p]!]++;
      for (let ch = 0; ch < g.c; ch++) sums[labels[p]! * g.c + ch] += xi[elementOf(g, p, ch)]!;
    }
    for (let p = 0; p < px; p++) for (let ch = 0; ch < g.c; ch++) fudged[elementOf(g, p, ch)] = sums[labels[p]! * g.c + ch]! / cnt[labels[p]!]!;
  }
  const segOf = new Int32Array(per);
  for (let p = 0; p < px; p++) for (let ch = 0; ch < g.c; ch++) segOf[elementOf(g, p, ch)] = labels[p]!;
  return {
    m: count,
    z0: new Float64Array(count).fill(1),
    sample(rng, z, dst, off) {
      for (let j = 0; j < count; j++) z[j] = rng.nextUint32() >>> 31;
      for (let e = 0; e < per; e++) dst[off + e] = z[segOf[e]!] ? xi[e]! : fudged[e]!;
    },
    distance(z) {
      let on = 0;
      for (let j = 0; j < count; j++) on += z[j]!;
      return on === 0 ? 1 : 1 - Math.sqrt(on / count);
    },
    spread(coef, out, off) {
      for (let e = 0; e < per; e++) out[off + e] = coef[segOf[e]!]!;
    },
  };
}

export class LimeImage {
  readonly id = 'lime';
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, options: LimeImageOptions = {}): Promise<LimeImageResult> {
    const model = this.model;
    const n = validateInput(model, x);
    const g = imageGeometry(model.inputShape, options.layout);
    const hide = options.hideColor ?? LIME_IMAGE_DEFAULTS.hideColor;
    if (!(typeof hide === 'number' ? Number.isFinite(hide) : hide === 'mean' || hide === 'segment-mean')) {
      throw new InvalidArgumentError(`hideColor must be a finite number, 'mean' or 'segment-mean', got ${String(hide)}`);
    }
    const given = options.segments !== undefined ? resolveSegments(options.segments, n, g) : undefined;
    if (!given && options.slic) slic(new Float32Array(1), 1, 1, 1, options.slic); // validates the SLIC options early
    const settings = limeSettings(options, LIME_IMAGE_DEFAULTS);
    const batching = resolveBatching(options, model.inputShape);
    const target = validateTarget(model, options.target, n);
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(limeCalls(batching, n, settings));
    const px = g.h * g.w;
    const per = sizeOf(model.inputShape);
    const segments = new Int32Array(n * px);
    const segmentCounts = new Int32Array(n);
    const res = await runLime(this.id, ctx, x, target, batching, settings, (i) => {
      let labels: Int32Array;
      let count: number;
      if (given) {
        labels = given.perExample ? given.ids.subarray(i * px, (i + 1) * px) : given.ids;
        count = 0;
        for (let p = 0; p < px; p++) count = Math.max(count, labels[p]! + 1);
      } else {
        let img: ArrayLike<number> = x.data.subarray(i * per, (i + 1) * per);
        if (g.layout === 'NCHW' && g.c > 1) {
          const hwc = new Float32Array(per);
          for (let p = 0; p < px; p++) for (let ch = 0; ch < g.c; ch++) hwc[p * g.c + ch] = img[ch * px + p]!;
          img = hwc;
        }
        ({ labels, count } = slic(img, g.h, g.w, g.c, options.slic));
      }
      segments.set(labels, i * px);
      segmentCounts[i] = count;
      return imageExample(x, i, g, labels, count, hide);
    });
    return { ...res, segments, segmentCounts };
  }
}

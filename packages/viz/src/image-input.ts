/**
 * Reading one example's attribution or image tensor into 2-D maps, for the image pictures.
 * Shapes: [H, W], [H, W, C] ('NHWC'), [C, H, W] ('NCHW'), each optionally with a leading batch
 * dimension of 1. Non-finite values throw NumericError; other shapes throw ShapeError.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';

export type ImageLayout = 'NHWC' | 'NCHW';

export interface ChannelMaps {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  /** Channel sum per pixel, row-major [H * W]. */
  readonly sum: Float64Array;
  /** Read channel k of pixel i. */
  at(i: number, k: number): number;
}

export function checkFinite(t: Tensor, what: string): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i]!)) throw new NumericError(`${what} contains a non-finite value at index ${i}`);
  }
}

/** Interpret `t` as one example's [H, W] / [H, W, C] / [C, H, W] tensor. */
export function toMaps(t: Tensor, layout: ImageLayout, what: string): ChannelMaps {
  if (layout !== 'NHWC' && layout !== 'NCHW') {
    throw new InvalidArgumentError(`layout must be 'NHWC' or 'NCHW', got ${String(layout)}`);
  }
  checkFinite(t, what);
  let s = [...t.shape];
  if (s.length === 4 && s[0] === 1) s = s.slice(1);
  let h: number;
  let w: number;
  let c: number;
  let at: (i: number, k: number) => number;
  if (s.length === 2) {
    [h, w, c] = [s[0]!, s[1]!, 1];
    at = (i) => t.data[i]!;
  } else if (s.length === 3) {
    if (layout === 'NHWC') {
      [h, w, c] = [s[0]!, s[1]!, s[2]!];
      const cc = c;
      at = (i, k) => t.data[i * cc + k]!;
    } else {
      [c, h, w] = [s[0]!, s[1]!, s[2]!];
      const plane = h * w;
      at = (i, k) => t.data[k * plane + i]!;
    }
  } else {
    throw new ShapeError(
      `${what} must have shape [H, W], [H, W, C] or [C, H, W] (one example); got [${t.shape.join(', ')}]`,
    );
  }
  if (h === 0 || w === 0 || c === 0) throw new ShapeError(`${what} has an empty dimension: [${t.shape.join(', ')}]`);
  const sum = new Float64Array(h * w);
  for (let i = 0; i < h * w; i++) {
    let acc = 0;
    for (let k = 0; k < c; k++) acc += at(i, k);
    sum[i] = acc;
  }
  return { h, w, c, sum, at };
}

export interface RgbImage {
  readonly h: number;
  readonly w: number;
  /** RGB in [0, 1], row-major [H * W * 3]. */
  readonly rgb: Float64Array;
}

/**
 * The image as RGB in [0, 1]: 1 channel -> gray, 3 or 4 channels -> RGB (alpha ignored), other
 * channel counts -> the channel mean as gray. Range 'auto': [0, 1] if every value fits, else
 * [0, 255] if every value fits, else min–max.
 */
export function toRgbImage(image: Tensor, layout: ImageLayout, range: 'auto' | readonly [number, number]): RgbImage {
  const m = toMaps(image, layout, 'image');
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of image.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  let r0: number;
  let r1: number;
  if (range === 'auto') {
    if (lo >= 0 && hi <= 1) [r0, r1] = [0, 1];
    else if (lo >= 0 && hi <= 255) [r0, r1] = [0, 255];
    else [r0, r1] = [lo, hi];
  } else {
    [r0, r1] = [range[0], range[1]];
    if (!(r1 > r0)) throw new InvalidArgumentError(`imageRange must be [lo, hi] with hi > lo, got [${r0}, ${r1}]`);
  }
  const span = r1 > r0 ? r1 - r0 : 1;
  const norm = (v: number) => Math.min(1, Math.max(0, (v - r0) / span));
  const rgb = new Float64Array(m.h * m.w * 3);
  for (let i = 0; i < m.h * m.w; i++) {
    if (m.c === 3 || m.c === 4) {
      for (let k = 0; k < 3; k++) rgb[i * 3 + k] = norm(m.at(i, k));
    } else {
      const g = norm(m.sum[i]! / m.c);
      rgb[i * 3] = g;
      rgb[i * 3 + 1] = g;
      rgb[i * 3 + 2] = g;
    }
  }
  return { h: m.h, w: m.w, rgb };
}

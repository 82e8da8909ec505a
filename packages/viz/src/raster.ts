/**
 * RGBA rasters (8 bits per channel, row-major) and PNG encoding through fast-png. Pure and
 * platform-neutral: works in Node and in browsers.
 */
import { InvalidArgumentError } from '@glasswing/core';
import { encode } from 'fast-png';

export interface Raster {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  readonly data: Uint8Array;
}

export type Rgba = readonly [number, number, number, number];
export type Rgb = readonly [number, number, number];

export const WHITE: Rgba = [255, 255, 255, 255];
export const TRANSPARENT: Rgba = [0, 0, 0, 0];
export const INK: Rgb = [30, 30, 30];

export function createRaster(width: number, height: number, fill: Rgba = WHITE): Raster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InvalidArgumentError(`raster size must be positive integers, got ${width}x${height}`);
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(fill, i);
  return { width, height, data };
}

export function setPixel(r: Raster, x: number, y: number, c: Rgb | Rgba): void {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  const o = (y * r.width + x) * 4;
  r.data[o] = c[0];
  r.data[o + 1] = c[1];
  r.data[o + 2] = c[2];
  r.data[o + 3] = c.length === 4 ? c[3] : 255;
}

export function getPixel(r: Raster, x: number, y: number): [number, number, number, number] {
  const o = (y * r.width + x) * 4;
  return [r.data[o]!, r.data[o + 1]!, r.data[o + 2]!, r.data[o + 3]!];
}

export function fillRect(r: Raster, x: number, y: number, w: number, h: number, c: Rgb | Rgba): void {
  for (let yy = Math.max(0, y); yy < Math.min(r.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(r.width, x + w); xx++) setPixel(r, xx, yy, c);
  }
}

/** Copy `src` into `dst` with its top-left corner at (x, y) (no blending; clipped at the edges). */
export function blit(dst: Raster, src: Raster, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    for (let sx = 0; sx < src.width; sx++) {
      const dx = x + sx;
      if (dx < 0 || dx >= dst.width) continue;
      const so = (sy * src.width + sx) * 4;
      dst.data.set(src.data.subarray(so, so + 4), (dy * dst.width + dx) * 4);
    }
  }
}

/** Nearest-neighbour upscaling by an integer factor. */
export function upscale(src: Raster, k: number): Raster {
  if (k === 1) return src;
  const out = createRaster(src.width * k, src.height * k);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const so = (Math.floor(y / k) * src.width + Math.floor(x / k)) * 4;
      out.data.set(src.data.subarray(so, so + 4), (y * out.width + x) * 4);
    }
  }
  return out;
}

/** Integer factor so the longer side reaches at least `minSize` pixels. */
export function upscaleFactor(h: number, w: number, minSize: number): number {
  return Math.max(1, Math.ceil(minSize / Math.max(1, h, w)));
}

/** Composite every pixel over an opaque background (alpha becomes 255). */
export function flatten(src: Raster, bg: Rgb = [255, 255, 255]): Raster {
  const out = createRaster(src.width, src.height);
  for (let i = 0; i < src.data.length; i += 4) {
    const a = src.data[i + 3]! / 255;
    for (let k = 0; k < 3; k++) out.data[i + k] = Math.round(a * src.data[i + k]! + (1 - a) * bg[k]!);
  }
  return out;
}

/** Encode as PNG (RGBA, 8 bit); `text` becomes tEXt chunks. */
export function encodeRasterPng(r: Raster, text: Record<string, string> = {}): Uint8Array {
  return encode({
    width: r.width,
    height: r.height,
    data: r.data,
    channels: 4,
    depth: 8,
    text: { Software: 'glasswing', ...text },
  });
}

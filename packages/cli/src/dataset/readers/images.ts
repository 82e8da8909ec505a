/**
 * Image-folder datasets: every .png / .jpg / .jpeg file under the folder (subfolders included),
 * in sorted path order; the record id is the path relative to the folder. Each image is decoded
 * (PNG: fast-png, JPEG: jpeg-js), converted to the model's channel count (1: mean of R, G, B;
 * 3: RGB; alpha dropped), resized bilinearly to the model's H × W, scaled to [0, 1] and laid out
 * as the model's input (NHWC or NCHW). Only the rows asked for are decoded.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InvalidArgumentError } from '@glasswing/core';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { CliError } from '../../files.js';
import type { DatasetReader, ImageTarget } from './types.js';

const IMAGE = /\.(png|jpe?g)$/i;

export function listImages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      throw new CliError(`cannot read image folder '${d}': ${(err as { code?: string }).code === 'ENOENT' ? 'no such folder' : String(err)}`);
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (IMAGE.test(e.name)) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** An image as RGB floats in [0, 1], [h, w, 3]. */
export interface Rgb {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export function decodeImage(bytes: Uint8Array, name: string): Rgb {
  if (/\.png$/i.test(name)) {
    const png = decodePng(bytes);
    const { width, height, channels } = png;
    const max = png.depth === 16 ? 65535 : png.depth === 8 || png.palette ? 255 : 2 ** png.depth - 1;
    const out = new Float32Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        let v: number;
        if (png.palette) v = png.palette[png.data[p]!]![c]! / 255;
        else {
          const src = channels >= 3 ? c : 0; // grey (+alpha) repeats its one colour channel
          v = png.data[p * channels + src]! / max;
        }
        out[p * 3 + c] = v;
      }
    }
    return { width, height, data: out };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
  const out = new Float32Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * 4 + c]! / 255;
  return { width: img.width, height: img.height, data: out };
}

/** Bilinear resize (align-corners false, like most image libraries) of an RGB image to h × w. */
export function resizeRgb(img: Rgb, h: number, w: number): Float32Array {
  if (img.height === h && img.width === w) return img.data;
  const out = new Float32Array(h * w * 3);
  const sy = img.height / h;
  const sx = img.width / w;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => img.data[(yy * img.width + xx) * 3 + c]!;
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * w + x) * 3 + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** H, W, C of the model input for `target`. */
export function imageGeometry(target: ImageTarget): { h: number; w: number; c: number } {
  const s = target.inputShape;
  if (s.length !== 3) throw new InvalidArgumentError(`image folders need a model with a [H, W, C] or [C, H, W] input; this model's input is [${s.join(', ')}]`);
  const [h, w, c] = target.layout === 'NHWC' ? [s[0]!, s[1]!, s[2]!] : [s[1]!, s[2]!, s[0]!];
  if (c !== 1 && c !== 3) throw new InvalidArgumentError(`image folders need 1 or 3 input channels; this model has ${c}`);
  return { h, w, c };
}

/** Lay out resized RGB [h, w, 3] as the model input (c channels, NHWC or NCHW) into `out` at `offset`. */
export function toModelLayout(rgb: Float32Array, h: number, w: number, c: number, layout: 'NHWC' | 'NCHW', out: Float32Array, offset: number): void {
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < c; k++) {
      const v = c === 1 ? (rgb[p * 3]! + rgb[p * 3 + 1]! + rgb[p * 3 + 2]!) / 3 : rgb[p * 3 + k]!;
      out[offset + (layout === 'NHWC' ? p * c + k : k * h * w + p)] = v;
    }
  }
}

export async function openImages(dir: string, target?: ImageTarget): Promise<DatasetReader> {
  const files = listImages(dir);
  if (files.length === 0) throw new InvalidArgumentError(`image folder '${dir}' holds no .png / .jpg / .jpeg files`);
  const geom = target ? imageGeometry(target) : undefined;
  return {
    format: 'images',
    rows: files.length,
    rowShape: target ? [...target.inputShape] : [],
    async read(start, end) {
      if (!geom || !target) throw new InvalidArgumentError('reading an image folder needs the model input shape');
      const size = geom.h * geom.w * geom.c;
      const data = new Float32Array(Math.max(0, end - start) * size);
      const ids = files.slice(start, end);
      for (let i = 0; i < ids.length; i++) {
        const name = ids[i]!;
        let img: Rgb;
        try {
          img = decodeImage(await readFile(join(dir, name)), name);
        } catch (err) {
          throw new InvalidArgumentError(`image '${name}' cannot be decoded: ${err instanceof Error ? err.message : String(err)}`);
        }
        toModelLayout(resizeRgb(img, geom.h, geom.w), geom.h, geom.w, geom.c, target.layout, data, i * size);
      }
      return { ids, data };
    },
    async close() {},
  };
}

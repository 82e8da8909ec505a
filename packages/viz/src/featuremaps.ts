/**
 * Feature-map grids for convolution layers (PNG): one tile per channel of one example's
 * activation, coloured with the sequential map, channel index above each tile and a colour bar
 * below. Activations may be [N, C, H, W] ('NCHW') or [N, H, W, C] ('NHWC'), or one example
 * without the batch dimension.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { colorBarLayout, drawColorBar } from './colorbar.js';
import { bitmapFont, drawLabels, placeLine } from './labels.js';
import { createRaster, encodeRasterPng, fillRect } from './raster.js';
import type { Raster } from './raster.js';
import { sequentialColor } from './sequential.js';

export interface FeatureMapOptions {
  readonly layout?: 'NCHW' | 'NHWC';
  /** Which example of a batch (default 0). */
  readonly example?: number;
  /** Channels drawn (default 64; the first ones). */
  readonly maxMaps?: number;
  /** Tiles per row (default ceil(sqrt(maps))). */
  readonly columns?: number;
  /** Minimum tile size in pixels (default 48). */
  readonly minTile?: number;
  /** 'shared' (default): one colour scale for all maps, labelled in activation units; 'per-map': each map min–max. */
  readonly normalize?: 'shared' | 'per-map';
}

/** The grid raster (see the module comment). */
export function featureMapGrid(activation: Tensor, options: FeatureMapOptions = {}): Raster {
  const layout = options.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC') throw new InvalidArgumentError(`layout must be 'NCHW' or 'NHWC', got ${String(layout)}`);
  let s = [...activation.shape];
  let offset = 0;
  if (s.length === 4) {
    const e = options.example ?? 0;
    if (!Number.isInteger(e) || e < 0 || e >= s[0]!) throw new InvalidArgumentError(`example ${e} is out of range for batch ${s[0]}`);
    s = s.slice(1);
    offset = e * s[0]! * s[1]! * s[2]!;
  } else if (s.length !== 3) {
    throw new ShapeError(`feature maps need [N, C, H, W], [N, H, W, C] or one example of rank 3; got [${activation.shape.join(', ')}]`);
  }
  const [c, h, w] = layout === 'NCHW' ? [s[0]!, s[1]!, s[2]!] : [s[2]!, s[0]!, s[1]!];
  if (c === 0 || h === 0 || w === 0) throw new ShapeError(`activation has an empty dimension: [${activation.shape.join(', ')}]`);
  const at = (k: number, y: number, x: number) =>
    activation.data[offset + (layout === 'NCHW' ? (k * h + y) * w + x : (y * w + x) * c + k)]!;
  const maps = Math.min(c, options.maxMaps ?? 64);
  const cols = options.columns ?? Math.ceil(Math.sqrt(maps));
  if (!Number.isInteger(cols) || cols < 1) throw new InvalidArgumentError(`columns must be a positive integer, got ${cols}`);
  const ranges: [number, number][] = [];
  for (let k = 0; k < maps; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const v = at(k, y, x);
      if (!Number.isFinite(v)) throw new NumericError(`activation has a non-finite value in channel ${k}`);
      [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    ranges.push([lo, hi]);
  }
  const shared: [number, number] = [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
  const perMap = options.normalize === 'per-map';
  const k = Math.max(1, Math.ceil((options.minTile ?? 48) / Math.max(h, w)));
  const tw = w * k;
  const th = h * k;
  const font = bitmapFont(1);
  const labelH = font.height + 2;
  const gap = 4;
  const rows = Math.ceil(maps / cols);
  const gridW = cols * (tw + gap) + gap;
  const width = Math.max(gridW, 120);
  const spec = perMap
    ? { colormap: 'sequential' as const, min: 0, max: 1, label: 'each map scaled min–max', tickLabels: ['min', 'max'] }
    : { colormap: 'sequential' as const, min: shared[0], max: shared[1], label: 'activation' };
  const by = rows * (th + labelH + gap) + gap + 4;
  const bar = colorBarLayout(spec, 2, by, width - 4, { font });
  const out = createRaster(width, by + bar.bounds.height + 4);
  for (let m = 0; m < maps; m++) {
    const [lo, hi] = perMap ? ranges[m]! : shared;
    const x0 = gap + (m % cols) * (tw + gap);
    const y0 = gap + Math.floor(m / cols) * (th + labelH + gap);
    const label = placeLine(String(m), { x: x0, y: y0, width: tw, height: labelH }, y0, font, 'tile', 'middle');
    if (label) drawLabels(out, [label], [60, 60, 60]);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const v = hi > lo ? (at(m, y, x) - lo) / (hi - lo) : 0;
      fillRect(out, x0 + x * k, y0 + labelH + y * k, k, k, sequentialColor(v));
    }
  }
  drawColorBar(out, spec, 2, by, width - 4);
  return out;
}

/** PNG bytes of `featureMapGrid` (tEXt chunk Layout). */
export function featureMapGridPng(activation: Tensor, options: FeatureMapOptions = {}): Uint8Array {
  const r = featureMapGrid(activation, options);
  return encodeRasterPng(r, { Layout: options.layout ?? 'NCHW' });
}

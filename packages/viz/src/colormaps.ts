/**
 * Named colour maps. 'diverging' takes values in [-1, 1] (blue – white – red-orange); the
 * sequential maps take values in [0, 1]: 'sequential' (dark violet – yellow, lightness rising),
 * 'positive' (white – red-orange, the positive half of the diverging map) and 'negative'
 * (white – blue, its negative half), 'gray' (black – white, OKLab lightness = v). All are straight lines or resampled polylines in OKLab.
 */
import { InvalidArgumentError } from '@glasswing/core';
import { divergingColor, oklabToRgb8 } from './colormap.js';
import type { Rgb } from './colormap.js';
import { sequentialColor } from './sequential.js';

export type ColorMapName = 'diverging' | 'sequential' | 'positive' | 'negative' | 'gray';

export const COLOR_MAPS: readonly ColorMapName[] = ['diverging', 'sequential', 'positive', 'negative', 'gray'];

/** The value range a map takes: [-1, 1] for 'diverging', [0, 1] for the others. */
export function colorMapDomain(name: ColorMapName): readonly [number, number] {
  return name === 'diverging' ? [-1, 1] : [0, 1];
}

export function checkColorMap(name: string): ColorMapName {
  if (!(COLOR_MAPS as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`unknown colour map '${name}': expected one of ${COLOR_MAPS.join(', ')}`);
  }
  return name as ColorMapName;
}

/** Colour of value v under the named map (v clipped to the map's domain; NaN -> 0). */
export function colorMapColor(name: ColorMapName, v: number): Rgb {
  const x = Number.isNaN(v) ? 0 : v;
  switch (name) {
    case 'diverging':
      return divergingColor(x);
    case 'sequential':
      return sequentialColor(x);
    case 'positive':
      return divergingColor(Math.min(1, Math.max(0, x)));
    case 'negative':
      return divergingColor(-Math.min(1, Math.max(0, x)));
    case 'gray':
      return oklabToRgb8([Math.min(1, Math.max(0, x)), 0, 0]);
    default:
      throw new InvalidArgumentError(`unknown colour map '${String(name)}'`);
  }
}

import { describe, expect, it } from 'vitest';
import { enforceConnectivity, slic } from './slic.js';
import { createRng } from '../../../random/prng.js';
import { InvalidArgumentError } from '../../../errors.js';

/** H × W × 3 image of four flat-coloured quadrants plus a little seeded noise. */
function quadrants(h: number, w: number, noise = 0.02): Float32Array {
  const colours = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 0],
  ];
  const rng = createRng(3);
  const img = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
      for (let c = 0; c < 3; c++) img[(y * w + x) * 3 + c] = colours[q]![c]! + noise * rng.normal();
    }
  }
  return img;
}

function components(labels: Int32Array, h: number, w: number, label: number): number {
  const seen = new Uint8Array(h * w);
  let count = 0;
  for (let s = 0; s < h * w; s++) {
    if (labels[s] !== label || seen[s]) continue;
    count++;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const y = Math.floor(p / w), x = p % w;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q >= 0 && !seen[q] && labels[q] === label) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
  }
  return count;
}

describe('SLIC superpixels', () => {
  const h = 40, w = 48;
  const img = quadrants(h, w);

  it('segments never cross the quadrant boundaries, are connected and roughly equal in size', () => {
    const { labels, count } = slic(img, h, w, 3, { nSegments: 16 });
    expect(count).toBeGreaterThanOrEqual(8);
    expect(count).toBeLessThanOrEqual(32);
    const quadrantOf = new Map<number, Set<number>>();
    const sizes = new Array<number>(count).fill(0);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const l = labels[y * w + x]!;
        expect(l).toBeGreaterThanOrEqual(0);
        expect(l).toBeLessThan(count);
        sizes[l]!++;
        const q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
        if (!quadrantOf.has(l)) quadrantOf.set(l, new Set());
        quadrantOf.get(l)!.add(q);
      }
    }
    for (const [, qs] of quadrantOf) expect(qs.size).toBe(1);
    for (let l = 0; l < count; l++) expect(components(labels, h, w, l)).toBe(1);
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeLessThan(4);
  });

  it('on a flat image gives a regular grid; deterministic; channels-last offset', () => {
    const flat = new Float32Array(10 + 30 * 30).fill(0.5);
    const a = slic(flat, 30, 30, 1, { nSegments: 9 }, 10);
    expect(a.count).toBe(9);
    const sizes = new Array<number>(9).fill(0);
    for (const l of a.labels) sizes[l]!++;
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(70);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(130);
    expect(Array.from(slic(flat, 30, 30, 1, { nSegments: 9 }, 10).labels)).toEqual(Array.from(a.labels));
  });

  it('enforceConnectivity splits disconnected labels and merges tiny islands', () => {
    // label 0 in two separate pieces, one single pixel of label 1 inside label 2.
    const labels = Int32Array.from([0, 1, 0, 2, 2, 2, 2, 2, 2]);
    const r = enforceConnectivity(labels, 3, 3, 0);
    expect(r.count).toBe(4);
    const merged = enforceConnectivity(labels, 3, 3, 2);
    // singletons (0 at 0 has no earlier neighbour, so it stays) merge into their left neighbour
    expect(Array.from(merged.labels)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(merged.count).toBe(2);
  });

  it('rejects bad arguments', () => {
    expect(() => slic(img, h, w, 3, { nSegments: 0 })).toThrow(InvalidArgumentError);
    expect(() => slic(img, h, w, 3, { compactness: -1 })).toThrow(InvalidArgumentError);
    expect(() => slic(img, h + 1, w, 3)).toThrow(InvalidArgumentError);
    expect(() => slic([Number.NaN], 1, 1, 1)).toThrow(InvalidArgumentError);
  });
});

import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);

describe('reference sum', () => {
  // x[i][j][l] = 100 i + 10 j + l, shape [2, 3, 4]
  const vals: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let l = 0; l < 4; l++) vals.push(100 * i + 10 * j + l);
  const x = t(vals, [2, 3, 4]);

  it('over all axes -> scalar (or [1,1,1] with keepDims)', () => {
    const total = vals.reduce((a, b) => a + b, 0);
    const s = k.sum(x, [0, 1, 2], false);
    expect(s.shape).toEqual([]);
    expect(arr(s)).toEqual([total]);
    expect(k.sum(x, [2, 0, 1], true).shape).toEqual([1, 1, 1]);
  });
  it('over the middle axis', () => {
    const s = k.sum(x, [1], false);
    expect(s.shape).toEqual([2, 4]);
    // sum_j (100 i + 10 j + l) = 300 i + 30 + 3 l
    expect(arr(s)).toEqual([30, 33, 36, 39, 330, 333, 336, 339]);
    expect(k.sum(x, [1], true).shape).toEqual([2, 1, 4]);
  });
  it('over the last axis and over a negative axis', () => {
    const s = k.sum(x, [-1], false);
    expect(s.shape).toEqual([2, 3]);
    // sum_l = 4(100 i + 10 j) + 6
    expect(arr(s)).toEqual([6, 46, 86, 406, 446, 486]);
  });
  it('over the first and last axes (non-contiguous reduction)', () => {
    const s = k.sum(x, [0, 2], true);
    expect(s.shape).toEqual([1, 3, 1]);
    // sum_{i,l} = 4*100 + 8*10 j + 2*6
    expect(arr(s)).toEqual([412, 492, 572]);
  });
  it('with no axes is a copy', () => {
    const s = k.sum(x, [], false);
    expect(s.shape).toEqual([2, 3, 4]);
    expect(arr(s)).toEqual(vals);
    expect(s.data).not.toBe(x.data);
  });
  it('of a scalar and of an empty tensor', () => {
    expect(arr(k.sum(t([5], []), [], false))).toEqual([5]);
    const e = k.sum(t([], [0, 3]), [0], false);
    expect(e.shape).toEqual([3]);
    expect(arr(e)).toEqual([0, 0, 0]);
  });
  it('rejects bad axes with ShapeError', () => {
    expect(() => k.sum(x, [3], false)).toThrow(ShapeError);
    expect(() => k.sum(x, [1, -2], false)).toThrow(/repeated/);
  });
});

describe('reference softmax', () => {
  it('matches the definition on the last axis', () => {
    const s = arr(k.softmax(t([1, 2, 3, 0, 0, 0], [2, 3]), -1));
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1 / 3, 1 / 3, 1 / 3].forEach((v, i) => expect(s[i]).toBeCloseTo(v, 6));
  });
  it('works over a non-last axis', () => {
    // columns of [[0, 1], [ln 3, 1]] -> [[1/4, 1/2], [3/4, 1/2]]
    const s = arr(k.softmax(t([0, 1, Math.log(3), 1], [2, 2]), 0));
    [0.25, 0.5, 0.75, 0.5].forEach((v, i) => expect(s[i]).toBeCloseTo(v, 6));
  });
  it('is numerically stable for large logits', () => {
    const s = arr(k.softmax(t([1000, 1001, -1000], [3]), 0));
    expect(s.every(Number.isFinite)).toBe(true);
    expect(s[0]).toBeCloseTo(1 / (1 + Math.E), 6);
    expect(s[1]).toBeCloseTo(Math.E / (1 + Math.E), 6);
    expect(s[2]).toBe(0);
  });
  it('rejects an out-of-range axis', () => {
    expect(() => k.softmax(t([1, 2], [2]), 1)).toThrow(ShapeError);
  });
});

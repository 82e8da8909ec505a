/** The fused Clip kernels: clip (min(max(x, lo), hi)) and clipBackprop (dy inside [lo, hi], else 0). */
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt } from './util.js';

function checkBounds(lo: number, hi: number, what: string): void {
  if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
    throw new InvalidArgumentError(`${what}: bounds must be numbers with lo <= hi, got ${String(lo)} and ${String(hi)}`);
  }
}

export function clip(x: Tensor, lo: number, hi: number): Tensor {
  checkTensor(x, 'clip');
  checkBounds(lo, hi, 'clip');
  const a = x.data;
  const o = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    o[i] = v < lo ? lo : v > hi ? hi : v; // NaN stays NaN, as composed
  }
  return { shape: [...x.shape], data: o };
}

export function clipBackprop(dy: Tensor, x: Tensor, lo: number, hi: number): Tensor {
  checkTensor(dy, 'clipBackprop');
  checkTensor(x, 'clipBackprop');
  checkBounds(lo, hi, 'clipBackprop');
  if (fmt(dy.shape) !== fmt(x.shape)) throw new ShapeError(`clipBackprop: dy ${fmt(dy.shape)} and x ${fmt(x.shape)} differ in shape`);
  const a = x.data;
  const g = dy.data;
  const o = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    o[i] = v < lo || v > hi ? 0 : g[i]!;
  }
  return { shape: [...x.shape], data: o };
}

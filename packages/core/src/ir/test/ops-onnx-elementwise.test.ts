import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../reference/index.js';
import type { Tensor } from '../../tensor.js';
import { OPS, ELEMENTWISE_UNARY } from '../ops/index.js';
import { checkVjp, expectClose, mkNode, randomTensor, runOp, t } from './helpers.js';

const vals = (x: Tensor, f: (v: number) => number): number[] => Array.from(x.data, f);
/** Inputs in [lo, hi) with random signs: bounded away from 0. */
function awayFromZero(shape: number[], seed: number, lo = 0.3, hi = 1.5): Tensor {
  const x = randomTensor(shape, seed, lo, hi);
  const s = randomTensor(shape, seed + 1000);
  x.data.forEach((v, i) => (x.data[i] = s.data[i]! < 0 ? -v : v));
  return x;
}

describe('simple unary ops', () => {
  const x = t([-2, -0.5, 0.25, 1, 3], [5]);
  const pos = t([0.25, 1, 2, 9], [4]);
  it('Exp / Log / Sqrt / Neg / Abs forward match Math and VJPs match FD', () => {
    expectClose(runOp('Exp', [x]), vals(x, Math.exp));
    expectClose(runOp('Log', [pos]), vals(pos, Math.log));
    expectClose(runOp('Sqrt', [pos]), [0.5, 1, Math.SQRT2, 3]);
    expectClose(runOp('Neg', [x]), [2, 0.5, -0.25, -1, -3]);
    expectClose(runOp('Abs', [x]), [2, 0.5, 0.25, 1, 3]);
    checkVjp('Exp', [randomTensor([3, 4], 1, -2, 2)]);
    checkVjp('Log', [randomTensor([3, 4], 2, 0.5, 3)]);
    checkVjp('Sqrt', [randomTensor([3, 4], 3, 0.5, 3)]);
    checkVjp('Neg', [randomTensor([3, 4], 4)]);
    checkVjp('Abs', [awayFromZero([3, 4], 5)]);
  });
  it('Abs has gradient 0 at exactly 0 (PyTorch)', () => {
    const node = mkNode('Abs', 1);
    const z = t([0, 2, -2], [3]);
    const [g] = OPS.Abs.vjp(referenceKernels, [z], [z], [t([1, 1, 1], [3])], node);
    expect(Array.from(g!.data)).toEqual([0, 1, -1]);
  });
  it('Erf forward matches tabulated values; VJP vs FD', () => {
    expectClose(runOp('Erf', [t([0, 0.5, -1, 2], [4])]), [0, 0.5204998778130465, -0.8427007929497149, 0.9953222650189527], 1e-7);
    checkVjp('Erf', [randomTensor([3, 4], 6, -2, 2)]);
  });
  it('Cast to float (to = 1 or absent) is the identity; any other type is unsupported', () => {
    expectClose(runOp('Cast', [x], { to: 1 }), Array.from(x.data));
    expectClose(runOp('Cast', [x]), Array.from(x.data));
    checkVjp('Cast', [x], { to: 1 });
    expect(() => runOp('Cast', [x], { to: 7 })).toThrow(/float32/);
    expect(() => OPS.Cast.inferShapes([[2]], mkNode('Cast', 1, { to: 6 }))).toThrow(/to = 6/);
  });
  it('the single-input element-wise ops admit identity/secant rules', () => {
    for (const op of ['Clip', 'Erf', 'Gelu', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Cast'] as const) {
      expect(ELEMENTWISE_UNARY.has(op)).toBe(true);
    }
    expect(ELEMENTWISE_UNARY.has('Pow')).toBe(false);
    expect(ELEMENTWISE_UNARY.has('LogSoftmax')).toBe(false);
  });
});

describe('Gelu', () => {
  const xs = [-3, -1, -0.2, 0, 0.5, 1.3, 4];
  const x = t(xs, [7]);
  it("'none' (default) is x·Φ(x) with Φ from erf", () => {
    const phi = (v: number) => 0.5 * (1 + erfRef(v / Math.SQRT2));
    expectClose(runOp('Gelu', [x]), xs.map((v) => v * phi(v)), 1e-6);
    expectClose(runOp('Gelu', [x], { approximate: 'none' }), xs.map((v) => v * phi(v)), 1e-6);
    checkVjp('Gelu', [randomTensor([3, 5], 7, -3, 3)]);
  });
  it("'tanh' is the tanh formula", () => {
    const f = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expectClose(runOp('Gelu', [x], { approximate: 'tanh' }), xs.map(f), 1e-6);
    checkVjp('Gelu', [randomTensor([3, 5], 8, -3, 3)], { approximate: 'tanh' });
  });
  it('rejects an unknown approximation', () => {
    expect(() => OPS.Gelu.inferShapes([[2]], mkNode('Gelu', 1, { approximate: 'fast' }))).toThrow(/approximate/);
  });
});

/** erf by Simpson's rule on 2/√π e^(−t²) (independent of the kernel). */
function erfRef(v: number): number {
  const n = 2000;
  const h = v / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * Math.exp(-((i * h) ** 2));
  }
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

describe('Clip', () => {
  it('clamps to [min, max]; either bound may be absent; exact inside', () => {
    const x = t([-3, -1, -0.3, 0, 0.7, 1, 2.5], [7]);
    expectClose(runOp('Clip', [x], { min: -1, max: 1 }), [-1, -1, -0.3, 0, 0.7, 1, 1], 1e-7);
    expectClose(runOp('Clip', [x], { min: 0 }), [0, 0, 0, 0, 0.7, 1, 2.5], 1e-7);
    expectClose(runOp('Clip', [x], { max: 0.5 }), [-3, -1, -0.3, 0, 0.5, 0.5, 0.5], 1e-7);
    expectClose(runOp('Clip', [x]), Array.from(x.data), 0);
    // y is bit-exactly x inside the interval
    const small = t([1e-7, 3.14159], [2]);
    expect(Array.from(runOp('Clip', [small], { min: 0, max: 6 }).data)).toEqual(Array.from(small.data));
  });
  it('gradient is 1 on the closed interval (at the boundaries too), 0 outside', () => {
    const x = t([-2, -1, 0, 1, 2], [5]);
    const [g] = OPS.Clip.vjp(referenceKernels, [x], [x], [t([1, 1, 1, 1, 1], [5])], mkNode('Clip', 1, { min: -1, max: 1 }));
    expect(Array.from(g!.data)).toEqual([0, 1, 1, 1, 0]);
    // away from the kinks, FD agrees
    const xr = randomTensor([4, 5], 9, -2, 2);
    xr.data.forEach((v, i) => (xr.data[i] = Math.abs(Math.abs(v) - 1) < 0.05 ? v + 0.1 : v));
    checkVjp('Clip', [xr], { min: -1, max: 1 });
    checkVjp('Clip', [xr], { min: 0.5 });
  });
  it('rejects non-numeric bounds', () => {
    expect(() => OPS.Clip.inferShapes([[2]], mkNode('Clip', 1, { min: 'a' }))).toThrow(/min/);
  });
  it('the fused clip / clipBackprop kernels give exactly the values composed from step masks', () => {
    // A kernel set without the optional fused kernels takes the composed path.
    const { clip: _c, clipBackprop: _b, ...composed } = referenceKernels;
    const x = randomTensor([3, 40], 4, -8, 8);
    // Values on the bounds and at zero exercise the closed interval; NaN passes (both ways).
    x.data.set([-1, 0, 6, 1, -0, 6.000001, -1.000001, NaN], 0);
    const dy = randomTensor([3, 40], 5, -2, 2);
    const cases: Record<string, number>[] = [{ min: 0, max: 6 }, { min: -1, max: 1 }, { min: 0 }, { max: 0.5 }, {}, { min: -Infinity, max: 6 }];
    for (const attrs of cases) {
      const node = mkNode('Clip', 1, attrs);
      const fused = OPS.Clip.forward(referenceKernels, [x], node)[0]!;
      const plain = OPS.Clip.forward(composed, [x], node)[0]!;
      // Equal up to the sign of zero (the composed selects add ±0 terms).
      expect(Array.from(fused.data, (v) => v + 0), JSON.stringify(attrs)).toEqual(Array.from(plain.data, (v) => v + 0));
      const gf = OPS.Clip.vjp(referenceKernels, [x], [fused], [dy], node)[0]!;
      const gp = OPS.Clip.vjp(composed, [x], [plain], [dy], node)[0]!;
      expect(Array.from(gf.data, (v) => v + 0), JSON.stringify(attrs)).toEqual(Array.from(gp.data, (v) => v + 0));
    }
    // min > max: every value becomes max (the fused kernels do not apply).
    expect(Array.from(runOp('Clip', [t([-5, 0, 5], [3])], { min: 2, max: 1 }).data)).toEqual([1, 1, 1]);
    expect(() => referenceKernels.clip!(x, 2, 1)).toThrow(/lo <= hi/);
  });
});

describe('Pow', () => {
  it('constant exponent (parameter): forward and VJP for the base', () => {
    const a = t([0.5, 1, 2, 3], [2, 2]);
    expectClose(runOp('Pow', [a, t([2], [1])]), [0.25, 1, 4, 9]);
    expectClose(runOp('Pow', [a, t([0.5, -1], [2])]), [Math.SQRT1_2, 1, Math.SQRT2, 1 / 3]);
    checkVjp('Pow', [randomTensor([3, 4], 10, 0.5, 2), t([3], [1])]);
    checkVjp('Pow', [randomTensor([3, 4], 11, 0.5, 2), randomTensor([4], 12, -1.5, 2.5)]);
    // integer exponent of negative bases
    checkVjp('Pow', [awayFromZero([3, 4], 13), t([3], [])]);
  });
  it('data exponent: VJP for both inputs (broadcast gradients reduced)', () => {
    checkVjp('Pow', [randomTensor([3, 4], 14, 0.5, 2), randomTensor([3, 4], 15, -1, 2)], {}, { wrt: [0, 1] });
    checkVjp('Pow', [randomTensor([4], 16, 0.5, 2), randomTensor([3, 1], 17, -1, 2)], {}, { wrt: [0, 1] });
  });
});

describe('LogSoftmax', () => {
  function naive(x: Tensor, axis: number): number[] {
    const inner = x.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const n = x.shape[axis]!;
    const outer = x.data.length / (n * inner);
    const out = new Array<number>(x.data.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const idx = (j: number) => (o * n + j) * inner + i;
        let m = -Infinity;
        for (let j = 0; j < n; j++) m = Math.max(m, x.data[idx(j)]!);
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.exp(x.data[idx(j)]! - m);
        for (let j = 0; j < n; j++) out[idx(j)] = x.data[idx(j)]! - m - Math.log(s);
      }
    return out;
  }
  it('matches the max-shifted definition on every axis (default −1); VJP vs FD', () => {
    const x = randomTensor([2, 3, 4], 18, -3, 3);
    expectClose(runOp('LogSoftmax', [x]), naive(x, 2));
    expectClose(runOp('LogSoftmax', [x], { axis: 1 }), naive(x, 1));
    expectClose(runOp('LogSoftmax', [x], { axis: 0 }), naive(x, 0));
    checkVjp('LogSoftmax', [x]);
    checkVjp('LogSoftmax', [x], { axis: 1 });
  });
  it('is finite and accurate for widely separated logits (no overflow/underflow)', () => {
    const x = t([200, 0, -150, 1000, 999, -1000], [2, 3]);
    const y = runOp('LogSoftmax', [x]);
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    expectClose(y, naive(x, 1), 1e-6);
  });
});

/**
 * DeepLIFT's MaxPool multipliers (Captum's `maxpool` rule, ir/secant.ts) by hand: with the
 * cross maximum m = max(y, y′), m − y′ goes to the window's first argmax in x, y − m to its first
 * argmax in the reference, both times the window's signal; each element's multiplier is what it
 * received (summed over overlapping windows) over its Δx, the plain gradient where Δx = 0.
 *
 * Hand-derived figures for the case, overlapping windows, ties, padding and ceil mode,
 * then a naive per-window loop of the same rule (independent of the kernels) on random data
 * with overlapping, padded windows in both layouts.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../reference-model.js';
import type { Tensor } from '../../tensor.js';
import type { Attrs, Layout } from '../../ir/graph.js';
import { expectClose, GraphBuilder, randomTensor } from '../../ir/test/helpers.js';
import { deepLiftComposite, resolveComposite } from '../composites.js';

const t = (data: readonly number[], shape: readonly number[]): Tensor => ({ shape: [...shape], data: Float32Array.from(data) });

/** Multipliers and attributions (x − x′)·m of one MaxPool node for upstream signal `seed`. */
async function pool(attrs: Attrs, x: Tensor, ref: Tensor, seed: Tensor) {
  const g = new GraphBuilder('x', [-1, ...x.shape.slice(1)]);
  const graph = g.build(g.add('MaxPool', ['x'], attrs, 'pool'));
  const rules = resolveComposite(deepLiftComposite('rescale'), graph);
  expect(rules['pool']?.vjp).toBe('secant');
  const r = await createReferenceModel(graph).gradient(x, { seed: { kind: 'tensor', seed }, rules, reference: ref });
  const m = Array.from(r.inputGradient.data);
  return { m, attr: m.map((v, i) => (x.data[i]! - ref.data[i]!) * v), y: r.outputs };
}

const row = (v: readonly number[]) => t(v, [1, 1, 1, v.length]);
const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);

describe('DeepLIFT MaxPool: Captum routing by hand', () => {
  it("the issue's case: x = (1, 3), x′ = (4, 0) gives (−1, 0), not (0, −1)", async () => {
    // y = 3, y′ = 4, m = 4: m − y′ = 0 to x's argmax (index 1), y − m = −1 to x′'s argmax (index 0).
    const { m, attr } = await pool({ kernel_shape: [1, 2], strides: [1, 2] }, row([1, 3]), row([4, 0]), row([1]));
    expectClose(t(m, [2]), [1 / 3, 0], 1e-7);
    expectClose(t(attr, [2]), [-1, 0], 1e-6);
  });

  it('the upstream multiplier scales each window', async () => {
    const { attr } = await pool({ kernel_shape: [1, 2], strides: [1, 2] }, row([1, 3, 5, 2]), row([4, 0, 1, 1]), row([2, -3]));
    // window 0 as above (×2); window 1: y = 5 > y′ = 1, Δy = 4 to x's argmax (index 2), ×(−3).
    expectClose(t(attr, [4]), [-2, 0, -12, 0], 1e-6);
  });

  it('overlapping 1-D windows accumulate at a shared winner', async () => {
    // Kernel 3, stride 1 on x = (1, 5, 2, 0, 1), x′ = (0, 1, 3, 4, 2); signal s = (1, 2, 3).
    // y = (5, 5, 2) argmax (1, 1, 2); y′ = (3, 4, 4) argmax (2, 3, 3); Δy = (2, 1, −2).
    // Index 1 receives 2·1 + 1·2 = 4 (Δx = 4); index 3 (x′'s argmax of window 2) receives −2·3 (Δx = −4).
    const { m, attr } = await pool({ kernel_shape: [1, 3], strides: [1, 1] }, row([1, 5, 2, 0, 1]), row([0, 1, 3, 4, 2]), row([1, 2, 3]));
    expectClose(t(m, [5]), [0, 1, 0, 1.5, 0], 1e-7);
    expectClose(t(attr, [5]), [0, 4, 0, -6, 0], 1e-6);
    expect(sum(attr)).toBeCloseTo(1 * 2 + 2 * 1 + 3 * -2, 6);
  });

  it('overlapping 2-D windows: the negative window goes to the reference argmax', async () => {
    // 2×2 windows, stride 1, on 3×3: x's centre (9) wins all four windows.
    const x = t([0, 1, 0, 2, 9, 3, 0, 4, 0], [1, 1, 3, 3]);
    const ref = t([5, 0, 0, 0, 1, 0, 0, 0, 12], [1, 1, 3, 3]);
    // y′ = (5, 1, 1, 12) at (0,0), centre, centre, (2,2): Δy = (4, 8, 8, −3).
    const { m, attr } = await pool({ kernel_shape: [2, 2], strides: [1, 1] }, x, ref, t([1, 1, 1, 1], [1, 1, 2, 2]));
    expectClose(t(attr, [9]), [0, 0, 0, 0, 20, 0, 0, 0, -3], 1e-5);
    expectClose(t(m, [9]), [0, 0, 0, 0, 20 / 8, 0, 0, 0, 0.25], 1e-7);
  });

  it('ties go to the first maximum, in x and in the reference', async () => {
    const p = { kernel_shape: [1, 2], strides: [1, 2] };
    // x ties: y = 2 at index 0 (first), y′ = 1: Δy = 1 to index 0 (Δx 1).
    expectClose(t((await pool(p, row([2, 2]), row([1, 0]), row([1]))).attr, [2]), [1, 0], 1e-6);
    // reference ties: y = 1, y′ = 3 at index 0 (first): Δy = −2 to index 0 (Δx −2).
    expectClose(t((await pool(p, row([1, 0]), row([3, 3]), row([1]))).attr, [2]), [-2, 0], 1e-6);
    // 2-D row-major: the reference's 2×2 window is all 3s, so its first element (0, 0) gets Δy = −2.
    const tie2 = await pool({ kernel_shape: [2, 2], strides: [2, 2] }, t([0, 1, 0, 0], [1, 1, 2, 2]), t([3, 3, 3, 3], [1, 1, 2, 2]), t([1], [1, 1, 1, 1]));
    expectClose(t(tie2.attr, [4]), [-2, 0, 0, 0], 1e-6);
  });

  it('an unchanged window (Δx = 0 everywhere) takes the plain gradient as multiplier', async () => {
    const { m, attr } = await pool({ kernel_shape: [1, 2], strides: [1, 2] }, row([1, 7, 4, 3]), row([1, 7, 0, 5]), row([2, 1]));
    // Window 0 is unchanged: multiplier = gradient (2 at x's argmax); window 1: Δy = −1 to index 3 (Δx −2).
    expectClose(t(m, [4]), [0, 2, 0, 0.5], 1e-7);
    expectClose(t(attr, [4]), [0, 0, 0, -1], 1e-6);
  });

  it('padding never wins a window (negative values), and ceil mode gives the same windows', async () => {
    // Windows [0, 1] and [2, pad]: window 1 has y = −5, y′ = −2: Δy = −3 to index 2 (Δx −3).
    const x = row([1, 3, -5]);
    const ref = row([4, 0, -2]);
    const padded = await pool({ kernel_shape: [1, 2], strides: [1, 2], pads: [0, 0, 0, 1] }, x, ref, row([1, 1]));
    expectClose(t(padded.attr, [3]), [-1, 0, -3], 1e-6);
    const ceil = await pool({ kernel_shape: [1, 2], strides: [1, 2], ceil_mode: 1 }, x, ref, row([1, 1]));
    expectClose(t(ceil.attr, [3]), [-1, 0, -3], 1e-6);
  });
});

/** Naive DeepLIFT max-pool multipliers (NCHW, one loop per window), as Captum's formula states. */
function naive(x: Tensor, ref: Tensor, seed: Tensor, k: [number, number], s: [number, number], pads: [number, number, number, number]): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = seed.shape.slice(2) as [number, number];
  const got = new Float64Array(x.data.length);
  const argmax = (v: Tensor, base: number, i0: number, j0: number) => {
    let best = -Infinity;
    let at = -1;
    for (let a = 0; a < k[0]; a++) {
      for (let b = 0; b < k[1]; b++) {
        const i = i0 + a;
        const j = j0 + b;
        if (i < 0 || j < 0 || i >= h || j >= w) continue;
        if (v.data[base + i * w + j]! > best) [best, at] = [v.data[base + i * w + j]!, base + i * w + j];
      }
    }
    return { best, at };
  };
  const grad = new Float64Array(x.data.length);
  for (let e = 0; e < n * c; e++) {
    for (let oi = 0; oi < oh; oi++) {
      for (let oj = 0; oj < ow; oj++) {
        const sig = seed.data[(e * oh + oi) * ow + oj]!;
        const i0 = oi * s[0] - pads[0];
        const j0 = oj * s[1] - pads[1];
        const mx = argmax(x, e * h * w, i0, j0);
        const mr = argmax(ref, e * h * w, i0, j0);
        const cross = Math.max(mx.best, mr.best);
        got[mx.at] += sig * (cross - mr.best);
        got[mr.at] += sig * (mx.best - cross);
        grad[mx.at] += sig;
      }
    }
  }
  return Array.from(got, (v, i) => {
    const dx = x.data[i]! - ref.data[i]!;
    return Math.abs(dx) > 1e-10 ? v / dx : grad[i]!;
  });
}

const toNhwc = (v: Tensor): Tensor => {
  const [n, c, h, w] = v.shape as [number, number, number, number];
  const out = new Float32Array(v.data.length);
  for (let e = 0; e < n; e++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[(e * h * w + i) * c + ch] = v.data[(e * c + ch) * h * w + i]!;
  return { shape: [n, h, w, c], data: out };
};

describe('DeepLIFT MaxPool: the rule against a naive per-window loop', () => {
  const cases: [string, [number, number], [number, number], [number, number, number, number], number][] = [
    ['3×3 stride 2 pad 1 (overlapping)', [3, 3], [2, 2], [1, 1, 1, 1], 0],
    ['2×2 stride 1 (overlapping)', [2, 2], [1, 1], [0, 0, 0, 0], 0],
    ['3×2 stride (2, 1), pads (1, 0, 0, 1)', [3, 2], [2, 1], [1, 0, 0, 1], 0],
    ['2×2 stride 2 ceil mode', [2, 2], [2, 2], [0, 0, 0, 0], 1],
  ];
  for (const [what, kernel, strides, pads, ceil] of cases) {
    for (const layout of ['NCHW', 'NHWC'] as Layout[]) {
      it(`${what}, ${layout}: equals the loop and Σ attributions = Σ s·Δy`, async () => {
        const x = randomTensor([2, 3, 7, 7], 101);
        const ref = randomTensor([2, 3, 7, 7], 102);
        const attrs: Attrs = { kernel_shape: kernel, strides, pads, ceil_mode: ceil, layout };
        const size = (d: number, a: 0 | 1) => {
          const span = d + pads[a] + pads[a + 2]! - kernel[a];
          let o = (ceil ? Math.ceil(span / strides[a]) : Math.floor(span / strides[a])) + 1;
          if (ceil && (o - 1) * strides[a] >= d + pads[a]) o -= 1;
          return o;
        };
        const seed = randomTensor([2, 3, size(7, 0), size(7, 1)], 103);
        const want = naive(x, ref, seed, kernel, strides, pads);
        const nhwc = layout === 'NHWC';
        const { m, attr, y } = await pool(attrs, nhwc ? toNhwc(x) : x, nhwc ? toNhwc(ref) : ref, nhwc ? toNhwc(seed) : seed);
        expectClose(t(m, [m.length]), nhwc ? Array.from(toNhwc(t(want, x.shape)).data) : want, 1e-5);
        const yr = (await pool(attrs, nhwc ? toNhwc(ref) : ref, nhwc ? toNhwc(ref) : ref, nhwc ? toNhwc(seed) : seed)).y;
        const sd = nhwc ? toNhwc(seed) : seed;
        const rhs = sum(Array.from(sd.data, (v, i) => v * (y.data[i]! - yr.data[i]!)));
        expect(Math.abs(sum(attr) - rhs)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(rhs)));
      });
    }
  }
});

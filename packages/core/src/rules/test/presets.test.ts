/**
 * Every LRP preset against an independent matrix-form implementation: the layer's dense matrix
 * M [out × in] (for conv the Toeplitz matrix built from unit inputs through a naive conv) and
 * its per-output bias, with the rule's relevance computed by hand formulas in float64.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../reference-model.js';
import type { Tensor } from '../../tensor.js';
import { expectClose, GraphBuilder, randomTensor } from '../../ir/test/helpers.js';
import { naiveConv } from '../../ir/test/naive.js';
import { alphaBeta, epsilon, flat, gamma, passThrough, wSquare, zBox, zPlus } from '../presets.js';
import type { Rule } from '../rule.js';

interface Layer {
  readonly name: string;
  readonly inShape: number[];
  readonly nIn: number;
  readonly nOut: number;
  /** M[j][i] */
  readonly M: number[][];
  /** Bias of output j (0 without bias). */
  readonly bias: number[];
  /** Which (j, i) are connected (for the flat rule). */
  readonly mask: number[][];
  build(): ReturnType<typeof createReferenceModel>;
}

function denseLayer(withBias: boolean, seed: number): Layer {
  const [nIn, nOut] = [5, 4];
  const W = randomTensor([nOut, nIn], seed);
  const b = randomTensor([nOut], seed + 1);
  const M = Array.from({ length: nOut }, (_, j) => Array.from({ length: nIn }, (_, i) => W.data[j * nIn + i]!));
  return {
    name: `dense${withBias ? '+bias' : ''}`,
    inShape: [nIn],
    nIn,
    nOut,
    M,
    bias: Array.from({ length: nOut }, (_, j) => (withBias ? b.data[j]! : 0)),
    mask: M.map((r) => r.map(() => 1)),
    build() {
      const g = new GraphBuilder('x', [-1, nIn]);
      const out = g.add('Gemm', ['x', g.init('W', W), ...(withBias ? [g.init('b', b)] : [])], { transB: 1 }, 'layer');
      return createReferenceModel(g.build(out));
    },
  };
}

function convLayer(withBias: boolean, seed: number, strides: [number, number] = [1, 1]): Layer {
  const [C, H, Wd, O] = [2, 4, 4, 3];
  const w = randomTensor([O, C, 3, 3], seed);
  const b = randomTensor([O], seed + 1);
  const opts = { pads: [1, 1, 1, 1] as [number, number, number, number], strides };
  const nIn = C * H * Wd;
  const probe = naiveConv({ shape: [1, C, H, Wd], data: new Float32Array(nIn) }, w, undefined, opts);
  const nOut = probe.data.length;
  const per = nOut / O;
  const M: number[][] = Array.from({ length: nOut }, () => new Array<number>(nIn).fill(0));
  const mask: number[][] = Array.from({ length: nOut }, () => new Array<number>(nIn).fill(0));
  const ones: Tensor = { shape: w.shape, data: new Float32Array(w.data.length).fill(1) };
  for (let i = 0; i < nIn; i++) {
    const e: Tensor = { shape: [1, C, H, Wd], data: new Float32Array(nIn) };
    e.data[i] = 1;
    const col = naiveConv(e, w, undefined, opts);
    const colMask = naiveConv(e, ones, undefined, opts);
    for (let j = 0; j < nOut; j++) {
      M[j]![i] = col.data[j]!;
      mask[j]![i] = colMask.data[j]!;
    }
  }
  return {
    name: `conv${withBias ? '+bias' : ''} stride ${strides[0]}`,
    inShape: [C, H, Wd],
    nIn,
    nOut,
    M,
    bias: Array.from({ length: nOut }, (_, j) => (withBias ? b.data[Math.floor(j / per)]! : 0)),
    mask,
    build() {
      const g = new GraphBuilder('x', [-1, C, H, Wd]);
      const out = g.add('Conv', ['x', g.init('w', w), ...(withBias ? [g.init('b', b)] : [])], { pads: [1, 1, 1, 1], strides }, 'layer');
      return createReferenceModel(g.build(out));
    },
  };
}

const pos = (v: number) => Math.max(v, 0);
const neg = (v: number) => Math.min(v, 0);
const stab = (z: number, eps: number) => {
  const d = z + eps * (z >= 0 ? 1 : -1);
  return d === 0 ? Infinity : d; // zero denominator → zero relevance
};

/** Generic grouped form: R_i = Σ_groups gw · Σ_j num_g(j, i) R_j / stab(Σ_i num_g(j, i) + bias_g(j)). */
function grouped(
  L: Layer,
  x: number[],
  R: number[],
  eps: number,
  groups: { weight: number; num: (j: number, i: number) => number; bias: (j: number) => number }[],
): number[] {
  const out = new Array<number>(L.nIn).fill(0);
  for (const g of groups) {
    for (let j = 0; j < L.nOut; j++) {
      let z = g.bias(j);
      for (let i = 0; i < L.nIn; i++) z += g.num(j, i);
      const s = R[j]! / stab(z, eps);
      for (let i = 0; i < L.nIn; i++) out[i]! += g.weight * g.num(j, i) * s;
    }
  }
  return out;
}

type Hand = (L: Layer, x: number[], R: number[]) => number[];

const LOW = -1.5;
const HIGH = 1.5;
const CASES: { rule: Rule; hand: Hand; positiveInput?: boolean }[] = [
  { rule: epsilon(0.05), hand: (L, x, R) => grouped(L, x, R, 0.05, [{ weight: 1, num: (j, i) => x[i]! * L.M[j]![i]!, bias: (j) => L.bias[j]! }]) },
  {
    rule: gamma(0.25, 0.01),
    positiveInput: true,
    hand: (L, x, R) =>
      grouped(L, x, R, 0.01, [
        { weight: 1, num: (j, i) => x[i]! * (L.M[j]![i]! + 0.25 * pos(L.M[j]![i]!)), bias: (j) => L.bias[j]! + 0.25 * pos(L.bias[j]!) },
      ]),
  },
  ...[
    [2, 1],
    [1, 0],
    [3, 2],
  ].map(([a, b]) => ({
    rule: alphaBeta(a!, b!),
    hand: ((L, x, R) =>
      grouped(L, x, R, 1e-6, [
        { weight: a!, num: (j, i) => pos(x[i]!) * pos(L.M[j]![i]!) + neg(x[i]!) * neg(L.M[j]![i]!), bias: (j) => pos(L.bias[j]!) },
        { weight: -b!, num: (j, i) => pos(x[i]!) * neg(L.M[j]![i]!) + neg(x[i]!) * pos(L.M[j]![i]!), bias: (j) => neg(L.bias[j]!) },
      ])) as Hand,
  })),
  {
    rule: zPlus(),
    hand: (L, x, R) =>
      grouped(L, x, R, 1e-6, [{ weight: 1, num: (j, i) => pos(x[i]!) * pos(L.M[j]![i]!) + neg(x[i]!) * neg(L.M[j]![i]!), bias: () => 0 }]),
  },
  {
    rule: zBox(LOW, HIGH),
    hand: (L, x, R) =>
      grouped(L, x, R, 1e-6, [{ weight: 1, num: (j, i) => x[i]! * L.M[j]![i]! - LOW * pos(L.M[j]![i]!) - HIGH * neg(L.M[j]![i]!), bias: () => 0 }]),
  },
  { rule: flat(), hand: (L, x, R) => grouped(L, x, R, 0, [{ weight: 1, num: (j, i) => L.mask[j]![i]!, bias: () => 0 }]) },
  { rule: wSquare(), hand: (L, x, R) => grouped(L, x, R, 0, [{ weight: 1, num: (j, i) => L.M[j]![i]! ** 2, bias: () => 0 }]) },
];

const LAYERS = [denseLayer(false, 101), denseLayer(true, 103), convLayer(false, 105), convLayer(true, 107), convLayer(true, 109, [2, 2])];

describe('LRP presets vs matrix-form re-derivation (float64)', () => {
  for (const L of LAYERS) {
    for (const c of CASES) {
      it(`${c.rule.name} on ${L.name}`, async () => {
        const N = 2;
        const x = randomTensor([N, ...L.inShape], 111, c.positiveInput ? 0 : -1, 1);
        const R = randomTensor([N, L.nOut], 113);
        const model = L.build();
        const seed: Tensor = { shape: [N, ...(await model.forward(x)).shape.slice(1)], data: R.data };
        const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { layer: c.rule } });
        const expected: number[] = [];
        for (let n = 0; n < N; n++) {
          const xv = Array.from(x.data.subarray(n * L.nIn, (n + 1) * L.nIn));
          const Rv = Array.from(R.data.subarray(n * L.nOut, (n + 1) * L.nOut));
          expected.push(...c.hand(L, xv, Rv));
        }
        expectClose(r.inputGradient, expected, 2e-4);
      });
    }
  }

  it('conservation per layer: Σ R_in = Σ R_out − bias share (ε), exactly Σ R_out for bias-free grouped rules', async () => {
    const L = convLayer(true, 121);
    const model = L.build();
    const x = randomTensor([1, ...L.inShape], 123);
    const f = await model.forward(x);
    const R = f; // relevance = the output itself
    const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);
    const eps = 1e-9;
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { layer: epsilon(eps) } });
    let share = 0;
    for (let j = 0; j < L.nOut; j++) share += (L.bias[j]! * R.data[j]!) / stab(f.data[j]!, eps);
    expect(sum(r.inputGradient.data)).toBeCloseTo(sum(R.data) - share, 3);
    expect(Math.abs(share)).toBeGreaterThan(0.01); // the bias share is real: the check can fail
    for (const rule of [zPlus(), zBox(LOW, HIGH), flat(), wSquare()]) {
      const rr = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { layer: rule } });
      expect(sum(rr.inputGradient.data), rule.name).toBeCloseTo(sum(R.data), 3);
    }
    const ab = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { layer: alphaBeta(2, 1) } });
    const abFree = await convLayer(false, 121).build().gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { layer: alphaBeta(2, 1) } });
    expect(sum(abFree.inputGradient.data)).toBeCloseTo(sum(R.data), 3);
    expect(sum(ab.inputGradient.data)).not.toBeCloseTo(sum(R.data), 3);
  });

  it('zBox with per-channel tensor bounds equals the matrix form with per-element l, h', async () => {
    const L = convLayer(true, 131);
    const low: Tensor = { shape: [1, 2, 1, 1], data: Float32Array.from([-1, -2]) };
    const high: Tensor = { shape: [1, 2, 1, 1], data: Float32Array.from([1, 3]) };
    const x = randomTensor([1, ...L.inShape], 133);
    const R = randomTensor([1, L.nOut], 135);
    const model = L.build();
    const seed: Tensor = { shape: [1, 3, 4, 4], data: R.data };
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { layer: zBox(low, high) } });
    const ch = (i: number) => Math.floor(i / 16);
    const expected = grouped(L, Array.from(x.data), Array.from(R.data), 1e-6, [
      {
        weight: 1,
        num: (j, i) => x.data[i]! * L.M[j]![i]! - low.data[ch(i)]! * pos(L.M[j]![i]!) - high.data[ch(i)]! * neg(L.M[j]![i]!),
        bias: () => 0,
      },
    ]);
    expectClose(r.inputGradient, expected, 2e-4);
  });

  it('Sigmoid / Tanh under LRP: pass-through hands relevance to the pre-activation unchanged', async () => {
    for (const op of ['Sigmoid', 'Tanh'] as const) {
      const g = new GraphBuilder('x', [-1, 5]);
      const W = randomTensor([3, 5], 141);
      const b = randomTensor([3], 142);
      const W2 = randomTensor([2, 3], 143);
      const z = g.add('Gemm', ['x', g.init('W', W), g.init('b', b)], { transB: 1 }, 'dense1');
      const a = g.add(op, [z], {}, 'act');
      const out = g.add('Gemm', [a, g.init('W2', W2)], { transB: 1 }, 'dense2');
      const model = createReferenceModel(g.build(out));
      const x = randomTensor([2, 5], 144);
      const f = await model.forward(x);
      const seed: Tensor = { shape: f.shape, data: Float32Array.from(f.data, (v, i) => (i % 2 === 0 ? v : 0)) };
      const rules = { dense1: epsilon(1e-9), act: passThrough, dense2: epsilon(1e-9) };
      const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules, layers: ['dense1', 'act'] });
      // Relevance at the activation's input equals relevance at its output.
      expectClose(r.layers['dense1']!.gradient, r.layers['act']!.gradient, 1e-6);
      // Without pass-through the gradient multiplies by σ′ and relevance is lost.
      const lossy = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { dense1: epsilon(1e-9), dense2: epsilon(1e-9) }, layers: ['dense1', 'act'] });
      expect(Array.from(lossy.layers['dense1']!.gradient.data)).not.toEqual(Array.from(lossy.layers['act']!.gradient.data));
    }
  });
});

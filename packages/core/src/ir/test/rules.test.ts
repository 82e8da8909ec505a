import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnsupportedOpError } from '../../errors.js';
import { createReferenceModel } from '../../reference-model.js';
import { guidedReluRule } from '../../rules/rule.js';
import type { Rule } from '../../rules/rule.js';
import type { Tensor } from '../../tensor.js';
import { expectClose, GraphBuilder, randomTensor } from './helpers.js';
import { naiveConv } from './naive.js';

const epsilonRule = (epsilon: number): Rule => ({
  name: 'epsilon',
  terms: [{ weight: 1 }],
  gradient: { kind: 'normalize', epsilon },
  vjp: 'standard',
  reducer: 'input-times-gradient',
});

/** x [-1,3] → Gemm(W1ᵀ, b1) → Relu → Gemm(W2, b2) → [-1,2]. */
function denseNet(bias: boolean) {
  const W1 = randomTensor([4, 3], 31); // transB: z1 = x·W1ᵀ
  const W2 = randomTensor([4, 2], 32);
  const b1 = randomTensor([4], 33);
  const b2 = randomTensor([2], 34);
  const g = new GraphBuilder('x', [-1, 3]);
  const z1 = g.add('Gemm', ['x', g.init('W1', W1), ...(bias ? [g.init('b1', b1)] : [])], { transB: 1 }, 'dense1');
  const h = g.add('Relu', [z1], {}, 'relu');
  const out = g.add('Gemm', [h, g.init('W2', W2), ...(bias ? [g.init('b2', b2)] : [])], {}, 'dense2');
  const W1a = (i: number, kk: number) => W1.data[i * 3 + kk]!;
  const W2a = (i: number, j: number) => W2.data[i * 2 + j]!;
  /** Per example: pre-activations z1 [4]. */
  const z1Of = (x: Tensor, n: number) =>
    [0, 1, 2, 3].map((i) => [0, 1, 2].reduce((s, kk) => s + W1a(i, kk) * x.data[n * 3 + kk]!, bias ? b1.data[i]! : 0));
  /** Per example: W2·seed [4]. */
  const backTo = (seed: Tensor, n: number) => [0, 1, 2, 3].map((i) => W2a(i, 0) * seed.data[n * 2]! + W2a(i, 1) * seed.data[n * 2 + 1]!);
  /** Per example: W1ᵀ·g [3]. */
  const toInput = (gz: number[]) => [0, 1, 2].map((kk) => [0, 1, 2, 3].reduce((s, i) => s + W1a(i, kk) * gz[i]!, 0));
  return { graph: g.build(out), z1Of, backTo, toInput, W1a, W2a };
}

const N = 4;
const x = randomTensor([N, 3], 35);
const seed = randomTensor([N, 2], 36);

describe('rules on a dense ReLU net', () => {
  it('guided ReLU: only positive signal through positive activations (hand-derived)', async () => {
    const net = denseNet(true);
    const model = createReferenceModel(net.graph);
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: guidedReluRule } });
    const expected: number[] = [];
    for (let n = 0; n < N; n++) {
      const z = net.z1Of(x, n);
      const g = net.backTo(seed, n).map((v, i) => (z[i]! > 0 ? Math.max(v, 0) : 0));
      expected.push(...net.toInput(g));
    }
    expectClose(r.inputGradient, expected, 1e-5);
    // and it differs from the plain gradient for this seed (the test can fail)
    const plain = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    expect(Array.from(plain.inputGradient.data)).not.toEqual(Array.from(r.inputGradient.data));
  });

  it('deconvolution: relu mapper with identity VJP on the ReLU ignores the forward gate', async () => {
    const net = denseNet(true);
    const deconv: Rule = { name: 'deconv', terms: [{ weight: 1 }], gradient: { kind: 'relu' }, vjp: 'identity', reducer: 'gradient' };
    const r = await createReferenceModel(net.graph).gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: deconv } });
    const expected: number[] = [];
    for (let n = 0; n < N; n++) expected.push(...net.toInput(net.backTo(seed, n).map((v) => Math.max(v, 0))));
    expectClose(r.inputGradient, expected, 1e-5);
  });

  it('secant (DeepLIFT rescale) on the ReLU uses Δy/Δx multipliers against the reference', async () => {
    const net = denseNet(true);
    const model = createReferenceModel(net.graph);
    const reference = randomTensor([N, 3], 37);
    const rescale: Rule = { name: 'rescale', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'secant', reducer: 'gradient' };
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: rescale }, reference });
    const expected: number[] = [];
    for (let n = 0; n < N; n++) {
      const z = net.z1Of(x, n);
      const z0 = net.z1Of(reference, n);
      const m = z.map((zi, i) => (Math.max(zi, 0) - Math.max(z0[i]!, 0)) / (zi - z0[i]!));
      expected.push(...net.toInput(net.backTo(seed, n).map((v, i) => v * m[i]!)));
    }
    expectClose(r.inputGradient, expected, 1e-4);
    // Where Δx = 0 the standard derivative is used: reference = x gives the plain gradient.
    const same = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: rescale }, reference: x });
    const plain = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    expectClose(same.inputGradient, plain.inputGradient, 1e-6);
    // Summation-to-delta for this single-nonlinearity net: Σ (x − x0)·m = <seed, f(x) − f(x0)>.
    const f0 = await model.forward(reference);
    for (let n = 0; n < N; n++) {
      let lhs = 0;
      for (let kk = 0; kk < 3; kk++) lhs += (x.data[n * 3 + kk]! - reference.data[n * 3 + kk]!) * r.inputGradient.data[n * 3 + kk]!;
      let rhs = 0;
      for (let j = 0; j < 2; j++) rhs += seed.data[n * 2 + j]! * (r.outputs.data[n * 2 + j]! - f0.data[n * 2 + j]!);
      expect(lhs).toBeCloseTo(rhs, 4);
    }
  });

  it('secant rule errors: op without an exact multiplier (Softmax), missing reference', async () => {
    const net = denseNet(true);
    const model = createReferenceModel(net.graph);
    const rescale: Rule = { name: 'rescale', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'secant', reducer: 'gradient' };
    const g = new GraphBuilder('x', [-1, 3]);
    const soft = createReferenceModel(g.build(g.add('Softmax', ['x'], { axis: 1 }, 'soft')));
    await expect(soft.gradient(x, { seed: { kind: 'index', indices: [0, 1, 2, 0] }, rules: { soft: rescale }, reference: x })).rejects.toThrow(
      UnsupportedOpError,
    );
    // On a linear node the secant rule is the plain VJP (exact for affine maps).
    const lin = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { dense1: rescale }, reference: x });
    const plain = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    expectClose(lin.inputGradient, plain.inputGradient, 1e-6);
    await expect(model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: rescale } })).rejects.toThrow(InvalidArgumentError);
    await expect(model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { nope: rescale } })).rejects.toThrow(/unknown layer nope/);
    await expect(
      model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: { ...rescale, vjp: 'standard', terms: [] } } }),
    ).rejects.toThrow(InvalidArgumentError);
  });
});

describe('LRP rules in matrix form', () => {
  it('epsilon rule on one Gemm: R_i = Σ_j x_i W_ji R_j / (z_j + ε·sign z_j)', async () => {
    const W = randomTensor([5, 3], 41);
    const b = randomTensor([5], 42);
    const g = new GraphBuilder('x', [-1, 3]);
    const out = g.add('Gemm', ['x', g.init('W', W), g.init('b', b)], { transB: 1 }, 'dense');
    const model = createReferenceModel(g.build(out));
    const R = randomTensor([N, 5], 43);
    for (const eps of [0.1, 0]) {
      const r = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { dense: epsilonRule(eps) } });
      const expected: number[] = [];
      for (let n = 0; n < N; n++) {
        const z = [0, 1, 2, 3, 4].map((j) => [0, 1, 2].reduce((s, i) => s + W.data[j * 3 + i]! * x.data[n * 3 + i]!, b.data[j]!));
        for (let i = 0; i < 3; i++) {
          let s = 0;
          for (let j = 0; j < 5; j++) s += (x.data[n * 3 + i]! * W.data[j * 3 + i]! * R.data[n * 5 + j]!) / (z[j]! + eps * (z[j]! >= 0 ? 1 : -1));
          expected.push(s);
        }
      }
      expectClose(r.inputGradient, expected, 1e-4);
    }
  });

  it('epsilon (ε → 0) on a bias-free 2-layer ReLU net conserves relevance', async () => {
    const net = denseNet(false);
    const model = createReferenceModel(net.graph);
    const f = await model.forward(x);
    // Start from the target logit's value: R = onehot(c) ⊙ f(x).
    const R: Tensor = { shape: f.shape, data: new Float32Array(f.data.length) };
    for (let n = 0; n < N; n++) R.data[n * 2 + (n % 2)] = f.data[n * 2 + (n % 2)]!;
    const rules = { dense1: epsilonRule(1e-9), dense2: epsilonRule(1e-9) };
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules });
    for (let n = 0; n < N; n++) {
      const total = r.inputGradient.data.subarray(n * 3, n * 3 + 3).reduce((s, v) => s + v, 0);
      expect(total).toBeCloseTo(R.data[n * 2 + (n % 2)]!, 4);
    }
  });

  it('w²-rule with flat input (constant 1, square params, bias-free): R_i = Σ_j w_ij² R_j / Σ_i′ w_i′j²', async () => {
    const W = randomTensor([3, 4], 44);
    const g = new GraphBuilder('x', [-1, 3]);
    const out = g.add('MatMul', ['x', g.init('W', W)], {}, 'mm');
    const model = createReferenceModel(g.build(out));
    const R = randomTensor([N, 4], 45);
    const rule: Rule = {
      name: 'w-square',
      terms: [{ weight: 1, input: { kind: 'constant', value: 1 }, params: { kind: 'square' } }],
      gradient: { kind: 'normalize', epsilon: 0 },
      vjp: 'standard',
      reducer: 'input-times-gradient',
    };
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { mm: rule } });
    const w = (i: number, j: number) => W.data[i * 4 + j]!;
    const expected: number[] = [];
    for (let n = 0; n < N; n++)
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let j = 0; j < 4; j++) s += (w(i, j) ** 2 * R.data[n * 4 + j]!) / (w(0, j) ** 2 + w(1, j) ** 2 + w(2, j) ** 2);
        expected.push(s);
      }
    expectClose(r.inputGradient, expected, 1e-5);
    // Term weights combine linearly: two terms of weight 0.25 and 0.75 equal one term.
    const split: Rule = { ...rule, terms: [{ ...rule.terms[0]!, weight: 0.25 }, { ...rule.terms[0]!, weight: 0.75 }] };
    const r2 = await model.gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { mm: split } });
    expectClose(r2.inputGradient, r.inputGradient, 1e-6);
  });

  it('gamma rule on a conv layer matches the dense-matrix form', async () => {
    const [C, H, W, O] = [2, 4, 4, 3];
    const w = randomTensor([O, C, 3, 3], 51);
    const b = randomTensor([O], 52);
    const g = new GraphBuilder('x', [-1, C, H, W]);
    const out = g.add('Conv', ['x', g.init('w', w), g.init('b', b)], { pads: [1, 1, 1, 1], strides: [1, 1] }, 'conv');
    const model = createReferenceModel(g.build(out));
    const gamma = 0.25;
    const eps = 0.01;
    const rule: Rule = {
      name: 'gamma',
      terms: [{ weight: 1, params: { kind: 'gamma', gamma } }],
      gradient: { kind: 'normalize', epsilon: eps },
      vjp: 'standard',
      reducer: 'input-times-gradient',
    };
    const xs = randomTensor([2, C, H, W], 53, 0, 1);
    const R = randomTensor([2, O, H, W], 54);
    const r = await model.gradient(xs, { seed: { kind: 'tensor', seed: R }, rules: { conv: rule } });
    // Dense matrix M[j][i] of the conv (no bias) from unit inputs; each entry is one weight or 0.
    const nIn = C * H * W;
    const nOut = O * H * W;
    const M: number[][] = Array.from({ length: nOut }, () => new Array<number>(nIn).fill(0));
    for (let i = 0; i < nIn; i++) {
      const e: Tensor = { shape: [1, C, H, W], data: new Float32Array(nIn) };
      e.data[i] = 1;
      const col = naiveConv(e, w, undefined, { pads: [1, 1, 1, 1] });
      for (let j = 0; j < nOut; j++) M[j]![i] = col.data[j]!;
    }
    const Mg = M.map((row) => row.map((v) => v + gamma * Math.max(v, 0)));
    const bg = Array.from(b.data, (v) => v + gamma * Math.max(v, 0));
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) {
      const xv = Array.from(xs.data.subarray(n * nIn, (n + 1) * nIn));
      const z = Mg.map((row, j) => row.reduce((s, v, i) => s + v * xv[i]!, bg[Math.floor(j / (H * W))]!));
      const s = z.map((zj, j) => R.data[n * nOut + j]! / (zj + eps * (zj >= 0 ? 1 : -1)));
      for (let i = 0; i < nIn; i++) {
        let c = 0;
        for (let j = 0; j < nOut; j++) c += Mg[j]![i]! * s[j]!;
        expected.push(xv[i]! * c);
      }
    }
    expectClose(r.inputGradient, expected, 1e-4);
  });

  it("'no-bias' zeroes the Gemm bias: epsilon rule then matches the bias-free layer", async () => {
    const W = randomTensor([5, 3], 61);
    const b = randomTensor([5], 62);
    const mk = (withBias: boolean) => {
      const g = new GraphBuilder('x', [-1, 3]);
      return createReferenceModel(g.build(g.add('Gemm', ['x', g.init('W', W), ...(withBias ? [g.init('b', b)] : [])], { transB: 1 }, 'dense')));
    };
    const R = randomTensor([N, 5], 63);
    const noBias: Rule = { ...epsilonRule(0.1), terms: [{ weight: 1, params: { kind: 'no-bias' } }] };
    const a = await mk(true).gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { dense: noBias } });
    const c = await mk(false).gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { dense: epsilonRule(0.1) } });
    expectClose(a.inputGradient, c.inputGradient, 1e-6);
    const withB = await mk(true).gradient(x, { seed: { kind: 'tensor', seed: R }, rules: { dense: epsilonRule(0.1) } });
    expect(Array.from(withB.inputGradient.data)).not.toEqual(Array.from(a.inputGradient.data));
  });
});

/** DeepLIFT rules: summation-to-delta through every supported op, RevealCancel by hand, MaxPool. */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../reference-model.js';
import type { Tensor } from '../../tensor.js';
import { expectClose, GraphBuilder, randomTensor } from '../../ir/test/helpers.js';
import { deepLiftComposite, resolveComposite } from '../composites.js';
import { rescale, revealCancel } from '../presets.js';
import type { Graph } from '../../ir/graph.js';

/** Σ (x − ref)·m per example, and ⟨seed, f(x) − f(ref)⟩ per example. */
async function sides(graph: Graph, x: Tensor, ref: Tensor, mode: 'rescale' | 'reveal-cancel', seedIdx: number[]) {
  const model = createReferenceModel(graph);
  const rules = resolveComposite(deepLiftComposite(mode), graph);
  const r = await model.gradient(x, { seed: { kind: 'index', indices: seedIdx }, rules, reference: ref });
  const f0 = await model.forward(ref);
  const n = x.shape[0]!;
  const per = x.data.length / n;
  const outPer = r.outputs.data.length / n;
  const lhs: number[] = [];
  const rhs: number[] = [];
  for (let e = 0; e < n; e++) {
    let s = 0;
    for (let i = 0; i < per; i++) s += (x.data[e * per + i]! - ref.data[e * per + i]!) * r.inputGradient.data[e * per + i]!;
    lhs.push(s);
    const t = e * outPer + seedIdx[e]!;
    rhs.push(r.outputs.data[t]! - f0.data[t]!);
  }
  return { lhs, rhs, rules, r };
}

/** Conv → Relu → MaxPool(2) → BN → Conv → Sigmoid → MaxPool(3, stride 3) → Flatten → Gemm → Tanh → Gemm, plus Mul and Add of data. */
function cnn(): Graph {
  const g = new GraphBuilder('x', [-1, 2, 12, 12]);
  const c1 = g.add('Conv', ['x', g.init('w1', randomTensor([4, 2, 3, 3], 1)), g.init('b1', randomTensor([4], 2))], { pads: [1, 1, 1, 1] }, 'conv1');
  const r1 = g.add('Relu', [c1], {}, 'relu1');
  const p1 = g.add('MaxPool', [r1], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  const bn = g.add(
    'BatchNormalization',
    [p1, g.init('s', randomTensor([4], 3)), g.init('B', randomTensor([4], 4)), g.init('m', randomTensor([4], 5)), g.init('v', randomTensor([4], 6, 0.5, 2))],
    {},
    'bn',
  );
  const c2 = g.add('Conv', [bn, g.init('w2', randomTensor([3, 4, 3, 3], 7)), g.init('b2', randomTensor([3], 8))], { pads: [1, 1, 1, 1] }, 'conv2');
  const s2 = g.add('Sigmoid', [c2], {}, 'sig2');
  const gate = g.add('Mul', [s2, c2], {}, 'gate'); // product of two data tensors
  const res = g.add('Add', [gate, c2], {}, 'res'); // residual sum
  const p2 = g.add('MaxPool', [res], { kernel_shape: [3, 3], strides: [3, 3] }, 'pool2');
  const fl = g.add('Flatten', [p2], { axis: 1 }, 'flat');
  const d1 = g.add('Gemm', [fl, g.init('W3', randomTensor([5, 12], 9)), g.init('b3', randomTensor([5], 10))], { transB: 1 }, 'dense1');
  const t1 = g.add('Tanh', [d1], {}, 'tanh');
  const out = g.add('Gemm', [t1, g.init('W4', randomTensor([3, 5], 11)), g.init('b4', randomTensor([3], 12))], { transB: 1 }, 'dense2');
  return g.build(out);
}

describe('DeepLIFT summation-to-delta', () => {
  const graph = cnn();
  const x = randomTensor([4, 2, 12, 12], 21);
  const refs: [string, Tensor][] = [
    ['zero reference', { shape: x.shape, data: new Float32Array(x.data.length) }],
    ['random reference', randomTensor([4, 2, 12, 12], 22)],
  ];
  for (const mode of ['rescale', 'reveal-cancel'] as const) {
    for (const [what, ref] of refs) {
      it(`${mode}, ${what}: Σ attributions = f(x) − f(ref) through Conv/Relu/MaxPool/BN/Sigmoid/Mul/Add/Flatten/Gemm/Tanh`, async () => {
        const { lhs, rhs, rules } = await sides(graph, x, ref, mode, [0, 1, 2, 0]);
        for (let e = 0; e < lhs.length; e++) expect(lhs[e]).toBeCloseTo(rhs[e]!, 4);
        expect(rules['pool1']?.vjp).toBe('secant');
        expect(rules['gate']?.vjp).toBe('secant');
        expect(rules['conv1']).toBeUndefined();
        if (mode === 'reveal-cancel') {
          expect(rules['relu1']?.vjp).toBe('reveal-cancel');
          expect(rules['tanh']?.vjp).toBe('reveal-cancel');
        }
      });
    }
  }

  it('ReLU → MaxPool where x zeroes a window the reference does not (the case Captum drops)', async () => {
    // One channel, pool 2x2: window 0 of x is all ≤ 0 after the ReLU, the reference's is positive.
    const g = new GraphBuilder('x', [-1, 1, 2, 4]);
    const r = g.add('Relu', ['x'], {}, 'relu');
    const p = g.add('MaxPool', [r], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool');
    const out = g.add('Flatten', [p], { axis: 1 }, 'flat');
    const graph2 = g.build(out);
    const x2: Tensor = { shape: [1, 1, 2, 4], data: Float32Array.from([-1, -2, 3, 1, -3, -1, 0.5, 2]) };
    const ref2: Tensor = { shape: [1, 1, 2, 4], data: Float32Array.from([0, 0.7, 1, 0, 0.2, -1, 1, 0]) };
    for (const target of [0, 1]) {
      const { lhs, rhs } = await sides(graph2, x2, ref2, 'rescale', [target]);
      expect(lhs[0]).toBeCloseTo(rhs[0]!, 6);
    }
    const { rhs } = await sides(graph2, x2, ref2, 'rescale', [0]);
    expect(rhs[0]).toBeCloseTo(-0.7, 6); // the window really changed
  });

  it('overlapping max-pool windows and a MatMul of two data tensors keep summation on random data', async () => {
    const g = new GraphBuilder('x', [-1, 1, 6, 6]);
    const p = g.add('MaxPool', ['x'], { kernel_shape: [3, 3], strides: [1, 1] }, 'pool');
    const a = g.add('Reshape', [p], { shape: [0, 4, 4] }, 'rs');
    const mm = g.add('MatMul', [a, a], {}, 'mm');
    const out = g.add('Flatten', [mm], { axis: 1 }, 'flat');
    const x3 = randomTensor([2, 1, 6, 6], 31);
    const ref3 = randomTensor([2, 1, 6, 6], 32);
    const { lhs, rhs } = await sides(g.build(out), x3, ref3, 'rescale', [3, 7]);
    for (let e = 0; e < 2; e++) expect(lhs[e]).toBeCloseTo(rhs[e]!, 4);
  });
});

describe('RevealCancel by hand', () => {
  it('matches the Δx⁺/Δx⁻ formulas on Gemm → Relu (and differs from Rescale)', async () => {
    const W = randomTensor([3, 4], 41); // [out, in], transB
    const b = randomTensor([3], 42);
    const g = new GraphBuilder('x', [-1, 4]);
    const z = g.add('Gemm', ['x', g.init('W', W), g.init('b', b)], { transB: 1 }, 'dense');
    const out = g.add('Relu', [z], {}, 'relu');
    const model = createReferenceModel(g.build(out));
    const x = randomTensor([2, 4], 43);
    const ref = randomTensor([2, 4], 44);
    const seed = randomTensor([2, 3], 45);
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: revealCancel() }, reference: ref });
    const f = (v: number) => Math.max(v, 0);
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) {
      const da = [0, 1, 2, 3].map((i) => x.data[n * 4 + i]! - ref.data[n * 4 + i]!);
      const m = new Array<number>(4).fill(0);
      for (let j = 0; j < 3; j++) {
        const w = (i: number) => W.data[j * 4 + i]!;
        const x0 = [0, 1, 2, 3].reduce((s, i) => s + w(i) * ref.data[n * 4 + i]!, b.data[j]!);
        const xv = [0, 1, 2, 3].reduce((s, i) => s + w(i) * x.data[n * 4 + i]!, b.data[j]!);
        let dp = 0;
        let dn = 0;
        for (let i = 0; i < 4; i++) (w(i) * da[i]! > 0 ? (dp += w(i) * da[i]!) : (dn += w(i) * da[i]!));
        const dyp = 0.5 * (f(x0 + dp) - f(x0)) + 0.5 * (f(xv) - f(x0 + dn));
        const dyn = 0.5 * (f(x0 + dn) - f(x0)) + 0.5 * (f(xv) - f(x0 + dp));
        const mp = Math.abs(dp) > 1e-10 ? dyp / dp : xv > 0 ? 1 : 0;
        const mn = Math.abs(dn) > 1e-10 ? dyn / dn : xv > 0 ? 1 : 0;
        for (let i = 0; i < 4; i++) m[i]! += seed.data[n * 3 + j]! * w(i) * (w(i) * da[i]! > 0 ? mp : mn);
      }
      expected.push(...m);
    }
    expectClose(r.inputGradient, expected, 1e-5);
    const rs = await model.gradient(x, { seed: { kind: 'tensor', seed }, rules: { relu: rescale() }, reference: ref });
    expect(Array.from(rs.inputGradient.data)).not.toEqual(Array.from(r.inputGradient.data));
  });

  it('without a linear producer RevealCancel is Rescale; on a non-element-wise op it is an error', async () => {
    const g = new GraphBuilder('x', [-1, 4]);
    const out = g.add('Tanh', ['x'], {}, 'tanh');
    const model = createReferenceModel(g.build(out));
    const x = randomTensor([2, 4], 51);
    const ref = randomTensor([2, 4], 52);
    const seed = { kind: 'index' as const, indices: [0, 3] };
    const a = await model.gradient(x, { seed, rules: { tanh: revealCancel() }, reference: ref });
    const c = await model.gradient(x, { seed, rules: { tanh: rescale() }, reference: ref });
    expectClose(a.inputGradient, c.inputGradient, 1e-7);
    const g2 = new GraphBuilder('x', [-1, 1, 2, 2]);
    const p = g2.add('MaxPool', ['x'], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool');
    const m2 = createReferenceModel(g2.build(p));
    await expect(
      m2.gradient(randomTensor([1, 1, 2, 2], 1), { seed: { kind: 'index', indices: [0] }, rules: { pool: revealCancel() }, reference: randomTensor([1, 1, 2, 2], 2) }),
    ).rejects.toThrow(/element-wise/);
  });
});

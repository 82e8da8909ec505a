/** Composites resolve as specified; canonizers keep the function and fold BN as by hand. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { createReferenceModel } from '../../reference-model.js';
import type { Tensor } from '../../tensor.js';
import { expectClose, GraphBuilder, randomTensor } from '../../ir/test/helpers.js';
import { naiveConv } from '../../ir/test/naive.js';
import type { Graph } from '../../ir/graph.js';
import { applyCanonizers, foldBatchNorm, splitResidualSums } from '../canonizers.js';
import {
  captumDefault,
  compositeByName,
  COMPOSITE_IDS,
  deconvolutionComposite,
  deepLiftComposite,
  epsilonAlpha2Beta1,
  epsilonGammaBox,
  epsilonPlus,
  guidedBackpropComposite,
  resolveComposite,
} from '../composites.js';

function net(layout: 'NCHW' | 'NHWC' = 'NCHW'): Graph {
  const nchw = layout === 'NCHW';
  const g = new GraphBuilder('x', nchw ? [-1, 2, 6, 6] : [-1, 6, 6, 2]);
  const w1 = nchw ? randomTensor([3, 2, 3, 3], 1) : randomTensor([3, 3, 2, 3], 1);
  const c1 = g.add('Conv', ['x', g.init('w1', w1), g.init('b1', randomTensor([3], 2))], { pads: [1, 1, 1, 1], layout }, 'conv1');
  const bn = g.add(
    'BatchNormalization',
    [c1, g.init('s', randomTensor([3], 3)), g.init('B', randomTensor([3], 4)), g.init('m', randomTensor([3], 5)), g.init('v', randomTensor([3], 6, 0.5, 2))],
    { epsilon: 1e-3, layout },
    'bn1',
  );
  const r1 = g.add('Relu', [bn], {}, 'relu1');
  const w2 = nchw ? randomTensor([3, 3, 3, 3], 7) : randomTensor([3, 3, 3, 3], 7);
  const c2 = g.add('Conv', [r1, g.init('w2', w2)], { pads: [1, 1, 1, 1], layout }, 'conv2');
  const sum = g.add('Add', [c2, r1], {}, 'res');
  const p = g.add('MaxPool', [sum], { kernel_shape: [2, 2], strides: [2, 2], layout }, 'pool');
  const fl = g.add('Flatten', [p], { axis: 1 }, 'flat');
  const d1 = g.add('Gemm', [fl, g.init('W3', randomTensor([4, 27], 8)), g.init('b3', randomTensor([4], 9))], { transB: 1 }, 'dense1');
  const bn2 = g.add(
    'BatchNormalization',
    [d1, g.init('s2', randomTensor([4], 10)), g.init('B2', randomTensor([4], 11)), g.init('m2', randomTensor([4], 12)), g.init('v2', randomTensor([4], 13, 0.5, 2))],
    {},
    'bn2',
  );
  const s = g.add('Sigmoid', [bn2], {}, 'sig');
  const out = g.add('Gemm', [s, g.init('W4', randomTensor([4, 3], 14)), g.init('b4', randomTensor([1, 3], 15))], { beta: 0.5 }, 'dense2');
  return g.build(out);
}

describe('composites', () => {
  const graph = net();
  it('EpsilonPlus / EpsilonAlpha2Beta1 / EpsilonGammaBox map by op type and position', () => {
    const ep = resolveComposite(epsilonPlus(), graph);
    expect(ep['conv1']?.name).toBe('z-plus');
    expect(ep['conv2']?.name).toBe('z-plus');
    expect(ep['dense1']?.name).toBe('epsilon');
    expect(ep['relu1']?.name).toBe('pass-through');
    expect(ep['sig']?.name).toBe('pass-through');
    expect(ep['res']?.name).toBe('epsilon'); // residual sum: two data inputs
    expect(ep['pool']).toBeUndefined();
    expect(ep['flat']).toBeUndefined();
    const ab = resolveComposite(epsilonAlpha2Beta1(), graph);
    expect(ab['conv1']?.name).toBe('alpha2-beta1');
    expect(ab['dense2']?.name).toBe('epsilon');
    const box = resolveComposite(epsilonGammaBox(-1, 1), graph);
    expect(box['conv1']?.name).toBe('z-box'); // first linear layer
    expect(box['conv2']?.name).toBe('gamma');
    expect(box['dense1']?.name).toBe('epsilon');
  });

  it("Captum's default: ε = 1e-9 on linear, conv, pools and BN; activations pass relevance", () => {
    const c = resolveComposite(captumDefault(), graph);
    for (const n of ['conv1', 'conv2', 'dense1', 'dense2', 'pool', 'bn1']) {
      expect(c[n]?.gradient).toEqual({ kind: 'normalize', epsilon: 1e-9 });
    }
    expect(c['relu1']?.vjp).toBe('identity');
    expect(c['sig']?.vjp).toBe('identity');
  });

  it('DeepLIFT, guided backprop and deconvolution composites', () => {
    const d = resolveComposite(deepLiftComposite('reveal-cancel'), graph);
    expect(d['relu1']?.vjp).toBe('secant'); // its producer is a BN: Rescale
    expect(d['sig']?.vjp).toBe('secant');
    expect(d['pool']?.vjp).toBe('secant');
    expect(d['conv1']).toBeUndefined();
    const g2 = applyCanonizers(graph, [foldBatchNorm()]);
    const d2 = resolveComposite(deepLiftComposite('reveal-cancel'), g2);
    expect(d2['relu1']?.vjp).toBe('reveal-cancel'); // after folding, the producer is the conv
    expect(resolveComposite(guidedBackpropComposite(), graph)).toEqual({ relu1: expect.objectContaining({ name: 'guided-relu' }) });
    expect(resolveComposite(deconvolutionComposite(), graph)['relu1']?.vjp).toBe('identity');
  });

  it('name, namePattern, dataInputs and last-linear matchers; first match wins; null = plain gradient', () => {
    const rule = epsilonPlus().entries[0]!.rule!;
    const c = {
      name: 'custom',
      entries: [
        { match: { name: 'conv2' }, rule: null },
        { match: { namePattern: '^conv' }, rule },
        { match: { position: 'last-linear' as const }, rule },
        { match: { op: 'Add' as const, dataInputs: 'one' as const }, rule },
      ],
    };
    expect(Object.keys(resolveComposite(c, graph)).sort()).toEqual(['conv1', 'dense2']);
    expect(() => resolveComposite({ name: 'bad', entries: [{ match: { namePattern: '(' }, rule }] }, graph)).toThrow(InvalidArgumentError);
    for (const id of COMPOSITE_IDS) expect(compositeByName(id).name).toBeTruthy();
    expect(() => compositeByName('nope')).toThrow(/unknown composite nope/);
  });
});

describe('canonizers', () => {
  const x = randomTensor([3, 2, 6, 6], 21);
  for (const layout of ['NCHW', 'NHWC'] as const) {
    it(`foldBatchNorm (${layout}) keeps the function, removes both BN nodes, keeps layer names`, async () => {
      const graph = net(layout);
      const xs = layout === 'NCHW' ? x : randomTensor([3, 6, 6, 2], 21);
      const folded = applyCanonizers(graph, [foldBatchNorm()]);
      expect(folded.nodes.map((n) => n.op)).not.toContain('BatchNormalization');
      expect(folded.nodes.map((n) => n.name)).toEqual(graph.nodes.map((n) => n.name).filter((n) => !n.startsWith('bn')));
      const a = await createReferenceModel(graph).forward(xs);
      const b = await createReferenceModel(folded).forward(xs);
      expectClose(b, a, 1e-5);
      expect(graph.nodes.some((n) => n.op === 'BatchNormalization')).toBe(true); // input graph untouched
    });
  }

  it('BN fold matches a hand-folded conv layer', () => {
    const graph = net('NCHW');
    const folded = applyCanonizers(graph, [foldBatchNorm()]);
    const conv = folded.nodes.find((n) => n.name === 'conv1')!;
    const I = graph.initializers;
    const w = folded.initializers[conv.inputs[1]!]!;
    const b = folded.initializers[conv.inputs[2]!]!;
    for (let o = 0; o < 3; o++) {
      const s = I['s']!.data[o]! / Math.sqrt(I['v']!.data[o]! + 1e-3);
      expect(b.data[o]).toBeCloseTo(I['b1']!.data[o]! * s + I['B']!.data[o]! - I['m']!.data[o]! * s, 5);
      for (let i = 0; i < 18; i++) expect(w.data[o * 18 + i]).toBeCloseTo(I['w1']!.data[o * 18 + i]! * s, 6);
    }
    // the folded conv on a probe equals BN(conv) by hand
    const probe: Tensor = randomTensor([1, 2, 6, 6], 5);
    const y = naiveConv(probe, w, b, { pads: [1, 1, 1, 1] });
    const y0 = naiveConv(probe, I['w1']!, I['b1']!, { pads: [1, 1, 1, 1] });
    for (let j = 0; j < y.data.length; j++) {
      const o = Math.floor(j / 36);
      const s = I['s']!.data[o]! / Math.sqrt(I['v']!.data[o]! + 1e-3);
      expect(y.data[j]).toBeCloseTo((y0.data[j]! - I['m']!.data[o]!) * s + I['B']!.data[o]!, 4);
    }
  });

  it('splitResidualSums names each summand and keeps the function', async () => {
    const graph = net();
    const split = applyCanonizers(graph, [splitResidualSums()]);
    const res = split.nodes.find((n) => n.name === 'res')!;
    expect(res.inputs).toEqual(['res/in0', 'res/in1']);
    expect(split.nodes.filter((n) => n.op === 'Identity').map((n) => n.name)).toEqual(['res/in0', 'res/in1']);
    expectClose(await createReferenceModel(split).forward(x), await createReferenceModel(graph).forward(x), 1e-6);
    // Per-branch relevance under the sum rule adds up to the sum's relevance.
    const m = createReferenceModel(split);
    const rules = resolveComposite(epsilonPlus(), split);
    const r = await m.gradient(x, { seed: { kind: 'index', indices: [0, 1, 2] }, rules, layers: ['res', 'res/in0', 'res/in1'] });
    const sum = (t: Tensor) => t.data.reduce((a, v) => a + v, 0);
    const branches = sum(r.layers['res/in0']!.gradient) + sum(r.layers['res/in1']!.gradient);
    expect(branches).toBeCloseTo(sum(r.layers['res']!.gradient), 3);
  });

  it('GraphModel applies canonizers per request and caches them; rules name canonized nodes', async () => {
    const graph = net();
    const model = createReferenceModel(graph);
    expect(model.graph).toBe(graph);
    const canonizers = [foldBatchNorm()];
    const rules = resolveComposite(epsilonPlus(), applyCanonizers(graph, canonizers));
    const a = await model.gradient(x, { seed: { kind: 'index', indices: [0, 1, 2] }, rules, canonizers });
    const b = await createReferenceModel(applyCanonizers(graph, canonizers)).gradient(x, { seed: { kind: 'index', indices: [0, 1, 2] }, rules });
    expectClose(a.inputGradient, b.inputGradient, 1e-6);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 1, 2] }, layers: ['bn1'], canonizers })).rejects.toThrow(/unknown layer/);
  });
});

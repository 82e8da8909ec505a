/** Bad input gives typed errors (codes from @glasswing/core errors.ts). */
import { ConformanceError } from '../numeric.js';
import { BATCH, expectTypedRejection, indexSeed, makeInput, type ConformanceCheck } from './context.js';

export const inputShapeErrorCheck: ConformanceCheck = {
  id: 'error-input-shape',
  title: 'a wrong input shape is rejected with ShapeError (forward, gradient, activations)',
  requires: {},
  async run({ model, spec }) {
    const good = makeInput(spec, BATCH, 41);
    const per = good.data.length / BATCH;
    const wrongInner = { shape: [BATCH, per + 1], data: new Float32Array(BATCH * (per + 1)) };
    const noBatch = { shape: [...spec.inputShape], data: good.data.subarray(0, per) };
    await expectTypedRejection(() => model.forward(wrongInner), ['SHAPE'], 'forward with a wrong per-example shape');
    await expectTypedRejection(() => model.forward(noBatch), ['SHAPE'], 'forward without a batch dimension');
    if (model.capabilities.gradients) {
      await expectTypedRejection(
        () => model.gradient(wrongInner, { seed: indexSeed(new Array(BATCH).fill(0)) }),
        ['SHAPE'],
        'gradient with a wrong per-example shape',
      );
    }
    if (model.capabilities.layers) {
      await expectTypedRejection(
        () => model.activations(wrongInner, [spec.taps[0]!]),
        ['SHAPE'],
        'activations with a wrong per-example shape',
      );
    }
  },
};

export const targetErrorCheck: ConformanceCheck = {
  id: 'error-target',
  title: 'out-of-range, negative and non-integer targets give TargetError; a wrong seed shape gives TargetError or ShapeError',
  requires: { gradients: true },
  async run({ model, spec }) {
    const x = makeInput(spec, BATCH, 42);
    const ok = new Array<number>(BATCH).fill(0);
    for (const bad of [spec.outputSize, -1, 0.5]) {
      const indices = [...ok];
      indices[BATCH - 1] = bad;
      await expectTypedRejection(() => model.gradient(x, { seed: indexSeed(indices) }), ['TARGET'], `target ${bad}`);
    }
    await expectTypedRejection(
      () => model.gradient(x, { seed: indexSeed([0]) }),
      ['TARGET', 'SHAPE'],
      `${BATCH} examples with 1 target`,
    );
    const wrongSeed = { shape: [BATCH, spec.outputSize + 1], data: new Float32Array(BATCH * (spec.outputSize + 1)) };
    await expectTypedRejection(
      () => model.gradient(x, { seed: { kind: 'tensor', seed: wrongSeed } }),
      ['TARGET', 'SHAPE'],
      'tensor seed of the wrong shape',
    );
  },
};

export const unknownLayerErrorCheck: ConformanceCheck = {
  id: 'error-unknown-layer',
  title: 'an unknown layer name is rejected with a typed error (activations, gradient taps, overrides)',
  requires: { layers: true },
  async run({ model, spec }) {
    const x = makeInput(spec, BATCH, 43);
    const name = 'no-such-layer';
    if (model.layerNames.includes(name)) throw new ConformanceError(`layerNames unexpectedly contains ${name}`);
    await expectTypedRejection(() => model.activations(x, [name]), [], 'activations of an unknown layer');
    if (model.capabilities.gradients) {
      const seed = indexSeed(new Array(BATCH).fill(0));
      await expectTypedRejection(() => model.gradient(x, { seed, layers: [name] }), [], 'gradient tap of an unknown layer');
      await expectTypedRejection(
        () => model.gradient(x, { seed, overrides: { [name]: x } }),
        [],
        'override of an unknown layer',
      );
    }
  },
};

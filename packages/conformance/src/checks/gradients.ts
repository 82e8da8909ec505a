/** Forward, input-gradient and batching checks. */
import type { Tensor } from '@glasswing/core';
import { centralDifferences, expectMatchesFiniteDifferences, seededSums } from '../finite-differences.js';
import { expectClose, ConformanceError } from '../numeric.js';
import {
  BATCH,
  FD_STEP,
  gatherRows,
  indexSeed,
  makeInput,
  makeTargets,
  pickCoords,
  randomSeed,
  type ConformanceCheck,
} from './context.js';

export const forwardCheck: ConformanceCheck = {
  id: 'forward',
  title: 'forward matches the reference executor; shapes are declared correctly',
  requires: {},
  async run({ model, reference, spec, tolerance }) {
    if (model.inputShape.join() !== spec.inputShape.join()) {
      throw new ConformanceError(`inputShape is [${model.inputShape.join(', ')}], expected [${spec.inputShape.join(', ')}]`);
    }
    if (model.outputShape.reduce((a, b) => a * b, 1) !== spec.outputSize) {
      throw new ConformanceError(`outputShape [${model.outputShape.join(', ')}] does not have ${spec.outputSize} elements`);
    }
    const x = makeInput(spec, BATCH, 11);
    const y = await model.forward(x);
    expectClose(y, await reference.forward(x), tolerance.forward, 'forward output');
  },
};

export const gradientIndexCheck: ConformanceCheck = {
  id: 'gradient-index-seed',
  title: 'input gradient of per-example class targets matches the reference and the one-hot tensor seed',
  requires: { gradients: true },
  async run({ model, reference, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 12);
    const targets = makeTargets(spec, BATCH);
    const got = await model.gradient(x, { seed: indexSeed(targets) });
    const ref = await reference.gradient(x, { seed: indexSeed(targets) });
    expectClose(got.outputs, ref.outputs, tolerance.forward, 'gradient() outputs');
    expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, 'input gradient (index seed)');
    const oneHot = new Float32Array(BATCH * spec.outputSize);
    targets.forEach((t, n) => (oneHot[n * spec.outputSize + t] = 1));
    const viaTensor = await model.gradient(x, {
      seed: { kind: 'tensor', seed: { shape: [BATCH, ...model.outputShape], data: oneHot } },
    });
    expectClose(viaTensor.inputGradient, got.inputGradient, tolerance.forward, 'one-hot tensor seed vs index seed');
  },
};

export const gradientTensorCheck: ConformanceCheck = {
  id: 'gradient-tensor-seed',
  title: 'input gradient of a random output seed matches the reference',
  requires: { gradients: true },
  async run({ model, reference, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 13);
    const seed = randomSeed(spec, model, BATCH, 14);
    const got = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    const ref = await reference.gradient(x, { seed: { kind: 'tensor', seed } });
    expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, 'input gradient (tensor seed)');
  },
};

export const gradientFiniteDifferenceCheck: ConformanceCheck = {
  id: 'gradient-finite-differences',
  title: 'input gradient matches central finite differences of the forward pass (float64 sums)',
  requires: { gradients: true },
  async run({ model, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 15);
    const seed = randomSeed(spec, model, BATCH, 16);
    const grad = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    const coords = pickCoords(x.data.length / BATCH, 48, 17);
    const fd = await centralDifferences(
      x,
      async (points, owner) => seededSums(await model.forward(points), seed, owner),
      { h: FD_STEP, coords },
    );
    expectMatchesFiniteDifferences(grad.inputGradient, fd, coords, tolerance.finiteDifference, 'input gradient');
  },
};

function row(t: Tensor, i: number): Tensor {
  return gatherRows(t, [i]);
}

export const batchInvarianceCheck: ConformanceCheck = {
  id: 'batch-invariance',
  title: 'a batch of N gives the same rows as N batches of 1 (forward and gradient)',
  requires: {},
  async run({ model, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 18);
    const targets = makeTargets(spec, BATCH);
    const y = await model.forward(x);
    const g = model.capabilities.gradients ? await model.gradient(x, { seed: indexSeed(targets) }) : undefined;
    for (let i = 0; i < BATCH; i++) {
      const xi = row(x, i);
      expectClose(await model.forward(xi), row(y, i), tolerance.forward, `forward of example ${i} alone`);
      if (g) {
        const gi = await model.gradient(xi, { seed: indexSeed([targets[i]!]) });
        expectClose(gi.inputGradient, row(g.inputGradient, i), tolerance.gradient, `gradient of example ${i} alone`);
      }
    }
  },
};

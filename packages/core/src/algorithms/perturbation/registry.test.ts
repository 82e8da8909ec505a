/** METHODS entries of the perturbation family run forward-only models. */
import { describe, expect, it } from 'vitest';
import { METHODS } from '../registry.js';
import { linearModel } from '../../testing/index.js';
import { fromFunction } from '../../function-model.js';
import { tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';

const lin = linearModel([
  [1, 2, -1, 0.5],
  [0, 1, 1, -2],
]);
const bb = fromFunction((t) => lin.forward(t), { inputShape: [4], outputShape: [2] });
const X = tensor([1, 2, 3, 4, -1, 0, 1, 2], [2, 4]);
const IDS = ['occlusion', 'feature-ablation', 'feature-permutation', 'shapley-values', 'shapley-value-sampling'];

describe('METHODS: perturbation family', () => {
  it.each(IDS)('%s needs no capability and runs a forward-only model', async (id) => {
    const spec = METHODS[id]!;
    expect(spec.id).toBe(id);
    expect(spec.requires).toEqual({});
    const res = await spec.run(bb, X, { target: 0, window: [2], strides: [1], samples: 2, seed: 1, perturbationsPerEval: 2 });
    expect(res.method).toBe(id);
    expect(res.attributions.shape).toEqual([2, 4]);
    await expect(spec.run(bb, X, { layer: 'fc1', window: [2] })).rejects.toThrow(InvalidArgumentError);
  });

  it('options map onto the classes', async () => {
    const fa = await METHODS['feature-ablation']!.run(lin, X, { target: 0, featureMask: [0, 0, 1, 1], baselines: 1 });
    expect(Array.from(fa.attributions.data.subarray(0, 4))).toEqual([2, 2, -0.5, -0.5]); // 2·(2−1); −(3−1) + 0.5·(4−1)
    const occ = await METHODS['occlusion']!.run(lin, X, { target: 0, window: [4] });
    expect(Array.from(occ.attributions.data.subarray(0, 4))).toEqual([4, 4, 4, 4]);
    await expect(METHODS['occlusion']!.run(lin, X, { target: 0 })).rejects.toThrow(/slidingWindowShapes is required/);
    const a = await METHODS['shapley-value-sampling']!.run(lin, X, { target: 1, samples: 3, seed: 4 });
    const b = await METHODS['shapley-value-sampling']!.run(lin, X, { target: 1, samples: 3, seed: 4, internalBatchSize: 3 });
    expect(b.attributions.data).toEqual(a.attributions.data);
    expect(a.modelCalls).toBe(2);
  });
});

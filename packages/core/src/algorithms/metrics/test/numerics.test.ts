/**
 * Numerics at every METRICS entry: NaN / ±Infinity in the inputs, in the attributions, in what the
 * model returns or in what the explainer returns is a typed error naming where — never a NaN score.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../../ir/index.js';
import type { Model } from '../../../model.js';
import type { Tensor } from '../../../tensor.js';
import { InvalidArgumentError, NumericError } from '../../../errors.js';
import { METRICS } from '../registry.js';
import type { Explainer, MetricInput } from '../../_utils/metric-spec.js';
import { camGraph, randTensor } from '../../test/cnn-models.js';

const graph = camGraph('NHWC');
const base: Model = createReferenceModel(graph);
const N = 2;
const x: Tensor = randTensor([N, 5, 5, 2], 3);
const attributions: Tensor = randTensor([N, 5, 5, 2], 4);
const masks: Tensor = { shape: [N, 5, 5, 2], data: Float32Array.from({ length: 100 }, (_, i) => (i % 50 < 20 ? 1 : 0)) };
const explain: Explainer = async (_m, xx) => ({ shape: xx.shape, data: Float32Array.from(xx.data, (v) => v * 0.5 + 0.1) });

function input(over: Partial<MetricInput> = {}): MetricInput {
  return { model: base, x, attributions, masks, explain, rebuild: async (g) => createReferenceModel(g), target: 0, ...over };
}

/** Cheap settings: few samples / steps wherever a metric reads them. */
const small = { similarity: 'spearman', seed: 1, nSamples: 4, samples: 4, steps: 4, nPerturbations: 4, perturbationsPerEval: 8, subsetSize: 5, nSubsets: 4, nSteps: 4 };

function nanAt(t: Tensor, i: number, v = NaN): Tensor {
  const data = Float32Array.from(t.data);
  data[i] = v;
  return { shape: t.shape, data };
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (e) {
    return e;
  }
}

function poisonedModel(): Model {
  const m = Object.create(base) as Model & Record<string, unknown>;
  m.forward = async (t: Tensor) => nanAt(await base.forward(t), t.data.length / t.shape[0]! > 0 ? (t.shape[0]! - 1) * 2 : 0);
  return m;
}

describe.each(Object.keys(METRICS))('%s', (id) => {
  const spec = METRICS[id]!;
  const opts = { ...Object.fromEntries(Object.entries(small).filter(([k]) => k in spec.defaults || k === 'seed' || k === 'perturbationsPerEval')) };

  it('control: finite inputs give finite scores', async () => {
    const r = await spec.run(input(), opts);
    expect(r.scores.every(Number.isFinite)).toBe(true);
  });

  it('NaN in x → InvalidArgumentError naming x', async () => {
    const e = await outcome(() => spec.run(input({ x: nanAt(x, 61) }), opts));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/\bx\b/);
  });

  it('Infinity in the attributions → InvalidArgumentError naming them', async () => {
    const e = await outcome(() => spec.run(input({ attributions: nanAt(attributions, 61, Infinity) }), opts));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/attribution/);
  });

  it('a model output NaN → NumericError (or a finite score when the metric reads no output)', async () => {
    const e = await outcome(() => spec.run(input({ model: poisonedModel() }), opts));
    if (e instanceof Error) {
      expect(e).toBeInstanceOf(NumericError);
      expect(e.message).toMatch(/non-finite/);
    } else expect((e as { scores: number[] }).scores.every(Number.isFinite)).toBe(true);
  });

  it('an explainer returning NaN → NumericError (where the metric re-explains)', async () => {
    if (!spec.needs.explain) return;
    const bad: Explainer = async (m, xx, o) => nanAt(await explain(m, xx, o), 3);
    const e = await outcome(() => spec.run(input({ explain: bad }), opts));
    expect(e).toBeInstanceOf(NumericError);
    expect((e as Error).message).toMatch(/explainer/);
  });
});

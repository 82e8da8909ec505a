import { describe, expect, it } from 'vitest';
import { denseReluModel, functionModel, igPaperModel, linearModel, spyModel } from './index.js';
import { createRng } from '../random/prng.js';
import { tensor } from '../tensor.js';
import { AbortError, CapabilityError, InvalidArgumentError, ShapeError, TargetError } from '../errors.js';

describe('denseReluModel', () => {
  const rng = createRng(99);
  const mat = (o: number, i: number) => Array.from({ length: o }, () => Array.from({ length: i }, () => rng.normal() * 0.7));
  const vec = (o: number) => Array.from({ length: o }, () => rng.normal() * 0.2);
  const model = denseReluModel([
    { weight: mat(5, 4), bias: vec(5) },
    { weight: mat(6, 5), bias: vec(6) },
    { weight: mat(3, 6), bias: vec(3) },
  ]);
  const x = tensor(Array.from({ length: 8 }, () => rng.normal()), [2, 4]);

  it('gradients match central finite differences (index and tensor seeds)', async () => {
    const seedT = tensor([0.3, -1, 2, 1, 0.5, -0.25], [2, 3]);
    for (const seed of [{ kind: 'index' as const, indices: [2, 0] }, { kind: 'tensor' as const, seed: seedT }]) {
      const g = await model.gradient(x, { seed });
      const h = 1e-2;
      for (let k = 0; k < 8; k++) {
        const r = Math.floor(k / 4);
        const scalar = async (delta: number) => {
          const xp = tensor(x.data.slice(), [2, 4]);
          xp.data[k] = x.data[k]! + delta;
          const y = await model.forward(xp);
          return seed.kind === 'index' ? y.data[r * 3 + seed.indices[r]!]! : [0, 1, 2].reduce((s, j) => s + seedT.data[r * 3 + j]! * y.data[r * 3 + j]!, 0);
        };
        const fd = ((await scalar(h)) - (await scalar(-h))) / (2 * h);
        // piecewise linear: exact unless a kink lies within ±h; float32 outputs → ~1e-5 noise
        expect(Math.abs(fd - g.inputGradient.data[k]!)).toBeLessThan(2e-4);
      }
    }
  });

  it('linear model: gradient of output t is row t of W, outputs W x + b', async () => {
    const lin = linearModel([[1, 2], [3, -4]], [0.5, -0.5]);
    const g = await lin.gradient(tensor([1, 1, 2, -1], [2, 2]), { seed: { kind: 'index', indices: [1, 0] } });
    expect(Array.from(g.inputGradient.data)).toEqual([3, -4, 1, 2]);
    expect(Array.from(g.outputs.data)).toEqual([3.5, -1.5, 0.5, 9.5]);
    expect(lin.inputShape).toEqual([2]);
    expect(lin.outputShape).toEqual([2]);
  });

  it("ReLU'(0) = 0 (PyTorch convention)", async () => {
    const m = denseReluModel([{ weight: [[1]], bias: [0] }, { weight: [[2]], bias: [0] }]);
    const g0 = await m.gradient(tensor([0], [1, 1]), { seed: { kind: 'index', indices: [0] } });
    const g1 = await m.gradient(tensor([1e-3], [1, 1]), { seed: { kind: 'index', indices: [0] } });
    expect(g0.inputGradient.data[0]).toBe(0);
    expect(g1.inputGradient.data[0]).toBe(2);
  });

  it('IG paper model computes ReLU(ReLU(x1) − 1 − ReLU(x2))', async () => {
    const m = igPaperModel();
    const y = await m.forward(tensor([3, 1, 1, 0, 0.5, -2, -1, -1], [4, 2]));
    expect(Array.from(y.data)).toEqual([1, 0, 0, 0]);
  });

  it('validates shapes, seeds, capabilities and abort', async () => {
    await expect(model.forward(tensor([1, 2, 3], [1, 3]))).rejects.toBeInstanceOf(ShapeError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [3, 0] } })).rejects.toBeInstanceOf(TargetError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0] } })).rejects.toBeInstanceOf(TargetError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 0] }, layers: ['fc1'] })).rejects.toBeInstanceOf(CapabilityError);
    await expect(model.activations(x, ['fc1'])).rejects.toBeInstanceOf(CapabilityError);
    const ac = new AbortController();
    ac.abort();
    await expect(model.forward(x, { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    expect(() => denseReluModel([])).toThrow(InvalidArgumentError);
    expect(() => denseReluModel([{ weight: [[1, 2]] }, { weight: [[1, 2, 3]] }])).toThrow(ShapeError);
    expect(() => denseReluModel([{ weight: [[1, 2]], bias: [1, 2] }])).toThrow(ShapeError);
  });
});

describe('functionModel and spyModel', () => {
  const fm = functionModel(async (x) => ({ shape: [x.shape[0]!, 1], data: Float32Array.from({ length: x.shape[0]! }, (_, i) => x.data[2 * i]! * x.data[2 * i + 1]!) }), {
    inputShape: [2],
    outputShape: [1],
  });

  it('forward works; capabilities are all false; gradient/activations throw CapabilityError', async () => {
    expect(Array.from((await fm.forward(tensor([2, 3, -1, 4], [2, 2]))).data)).toEqual([6, -4]);
    expect(fm.capabilities).toEqual({ gradients: false, layers: false, rules: false });
    await expect(fm.gradient(tensor([1, 1], [1, 2]), { seed: { kind: 'index', indices: [0] } })).rejects.toBeInstanceOf(CapabilityError);
    await expect(fm.activations(tensor([1, 1], [1, 2]), [])).rejects.toBeInstanceOf(CapabilityError);
    await expect(fm.forward(tensor([1, 2, 3], [1, 3]))).rejects.toBeInstanceOf(ShapeError);
  });

  it('rejects functions returning the wrong shape', async () => {
    const bad = functionModel(() => tensor([1, 2], [1, 2]), { inputShape: [2], outputShape: [1] });
    await expect(bad.forward(tensor([1, 1], [1, 2]))).rejects.toBeInstanceOf(ShapeError);
  });

  it('spyModel records calls and delegates', async () => {
    const { model, calls } = spyModel(linearModel([[1, 1]]));
    await model.forward(tensor([1, 2, 3, 4], [2, 2]));
    await model.gradient(tensor([1, 2], [1, 2]), { seed: { kind: 'index', indices: [0] } });
    expect(calls).toEqual([
      { kind: 'forward', rows: 2 },
      { kind: 'gradient', rows: 1 },
    ]);
    expect(model.inputShape).toEqual([2]);
  });
});

import { describe, expect, it } from 'vitest';
import { linearModel, spyModel } from '../../testing/index.js';
import { tensor } from '../../tensor.js';
import { AbortError, CapabilityError, InvalidArgumentError, ShapeError } from '../../errors.js';
import { ModelCaller } from '../_utils/common.js';
import { fromFunction } from '../../function-model.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  perturbationCalls,
  resolveBatching,
  resolveFeatureMask,
  rowsPerCall,
  spreadGroups,
  TargetReader,
} from '../_utils/perturbation/index.js';

const model = linearModel([
  [1, 2, 3],
  [-1, 0, 0.5],
]);

describe('resolveBatching', () => {
  it('defaults and validation', () => {
    expect(resolveBatching({}, [3])).toEqual({ perturbationsPerEval: Infinity, maxRowsPerCall: 1024 });
    expect(resolveBatching({}, [1 << 20]).maxRowsPerCall).toBe(4);
    expect(resolveBatching({ internalBatchSize: 7 }, [3]).maxRowsPerCall).toBe(7);
    expect(resolveBatching({ internalBatchSize: 7, maxRowsPerCall: 5 }, [3]).maxRowsPerCall).toBe(5);
    expect(() => resolveBatching({ perturbationsPerEval: 0 }, [3])).toThrow(InvalidArgumentError);
    expect(() => resolveBatching({ maxRowsPerCall: 1.5 }, [3])).toThrow(InvalidArgumentError);
    expect(rowsPerCall({ perturbationsPerEval: 3, maxRowsPerCall: 100 }, 4)).toBe(12);
    expect(rowsPerCall({ perturbationsPerEval: 3, maxRowsPerCall: 10 }, 4)).toBe(10);
    expect(perturbationCalls({ perturbationsPerEval: 3, maxRowsPerCall: 10 }, 7, 4)).toBe(3);
  });
});

describe('evaluatePerturbations', () => {
  it('streams every row once, in order, never more than maxRowsPerCall rows per call', async () => {
    const spy = spyModel(model);
    const progress: Array<{ done: number; total: number }> = [];
    const ctx = new ModelCaller(spy.model, undefined, (p) => progress.push(p));
    const batching = { perturbationsPerEval: 2, maxRowsPerCall: 5 };
    const count = 9;
    const rowsPer = 3;
    ctx.plan(perturbationCalls(batching, count, rowsPer));
    const filled: number[] = [];
    const seen: number[] = [];
    await evaluatePerturbations(
      ctx,
      {
        count,
        rowsPer,
        fill: (p, r, dst, off) => {
          filled.push(p * rowsPer + r);
          dst.set([p, r, 1], off);
        },
      },
      batching,
      (p, r, out, off) => {
        seen.push(p * rowsPer + r);
        // y0 = p + 2r + 3, y1 = -p + 0.5
        expect(out[off]).toBe(p + 2 * r + 3);
        expect(out[off + 1]).toBe(-p + 0.5);
      },
    );
    const all = Array.from({ length: count * rowsPer }, (_, k) => k);
    expect(filled).toEqual(all);
    expect(seen).toEqual(all);
    expect(spy.calls.map((c) => c.rows)).toEqual([5, 5, 5, 5, 5, 2]);
    expect(ctx.modelCalls).toBe(6);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p.total === 6)).toBe(true);
  });

  it('perturbationsPerEval bounds the rows per call', async () => {
    const spy = spyModel(model);
    const ctx = new ModelCaller(spy.model);
    await evaluatePerturbations(ctx, { count: 5, rowsPer: 2, fill: (_p, _r, dst, off) => dst.fill(0, off, off + 3) }, { perturbationsPerEval: 2, maxRowsPerCall: 1000 }, () => {});
    expect(spy.calls.map((c) => c.rows)).toEqual([4, 4, 2]);
  });

  it('aborts between calls', async () => {
    const controller = new AbortController();
    const ctx = new ModelCaller(model, controller.signal);
    let calls = 0;
    await expect(
      evaluatePerturbations(ctx, { count: 10, rowsPer: 1, fill: (_p, _r, dst, off) => dst.fill(1, off, off + 3) }, { perturbationsPerEval: 1, maxRowsPerCall: 1 }, (p) => {
        calls = p + 1;
        if (p === 2) controller.abort();
      }),
    ).rejects.toThrow(AbortError);
    expect(calls).toBe(3);
  });
});

describe('evaluateInputs / TargetReader', () => {
  it('resolves the predicted class and reads f(x)', async () => {
    const ctx = new ModelCaller(model);
    const x = tensor([1, 1, 1, -2, 0, 0], [2, 3]);
    const ev = await evaluateInputs(ctx, x, undefined, resolveBatching({ maxRowsPerCall: 1 }, [3]));
    expect(ev.target).toEqual({ kind: 'index', indices: [0, 1] });
    expect(Array.from(ev.fx)).toEqual([6, 2]);
    expect(ctx.modelCalls).toBe(2);
    const seed = tensor([1, 1, 0, 2], [2, 2]);
    const reader = new TargetReader({ kind: 'tensor', seed }, [2]);
    expect(reader.value(ev.outputs.data, 2, 1)).toBe(4);
  });
});

describe('feature masks', () => {
  it('default, broadcast and per-example masks', () => {
    const d = resolveFeatureMask(undefined, 2, [2, 2]);
    expect(d.groups).toBe(4);
    expect(Array.from(d.elements(1, 2))).toEqual([2]);
    const b = resolveFeatureMask(tensor([0, 1, 1, 0], [2, 2]), 3, [2, 2]);
    expect(b.groups).toBe(2);
    expect(b.perExample).toBe(false);
    expect(Array.from(b.elements(2, 0))).toEqual([0, 3]);
    expect(b.size(0, 1)).toBe(2);
    const p = resolveFeatureMask([0, 0, 1, 1, 2, 2, 2, 0], 2, [4]);
    expect(p.perExample).toBe(true);
    expect(p.groups).toBe(3);
    expect(Array.from(p.elements(1, 2))).toEqual([0, 1, 2]);
    expect(p.size(0, 2)).toBe(0);
    expect(Array.from(spreadGroups(p, 2, Float64Array.from([1, 2, 3, 4, 5, 6])))).toEqual([1, 1, 2, 2, 6, 6, 6, 4]);
  });
  it('typed errors for bad masks', () => {
    expect(() => resolveFeatureMask(tensor([0, 1, 2], [3]), 1, [4])).toThrow(ShapeError);
    expect(() => resolveFeatureMask([0, 1, 2], 2, [4])).toThrow(ShapeError);
    expect(() => resolveFeatureMask([0, -1, 2, 3], 1, [4])).toThrow(InvalidArgumentError);
    expect(() => resolveFeatureMask([0, 0.5, 2, 3], 1, [4])).toThrow(InvalidArgumentError);
    expect(() => resolveFeatureMask('abc' as never, 1, [4])).toThrow();
  });
});

describe('fromFunction', () => {
  it('is forward-only and checks shapes', async () => {
    const m = fromFunction(async (x) => ({ shape: [x.shape[0]!, 1], data: Float32Array.from({ length: x.shape[0]! }, (_, i) => x.data[i * 2]! + x.data[i * 2 + 1]!) }), {
      inputShape: [2],
      outputShape: [1],
      name: 'sum',
    });
    expect(m.capabilities).toEqual({ gradients: false, layers: false, rules: false });
    expect(Array.from((await m.forward(tensor([1, 2, 3, 4], [2, 2]))).data)).toEqual([3, 7]);
    await expect(m.forward(tensor([1, 2, 3], [1, 3]))).rejects.toThrow(ShapeError);
    await expect(m.gradient(tensor([1, 2], [1, 2]), { seed: { kind: 'index', indices: [0] } })).rejects.toThrow(CapabilityError);
    await expect(m.activations(tensor([1, 2], [1, 2]), [])).rejects.toThrow(CapabilityError);
    const bad = fromFunction(async () => tensor([1, 2], [2, 1]), { inputShape: [2], outputShape: [1] });
    await expect(bad.forward(tensor([1, 2], [1, 2]))).rejects.toThrow(ShapeError);
    expect(() => fromFunction(async (x) => x, { inputShape: [0], outputShape: [1] })).toThrow(InvalidArgumentError);
  });
});

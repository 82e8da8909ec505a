import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../tensor.js';
import { OPS } from '../ops/index.js';
import { checkVjp, expectClose, mkNode, randomTensor, runOp, t } from './helpers.js';

const iota = (shape: number[]): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, (_, i) => i), shape);
};

describe('ReduceSum / ReduceMean', () => {
  const x = iota([2, 3]);
  it('hand examples with and without keepdims, negative axes and all axes', () => {
    expectClose(runOp('ReduceSum', [x], { axes: [1] }), t([3, 12], [2, 1]));
    expectClose(runOp('ReduceSum', [x], { axes: [0], keepdims: 0 }), t([3, 5, 7], [3]));
    expectClose(runOp('ReduceSum', [x], { axes: [-1], keepdims: 0 }), t([3, 12], [2]));
    expectClose(runOp('ReduceSum', [x]), t([15], [1, 1]));
    expectClose(runOp('ReduceSum', [x], { keepdims: 0 }), t([15], []));
    expectClose(runOp('ReduceSum', [x], { axes: [] }), t([15], [1, 1]));
    expectClose(runOp('ReduceSum', [x], { axes: [], noop_with_empty_axes: 1 }), x);
    expectClose(runOp('ReduceMean', [x], { axes: [1] }), t([1, 4], [2, 1]));
    expectClose(runOp('ReduceMean', [x], { axes: [0], keepdims: 0 }), t([1.5, 2.5, 3.5], [3]));
    expectClose(runOp('ReduceMean', [x], { keepdims: 0 }), t([2.5], []));
  });
  it('VJPs vs FD for several axis sets', () => {
    const y = randomTensor([2, 3, 4], 1);
    for (const op of ['ReduceSum', 'ReduceMean'] as const) {
      checkVjp(op, [y], { axes: [1] });
      checkVjp(op, [y], { axes: [0, 2], keepdims: 0 });
      checkVjp(op, [y], { axes: [-1] });
      checkVjp(op, [y]);
      checkVjp(op, [y], { keepdims: 0 });
    }
  });
  it('shape inference keeps a dynamic batch; rejects repeated axes and bad keepdims', () => {
    expect(OPS.ReduceMean.inferShapes([[-1, 3, 4]], mkNode('ReduceMean', 1, { axes: [2], keepdims: 0 }))).toEqual([[-1, 3]]);
    expect(() => runOp('ReduceSum', [x], { axes: [1, -1] })).toThrow(/repeat/);
    expect(() => runOp('ReduceSum', [x], { axes: [2] })).toThrow(/out of range/);
    expect(() => runOp('ReduceSum', [x], { keepdims: 2 })).toThrow(/keepdims/);
  });
});

describe('Squeeze / Unsqueeze', () => {
  it('Squeeze given axes (negative too) or all size-1 dims; rejects squeezing a non-1 dim', () => {
    const x = randomTensor([1, 3, 1, 2], 2);
    expect([...runOp('Squeeze', [x], { axes: [0] }).shape]).toEqual([3, 1, 2]);
    expect([...runOp('Squeeze', [x], { axes: [-2, 0] }).shape]).toEqual([3, 2]);
    expect([...runOp('Squeeze', [x]).shape]).toEqual([3, 2]);
    expectClose(runOp('Squeeze', [x]), Array.from(x.data));
    checkVjp('Squeeze', [x], { axes: [2] });
    expect(() => runOp('Squeeze', [x], { axes: [1] })).toThrow(/squeeze axis 1/);
    expect(OPS.Squeeze.inferShapes([[-1, 1, 4]], mkNode('Squeeze', 1, { axes: [1] }))).toEqual([[-1, 4]]);
  });
  it('Unsqueeze inserts size-1 dims at output positions (negative too); axes required', () => {
    const x = randomTensor([3, 2], 3);
    expect([...runOp('Unsqueeze', [x], { axes: [0] }).shape]).toEqual([1, 3, 2]);
    expect([...runOp('Unsqueeze', [x], { axes: [1, -1] }).shape]).toEqual([3, 1, 2, 1]);
    expect([...runOp('Unsqueeze', [x], { axes: [0, 3] }).shape]).toEqual([1, 3, 2, 1]);
    expectClose(runOp('Unsqueeze', [x], { axes: [2] }), Array.from(x.data));
    checkVjp('Unsqueeze', [x], { axes: [1] });
    expect(() => runOp('Unsqueeze', [x])).toThrow(/axes/);
    expect(() => runOp('Unsqueeze', [x], { axes: [4] })).toThrow(/out of range/);
  });
});

describe('Slice', () => {
  const x = iota([3, 5]);
  const rows = (y: Tensor) => [...y.shape];
  it('hand examples: positive, negative and out-of-range starts/ends, explicit and default axes', () => {
    expectClose(runOp('Slice', [x], { starts: [1], ends: [3], axes: [1] }), t([1, 2, 6, 7, 11, 12], [3, 2]));
    expectClose(runOp('Slice', [x], { starts: [-2], ends: [1000], axes: [-1] }), t([3, 4, 8, 9, 13, 14], [3, 2]));
    expectClose(runOp('Slice', [x], { starts: [1, -100], ends: [-1, 2] }), t([5, 6], [1, 2]));
    expectClose(runOp('Slice', [x], { starts: [0], ends: [9.223372036854776e18], axes: [0] }), x);
    expect(rows(runOp('Slice', [x], { starts: [4], ends: [2], axes: [1] }))).toEqual([3, 0]);
    expect(rows(runOp('Slice', [x], { starts: [7], ends: [9], axes: [1] }))).toEqual([3, 0]);
    expect(rows(runOp('Slice', [x], { starts: [-9], ends: [-4], axes: [1] }))).toEqual([3, 1]);
  });
  it('VJP (zero-padding back) vs FD', () => {
    const y = randomTensor([2, 4, 5], 4);
    checkVjp('Slice', [y], { starts: [1, -4], ends: [3, 100], axes: [1, 2] });
    checkVjp('Slice', [y], { starts: [-1], ends: [-100], axes: [0] }); // clamped to [1, 0): empty, zero gradient
    checkVjp('Slice', [y], { starts: [-1], ends: [1000], axes: [0] });
  });
  it('rejects steps other than 1, mismatched lengths, repeated axes; keeps a dynamic batch', () => {
    expect(() => runOp('Slice', [x], { starts: [0], ends: [2], steps: [2] })).toThrow(/steps/);
    expect(() => runOp('Slice', [x], { starts: [0, 1], ends: [2] })).toThrow(/same length/);
    expect(() => runOp('Slice', [x], { starts: [0, 0], ends: [1, 1], axes: [1, -1] })).toThrow(/repeat/);
    expect(OPS.Slice.inferShapes([[-1, 5]], mkNode('Slice', 1, { starts: [1], ends: [-1], axes: [1] }))).toEqual([[-1, 3]]);
  });
});

describe('Gather', () => {
  const x = iota([3, 4]);
  it('vector, scalar, multi-d and negative indices on either axis', () => {
    expectClose(runOp('Gather', [x], { indices: [2, 0] }), t([8, 9, 10, 11, 0, 1, 2, 3], [2, 4]));
    expectClose(runOp('Gather', [x], { indices: [1], indices_shape: [] }), t([4, 5, 6, 7], [4]));
    expectClose(runOp('Gather', [x], { axis: 1, indices: [-1], indices_shape: [] }), t([3, 7, 11], [3]));
    expectClose(runOp('Gather', [x], { axis: -1, indices: [0, 3, -1, 1], indices_shape: [2, 2] }), t([0, 3, 3, 1, 4, 7, 7, 5, 8, 11, 11, 9], [3, 2, 2]));
  });
  it('VJP (scatter-add; repeated and missing indices) vs FD', () => {
    const y = randomTensor([2, 5, 3], 5);
    checkVjp('Gather', [y], { axis: 1, indices: [4, 0, 4, -1, 2] });
    checkVjp('Gather', [y], { axis: 1, indices: [3], indices_shape: [] });
    checkVjp('Gather', [y], { axis: 2, indices: [0, -1, 0, 0], indices_shape: [2, 2] });
    checkVjp('Gather', [y], { axis: 0, indices: [1] });
  });
  it('rejects out-of-range indices, a wrong indices_shape and missing indices', () => {
    expect(() => runOp('Gather', [x], { indices: [3] })).toThrow(/out of range/);
    expect(() => runOp('Gather', [x], { indices: [-4] })).toThrow(/out of range/);
    expect(() => runOp('Gather', [x], { indices: [0, 1], indices_shape: [3] })).toThrow(/indices_shape/);
    expect(() => runOp('Gather', [x])).toThrow(/indices/);
    expect(OPS.Gather.inferShapes([[-1, 4]], mkNode('Gather', 1, { axis: 1, indices: [0], indices_shape: [] }))).toEqual([[-1]]);
  });
});

describe('Pad', () => {
  it('hand examples: padding with a value, negative pads crop', () => {
    const x = t([1, 2, 3, 4], [2, 2]);
    expectClose(runOp('Pad', [x], { pads: [1, 0, 0, 1], value: 9 }), t([9, 9, 9, 1, 2, 9, 3, 4, 9], [3, 3]));
    expectClose(runOp('Pad', [x], { pads: [0, -1, 1, 0] }), t([2, 4, 0], [3, 1]));
    expectClose(runOp('Pad', [x], { pads: [0, 0, 0, 0], mode: 'constant' }), x);
  });
  it('VJP vs FD with positive, negative and mixed pads', () => {
    const y = randomTensor([2, 3, 4], 6);
    checkVjp('Pad', [y], { pads: [0, 1, 2, 0, 2, 1], value: 0.5 });
    checkVjp('Pad', [y], { pads: [0, -1, 1, 0, 0, -2] });
    checkVjp('Pad', [y], { pads: [-1, 0, 0, 0, 0, -1] });
  });
  it('rejects other modes, wrong lengths, over-cropping; keeps a dynamic batch', () => {
    const x = randomTensor([2, 2], 7);
    expect(() => runOp('Pad', [x], { pads: [1, 1, 1, 1], mode: 'reflect' })).toThrow(/constant/);
    expect(() => runOp('Pad', [x], { pads: [1, 1] })).toThrow(/pads/);
    expect(() => runOp('Pad', [x], { pads: [-2, 0, -1, 0] })).toThrow(/crop/);
    expect(OPS.Pad.inferShapes([[-1, 3]], mkNode('Pad', 1, { pads: [0, 1, 0, 1] }))).toEqual([[-1, 5]]);
  });
});

describe('LayerNormalization', () => {
  /** Naive: per row over the trailing `m` elements, (x − μ)/√(σ² + ε)·scale + b. */
  function naive(x: Tensor, m: number, scale: Tensor, b: Tensor | undefined, eps: number): number[] {
    const out: number[] = [];
    for (let r = 0; r < x.data.length / m; r++) {
      const row = Array.from(x.data.subarray(r * m, (r + 1) * m));
      const mu = row.reduce((p, v) => p + v, 0) / m;
      const v = row.reduce((p, q) => p + (q - mu) ** 2, 0) / m;
      row.forEach((q, i) => out.push(((q - mu) / Math.sqrt(v + eps)) * scale.data[i % scale.data.length]! + (b ? b.data[i % b.data.length]! : 0)));
    }
    return out;
  }
  it('normalises over the last axis (default) and the last two axes', () => {
    const x = randomTensor([2, 3, 4], 8, -2, 2);
    const s4 = randomTensor([4], 9, 0.5, 1.5);
    const b4 = randomTensor([4], 10);
    expectClose(runOp('LayerNormalization', [x, s4, b4]), naive(x, 4, s4, b4, 1e-5));
    const s12 = randomTensor([3, 4], 11, 0.5, 1.5);
    const b12 = randomTensor([3, 4], 12);
    expectClose(runOp('LayerNormalization', [x, s12, b12], { axis: 1, epsilon: 1e-3 }), naive(x, 12, s12, b12, 1e-3));
    expectClose(runOp('LayerNormalization', [x, s12], { axis: -2 }), naive(x, 12, s12, undefined, 1e-5));
  });
  it('VJP vs FD over 1 and 2 axes', () => {
    const x = randomTensor([2, 3, 4], 13, -2, 2);
    checkVjp('LayerNormalization', [x, randomTensor([4], 14, 0.5, 1.5), randomTensor([4], 15)]);
    checkVjp('LayerNormalization', [x, randomTensor([3, 4], 16, 0.5, 1.5), randomTensor([3, 4], 17)], { axis: 1 });
    checkVjp('LayerNormalization', [x, randomTensor([3, 4], 18, 0.5, 1.5)], { axis: -2, epsilon: 0.1 });
  });
  it('rejects a scale that does not fit the normalised shape', () => {
    const node = mkNode('LayerNormalization', 2);
    expect(() => OPS.LayerNormalization.inferShapes([[2, 3, 4], [3]], node)).toThrow(/Scale/);
    expect(() => OPS.LayerNormalization.inferShapes([[2, 3, 4], [2, 3, 4]], mkNode('LayerNormalization', 2, { axis: 1 }))).toThrow(/Scale/);
    expect(OPS.LayerNormalization.inferShapes([[-1, 3, 4], [4], [4]], mkNode('LayerNormalization', 3))).toEqual([[-1, 3, 4]]);
  });
});

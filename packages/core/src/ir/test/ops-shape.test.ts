import { describe, expect, it } from 'vitest';
import { checkVjp, expectClose, randomTensor, runOp, t } from './helpers.js';
import { OPS } from '../ops/index.js';
import { mkNode } from './helpers.js';

describe('Flatten', () => {
  it('collapses around axis (default 1, 0 and negative)', () => {
    const x = randomTensor([2, 3, 4], 1);
    expect([...runOp('Flatten', [x]).shape]).toEqual([2, 12]);
    expect([...runOp('Flatten', [x], { axis: 0 }).shape]).toEqual([1, 24]);
    expect([...runOp('Flatten', [x], { axis: -1 }).shape]).toEqual([6, 4]);
    expect([...runOp('Flatten', [x], { axis: 3 }).shape]).toEqual([24, 1]);
    expectClose(runOp('Flatten', [x]), Array.from(x.data));
    checkVjp('Flatten', [x], { axis: 2 });
  });
  it('propagates an unknown batch dimension in shape inference', () => {
    expect(OPS.Flatten.inferShapes([[-1, 3, 4]], mkNode('Flatten', 1))).toEqual([[-1, 12]]);
  });
});

describe('Reshape', () => {
  it('copies 0 and infers -1', () => {
    const x = randomTensor([2, 3, 4], 2);
    expect([...runOp('Reshape', [x], { shape: [0, -1] }).shape]).toEqual([2, 12]);
    expect([...runOp('Reshape', [x], { shape: [4, 0, 2] }).shape]).toEqual([4, 3, 2]);
    expect([...runOp('Reshape', [x], { shape: [-1, 2, 2] }).shape]).toEqual([6, 2, 2]);
    expectClose(runOp('Reshape', [x], { shape: [-1] }), Array.from(x.data));
    checkVjp('Reshape', [x], { shape: [0, 2, -1] });
  });
  it('shape inference with a dynamic batch', () => {
    const node = mkNode('Reshape', 1, { shape: [-1, 12] });
    expect(OPS.Reshape.inferShapes([[-1, 3, 4]], node)).toEqual([[-1, 12]]);
    expect(OPS.Reshape.inferShapes([[-1, 3, 4]], mkNode('Reshape', 1, { shape: [0, -1] }))).toEqual([[-1, 12]]);
    expect(OPS.Reshape.inferShapes([[-1, 3, 4]], mkNode('Reshape', 1, { shape: [0, 6, 2] }))).toEqual([[-1, 6, 2]]);
  });
  it('rejects impossible reshapes and missing shape', () => {
    expect(() => runOp('Reshape', [randomTensor([2, 3], 1)], { shape: [4, -1] })).toThrow(/reshape/);
    expect(() => runOp('Reshape', [randomTensor([2, 3], 1)], { shape: [5] })).toThrow(/reshape/);
    expect(() => runOp('Reshape', [randomTensor([2, 3], 1)], { shape: [-1, -1] })).toThrow(/more than one/);
    expect(() => runOp('Reshape', [randomTensor([2, 3], 1)])).toThrow(/shape/);
  });
});

describe('Transpose', () => {
  it('permutes axes (default reverses)', () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expectClose(runOp('Transpose', [x]), t([1, 4, 2, 5, 3, 6], [3, 2]));
    const y = randomTensor([2, 3, 4], 3);
    const z = runOp('Transpose', [y], { perm: [1, 2, 0] });
    expect([...z.shape]).toEqual([3, 4, 2]);
    // z[b, c, a] = y[a, b, c]
    expect(z.data[(1 * 4 + 2) * 2 + 1]).toBe(y.data[(1 * 3 + 1) * 4 + 2]);
    checkVjp('Transpose', [y], { perm: [1, 2, 0] });
  });
  it('rejects a non-permutation', () => {
    expect(() => runOp('Transpose', [randomTensor([2, 3], 1)], { perm: [0, 0] })).toThrow(/perm/);
  });
});

describe('Concat', () => {
  it('joins along an axis; VJP slices back', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6], [2, 1]);
    expectClose(runOp('Concat', [a, b], { axis: 1 }), t([1, 2, 5, 3, 4, 6], [2, 3]));
    expectClose(runOp('Concat', [a, t([7, 8], [1, 2])], { axis: -2 }), t([1, 2, 3, 4, 7, 8], [3, 2]));
    checkVjp('Concat', [randomTensor([2, 3, 2], 1), randomTensor([2, 1, 2], 2), randomTensor([2, 2, 2], 3)], { axis: 1 }, { wrt: [0, 1, 2] });
  });
  it('rejects mismatched shapes', () => {
    expect(() => OPS.Concat.inferShapes([[2, 2], [3, 1]], mkNode('Concat', 2, { axis: 1 }))).toThrow(/differ/);
    expect(OPS.Concat.inferShapes([[-1, 2], [-1, 3]], mkNode('Concat', 2, { axis: 1 }))).toEqual([[-1, 5]]);
  });
});

describe('Identity and Dropout', () => {
  it('pass values and gradients through', () => {
    const x = randomTensor([2, 3], 4);
    expectClose(runOp('Identity', [x]), x);
    expectClose(runOp('Dropout', [x], { ratio: 0.5 }), x);
    checkVjp('Identity', [x]);
    checkVjp('Dropout', [x]);
  });
});

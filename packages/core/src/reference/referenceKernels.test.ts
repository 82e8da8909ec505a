import { describe, expect, it } from 'vitest';
import type { Conv2DParams, Pool2DParams } from '../ir/kernels.js';
import type { Tensor } from '../tensor.js';
import { referenceKernels as k } from './index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const ramp = (shape: number[]): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, (_, i) => Math.sin(i + 1)), shape);
};

describe('referenceKernels', () => {
  it('is the reference backend and implements every kernel', () => {
    expect(k.name).toBe('reference');
    const names = [
      'fromHost', 'toHost', 'shape', 'fill', 'add', 'sub', 'mul', 'div', 'pow', 'neg', 'abs', 'exp', 'log', 'erf', 'sqrt', 'relu', 'leakyRelu',
      'sigmoid', 'tanh', 'step', 'sum', 'softmax', 'reshape', 'transpose', 'concat', 'slice', 'broadcastTo', 'pad', 'gather', 'matmul',
      'conv2d', 'conv2dBackpropInput', 'maxPool', 'maxPoolBackprop', 'avgPool', 'avgPoolBackprop',
    ] as const;
    for (const n of names) expect(typeof k[n]).toBe('function');
  });

  it('never mutates its inputs (every kernel)', () => {
    const a = ramp([2, 3, 4, 4]);
    const b = ramp([1, 3, 1, 4]);
    const w = ramp([2, 3, 3, 3]);
    const m = ramp([4, 5]);
    const snapshot = [a, b, w, m].map((x) => ({ shape: [...x.shape], data: Array.from(x.data) }));
    const cp: Conv2DParams = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, layout: 'NCHW' };
    const pp: Pool2DParams = { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], layout: 'NCHW', ceilMode: false, countIncludePad: false };
    k.toHost(k.fromHost(a));
    for (const f of [k.add, k.sub, k.mul, k.div, k.pow]) f(a, b);
    for (const f of [k.neg, k.abs, k.exp, k.log, k.erf, k.relu, k.sigmoid, k.tanh, k.step]) f(a);
    k.pad(a, [1, 0, -1, 2, 0, 1, 0, -1], 3);
    k.gather(a, [2, 0, 2], 3);
    k.leakyRelu(a, 0.2);
    k.sum(a, [1, 3], true);
    k.softmax(a, 1);
    k.reshape(a, [6, 16]);
    k.transpose(a, [3, 2, 1, 0]);
    k.concat([a, a], 2);
    k.slice(a, [0, 1, 1, 0], [1, 2, 2, 4]);
    k.broadcastTo(b, [2, 3, 4, 4]);
    k.matmul(m, m, true, false);
    const y = k.conv2d(a, w, cp);
    k.conv2dBackpropInput(y, w, a.shape, cp);
    const mp = k.maxPool(a, pp);
    k.maxPoolBackprop(mp, a, pp);
    k.avgPoolBackprop(k.avgPool(a, pp), a.shape, pp);
    [a, b, w, m].forEach((x, i) => {
      expect(x.shape).toEqual(snapshot[i]!.shape);
      expect(Array.from(x.data)).toEqual(snapshot[i]!.data);
    });
  });

  it('accepts tensors that are views into a larger buffer (sliceBatch-style subarrays)', () => {
    const big = Float32Array.from([9, 9, 1, 2, 3, 4, 9]);
    const view: Tensor = { shape: [2, 2], data: big.subarray(2, 6) };
    expect(Array.from(k.matmul(view, view, false, false).data)).toEqual([7, 10, 15, 22]);
    expect(Array.from(k.transpose(view, [1, 0]).data)).toEqual([1, 3, 2, 4]);
    expect(Array.from(k.slice(view, [1, 0], [1, 2]).data)).toEqual([3, 4]);
    expect(Array.from(k.add(view, t([10], [])).data)).toEqual([11, 12, 13, 14]);
  });
});

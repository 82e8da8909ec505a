import { describe, expect, it } from 'vitest';
import { checkVjp, expectClose, randomTensor, runOp, t } from './helpers.js';
import { naivePool, toNCHW, toNHWC } from './naive.js';
import type { NaivePool } from './naive.js';
import type { Tensor } from '../../tensor.js';

const configs: { name: string; x: number[]; o: NaivePool }[] = [
  { name: '2x2 stride 2', x: [2, 2, 4, 4], o: { kernel: [2, 2], strides: [2, 2] } },
  { name: '3x3 stride 1 padded', x: [1, 2, 5, 5], o: { kernel: [3, 3], pads: [1, 1, 1, 1] } },
  { name: 'asymmetric kernel, strides and pads', x: [1, 1, 6, 7], o: { kernel: [3, 2], strides: [2, 3], pads: [1, 0, 0, 1] } },
  { name: 'ceil mode', x: [1, 2, 5, 5], o: { kernel: [2, 2], strides: [2, 2], ceil: true } },
  { name: 'count_include_pad', x: [1, 1, 4, 4], o: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true } },
];

function attrsOf(o: NaivePool, layout: 'NCHW' | 'NHWC') {
  return {
    layout,
    kernel_shape: o.kernel,
    ...(o.strides ? { strides: o.strides } : {}),
    ...(o.pads ? { pads: o.pads } : {}),
    ...(o.ceil ? { ceil_mode: 1 } : {}),
    ...(o.countIncludePad ? { count_include_pad: 1 } : {}),
  };
}

/** Distinct values (no ties) so max-pool gradients are well defined for finite differences. */
function distinct(shape: number[], seed: number): Tensor {
  const x = randomTensor(shape, seed);
  const n = x.data.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x.data[a]! - x.data[b]!);
  order.forEach((idx, rank) => (x.data[idx] = (rank - n / 2) * 0.1));
  return x;
}

describe('MaxPool and AveragePool', () => {
  it('hand example', () => {
    const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
    const a = { kernel_shape: [2, 2], strides: [2, 2] };
    expectClose(runOp('MaxPool', [x], a), t([6, 8, 14, 16], [1, 1, 2, 2]));
    expectClose(runOp('AveragePool', [x], a), t([3.5, 5.5, 11.5, 13.5], [1, 1, 2, 2]));
  });

  for (const c of configs) {
    for (const op of ['MaxPool', 'AveragePool'] as const) {
      it(`${op} ${c.name}: NCHW and NHWC match a naive loop; VJP vs FD`, () => {
        const x = distinct(c.x, 7);
        const expected = naivePool(x, op === 'MaxPool' ? 'max' : 'avg', c.o);
        expectClose(runOp(op, [x], attrsOf(c.o, 'NCHW')), expected);
        expectClose(toNCHW(runOp(op, [toNHWC(x)], attrsOf(c.o, 'NHWC'))), expected);
        // eps below half the gap between distinct values keeps the argmax fixed.
        checkVjp(op, [x], attrsOf(c.o, 'NCHW'), { eps: 1e-2 });
        checkVjp(op, [toNHWC(x)], attrsOf(c.o, 'NHWC'), { eps: 1e-2 });
      });
    }
  }

  it('rejects dilations, pads >= kernel, and the Indices output', () => {
    const x = randomTensor([1, 1, 4, 4], 1);
    expect(() => runOp('MaxPool', [x], { kernel_shape: [2, 2], dilations: [2, 2] })).toThrow(/dilations/);
    expect(() => runOp('MaxPool', [x], { kernel_shape: [2, 2], pads: [2, 0, 0, 0] })).toThrow(/pads/);
    expect(() => runOp('AveragePool', [x], {})).toThrow(/kernel_shape/);
  });
});

describe('GlobalAveragePool', () => {
  it('averages spatial dims, keeping 1x1 (both layouts); VJP vs FD', () => {
    const x = randomTensor([2, 3, 4, 5], 3);
    const y = runOp('GlobalAveragePool', [x]);
    expect([...y.shape]).toEqual([2, 3, 1, 1]);
    const expected = Array.from({ length: 6 }, (_, i) => {
      let s = 0;
      for (let j = 0; j < 20; j++) s += x.data[i * 20 + j]!;
      return s / 20;
    });
    expectClose(y, expected);
    const yh = runOp('GlobalAveragePool', [toNHWC(x)], { layout: 'NHWC' });
    expect([...yh.shape]).toEqual([2, 1, 1, 3]);
    expectClose(yh, expected);
    checkVjp('GlobalAveragePool', [x]);
    checkVjp('GlobalAveragePool', [toNHWC(x)], { layout: 'NHWC' });
  });
});

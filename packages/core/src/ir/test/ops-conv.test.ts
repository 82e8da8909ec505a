import { describe, expect, it } from 'vitest';
import { checkVjp, expectClose, randomTensor, runOp, t } from './helpers.js';
import { naiveConv, toHWIO, toNCHW, toNHWC } from './naive.js';
import type { NaiveConv } from './naive.js';

const configs: { name: string; x: number[]; w: number[]; o: NaiveConv }[] = [
  { name: 'plain 3x3', x: [2, 2, 5, 5], w: [3, 2, 3, 3], o: {} },
  { name: 'strided, asymmetric pads', x: [1, 2, 6, 5], w: [2, 2, 3, 2], o: { strides: [2, 1], pads: [1, 0, 2, 1] } },
  { name: 'dilated', x: [1, 1, 7, 7], w: [2, 1, 2, 3], o: { dilations: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'grouped (2 groups)', x: [2, 4, 4, 4], w: [6, 2, 3, 3], o: { group: 2, pads: [1, 1, 1, 1] } },
  { name: 'depthwise, strided, padded', x: [1, 3, 5, 5], w: [3, 1, 3, 3], o: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] } },
];

function attrsOf(o: NaiveConv, layout: 'NCHW' | 'NHWC') {
  return {
    layout,
    ...(o.strides ? { strides: o.strides } : {}),
    ...(o.pads ? { pads: o.pads } : {}),
    ...(o.dilations ? { dilations: o.dilations } : {}),
    ...(o.group ? { group: o.group } : {}),
  };
}

describe('Conv', () => {
  it('hand example: 1x1 image patch sums', () => {
    const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = t([1, 1, 1, 1], [1, 1, 2, 2]);
    expectClose(runOp('Conv', [x, w, t([10], [1])]), t([22, 26, 34, 38], [1, 1, 2, 2]));
  });

  for (const c of configs) {
    it(`${c.name}: NCHW and NHWC match a naive loop (with bias); input VJP vs FD`, () => {
      const x = randomTensor(c.x, 1);
      const w = randomTensor(c.w, 2);
      const b = randomTensor([c.w[0]!], 3);
      const expected = naiveConv(x, w, b, c.o);
      expectClose(runOp('Conv', [x, w, b], attrsOf(c.o, 'NCHW')), expected);
      const yh = runOp('Conv', [toNHWC(x), toHWIO(w), b], attrsOf(c.o, 'NHWC'));
      expectClose(toNCHW(yh), expected);
      checkVjp('Conv', [x, w, b], attrsOf(c.o, 'NCHW'));
      checkVjp('Conv', [toNHWC(x), toHWIO(w)], attrsOf(c.o, 'NHWC'));
    });
  }

  it('supports auto_pad SAME_UPPER', () => {
    const x = randomTensor([1, 1, 5, 5], 4);
    const w = randomTensor([1, 1, 3, 3], 5);
    const y = runOp('Conv', [x, w], { auto_pad: 'SAME_UPPER', strides: [2, 2] });
    expectClose(y, naiveConv(x, w, undefined, { strides: [2, 2], pads: [1, 1, 1, 1] }));
  });

  it('rejects channel mismatches, bad groups and bad kernel_shape', () => {
    expect(() => runOp('Conv', [randomTensor([1, 3, 4, 4], 1), randomTensor([2, 2, 3, 3], 2)])).toThrow(/channels/);
    expect(() => runOp('Conv', [randomTensor([1, 4, 4, 4], 1), randomTensor([3, 2, 3, 3], 2)], { group: 2 })).toThrow(/group/);
    expect(() => runOp('Conv', [randomTensor([1, 2, 4, 4], 1), randomTensor([2, 2, 3, 3], 2)], { kernel_shape: [2, 2] })).toThrow(
      /kernel_shape/,
    );
    expect(() => runOp('Conv', [randomTensor([1, 2, 4, 4], 1), randomTensor([2, 2, 3, 3], 2)], { strides: [0, 1] })).toThrow(/strides/);
  });
});

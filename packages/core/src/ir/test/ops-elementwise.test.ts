import { describe, expect, it } from 'vitest';
import { checkVjp, expectClose, randomTensor, runOp, t } from './helpers.js';
import type { Tensor } from '../../tensor.js';
import type { OpType } from '../graph.js';

/** Inputs bounded away from 0 (kinks, division). */
function awayFromZero(shape: number[], seed: number): Tensor {
  const x = randomTensor(shape, seed, 0.3, 1.5);
  const s = randomTensor(shape, seed + 1000);
  x.data.forEach((v, i) => (x.data[i] = s.data[i]! < 0 ? -v : v));
  return x;
}

describe('broadcasting binary ops', () => {
  const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = t([10, 20, 30], [3]);
  const cases: [OpType, number[]][] = [
    ['Add', [11, 22, 33, 14, 25, 36]],
    ['Sub', [-9, -18, -27, -6, -15, -24]],
    ['Mul', [10, 40, 90, 40, 100, 180]],
    ['Div', [0.1, 0.1, 0.1, 0.4, 0.25, 0.2]],
  ];
  for (const [op, expected] of cases) {
    it(`${op}: hand example with broadcasting and VJP vs FD (both inputs reduced to their shapes)`, () => {
      expectClose(runOp(op, [a, b]), t(expected, [2, 3]));
      for (const [sa, sb] of [
        [[2, 3], [2, 3]],
        [[2, 3], [3]],
        [[2, 1, 4], [3, 1]],
        [[1], [2, 2]],
      ] as [number[], number[]][]) {
        checkVjp(op, [awayFromZero(sa, 1), awayFromZero(sb, 2)], {}, { wrt: [0, 1] });
      }
    });
  }

  it('rejects shapes that do not broadcast', () => {
    expect(() => runOp('Add', [randomTensor([2, 3], 1), randomTensor([2], 2)])).toThrow(/broadcast/);
  });
});

describe('activations', () => {
  const x = t([-2, -0.5, 0, 0.5, 2], [5]);
  it('Relu', () => {
    expectClose(runOp('Relu', [x]), [0, 0, 0, 0.5, 2]);
    checkVjp('Relu', [awayFromZero([3, 4], 3)]);
  });
  it('LeakyRelu (default alpha 0.01 and custom alpha)', () => {
    expectClose(runOp('LeakyRelu', [x]), [-0.02, -0.005, 0, 0.5, 2]);
    expectClose(runOp('LeakyRelu', [x], { alpha: 0.2 }), [-0.4, -0.1, 0, 0.5, 2]);
    checkVjp('LeakyRelu', [awayFromZero([3, 4], 4)], { alpha: 0.2 });
    checkVjp('LeakyRelu', [awayFromZero([3, 4], 5)]);
  });
  it('Sigmoid', () => {
    expectClose(runOp('Sigmoid', [x]), Array.from(x.data, (v) => 1 / (1 + Math.exp(-v))));
    checkVjp('Sigmoid', [randomTensor([3, 4], 6, -3, 3)]);
  });
  it('Tanh', () => {
    expectClose(runOp('Tanh', [x]), Array.from(x.data, Math.tanh));
    checkVjp('Tanh', [randomTensor([3, 4], 7, -2, 2)]);
  });
});

describe('Softmax', () => {
  function naive(x: Tensor, axis: number): number[] {
    const shape = x.shape;
    const inner = shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const n = shape[axis]!;
    const outer = x.data.length / (n * inner);
    const out = new Array<number>(x.data.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const idx = (j: number) => (o * n + j) * inner + i;
        let m = -Infinity;
        for (let j = 0; j < n; j++) m = Math.max(m, x.data[idx(j)]!);
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.exp(x.data[idx(j)]! - m);
        for (let j = 0; j < n; j++) out[idx(j)] = Math.exp(x.data[idx(j)]! - m) / s;
      }
    return out;
  }
  it('defaults to the last axis (opset 13)', () => {
    const x = t([1, 2, 3, 1, 1, 1], [2, 3]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0]! + e[1]! + e[2]!;
    expectClose(runOp('Softmax', [x]), [e[0]! / s, e[1]! / s, e[2]! / s, 1 / 3, 1 / 3, 1 / 3]);
  });
  it('works along any single axis; VJP vs FD', () => {
    const x = randomTensor([2, 3, 4], 8, -2, 2);
    for (const axis of [0, 1, 2, -1, -2]) {
      expectClose(runOp('Softmax', [x], { axis }), naive(x, axis < 0 ? axis + 3 : axis));
      checkVjp('Softmax', [x], { axis });
    }
  });
  it('rejects an out-of-range axis', () => {
    expect(() => runOp('Softmax', [randomTensor([2, 3], 1)], { axis: 2 })).toThrow(/axis/);
  });
});

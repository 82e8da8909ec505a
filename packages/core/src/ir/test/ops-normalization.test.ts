import { describe, expect, it } from 'vitest';
import { checkVjp, expectClose, randomTensor, runOp, t } from './helpers.js';

describe('BatchNormalization (inference)', () => {
  const scale = t([1, 2, -0.5], [3]);
  const bias = t([0.1, -0.2, 0.3], [3]);
  const mean = t([0.5, -1, 0], [3]);
  const variance = t([1, 4, 0.25], [3]);
  function naive(x: { shape: readonly number[]; data: Float32Array }, channelAxis: number, eps: number): number[] {
    const inner = x.shape.slice(channelAxis + 1).reduce((p, q) => p * q, 1);
    return Array.from(x.data, (v, i) => {
      const c = Math.floor(i / inner) % 3;
      return (scale.data[c]! * (v - mean.data[c]!)) / Math.sqrt(variance.data[c]! + eps) + bias.data[c]!;
    });
  }
  it('normalises per channel in NCHW (axis 1) with the default epsilon 1e-5', () => {
    const x = randomTensor([2, 3, 2, 2], 1, -2, 2);
    expectClose(runOp('BatchNormalization', [x, scale, bias, mean, variance]), naive(x, 1, 1e-5));
    expectClose(runOp('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: 0.1 }), naive(x, 1, 0.1));
    checkVjp('BatchNormalization', [x, scale, bias, mean, variance]);
  });
  it('normalises along the last axis in NHWC, and rank-2 inputs', () => {
    const x = randomTensor([2, 2, 2, 3], 2, -2, 2);
    expectClose(runOp('BatchNormalization', [x, scale, bias, mean, variance], { layout: 'NHWC' }), naive(x, 3, 1e-5));
    checkVjp('BatchNormalization', [x, scale, bias, mean, variance], { layout: 'NHWC' });
    const x2 = randomTensor([4, 3], 3);
    expectClose(runOp('BatchNormalization', [x2, scale, bias, mean, variance]), naive(x2, 1, 1e-5));
  });
  it('rejects parameter vectors of the wrong length and training mode', () => {
    const x = randomTensor([2, 4, 2, 2], 1);
    expect(() => runOp('BatchNormalization', [x, scale, bias, mean, variance])).toThrow();
    expect(() => runOp('BatchNormalization', [randomTensor([2, 3], 1), scale, bias, mean, variance], { training_mode: 1 })).toThrow(
      /inference/,
    );
  });
});

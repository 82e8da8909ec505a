/**
 * maxPoolBackprop: each window's gradient goes to its FIRST maximal element (row-major).
 *
 * Three exact strategies, in order of preference:
 * 1. tfjs's MaxPoolGrad kernel, only where a one-time probe shows it routes ties to the first
 *    maximum and handles negative maxima (the cpu backend). The wasm backend's kernel fails both:
 *    ties go to the last maximum, and windows whose maximum is <= FLT_MIN get no gradient at all.
 * 2. Windows that tile the input (stride == kernel), with element-wise arithmetic only (exact on
 *    every backend, ~5x faster than tfjs's wasm MaxPoolGrad): on the window view
 *    [n, oh, kh, ow, kw, c] of the (-inf padded) input, maxima are where y − x == 0; each maximum
 *    scores kh·kw − its row-major offset; the window's best score (a max-pool) marks the first
 *    maximum, which receives dy. (A window containing +inf yields NaN there: inf − inf.)
 * 3. Otherwise exact comparisons: for each kernel offset (a, b) in row-major order, the strided
 *    slice of the padded input equal to the window maximum and not already claimed by an earlier
 *    offset receives dy; the pieces are upsampled, shifted and summed.
 * NCHW via transposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Pool2DParams } from '@glasswing/core';
import { explicitPad, padOrCrop, toNCHW, toNHWC, type Pads4 } from './layout.js';
import { maxPoolNHWC } from './max-pool.js';
import { poolGeometry, type PoolGeometry } from './pool-geometry.js';
import { upsample } from './upsample.js';

/** Whether the active backend's MaxPoolGrad routes ties to the first maximum and handles negative maxima. */
export type MaxPoolGradTrust = (backend: string) => boolean;

export function maxPoolBackprop(trust: MaxPoolGradTrust, dy: tf.Tensor, x: tf.Tensor, p: Pool2DParams): tf.Tensor {
  if (p.layout === 'NCHW') return toNCHW(maxPoolBackpropNHWC(trust, toNHWC(dy), toNHWC(x), p));
  return maxPoolBackpropNHWC(trust, dy as tf.Tensor4D, x as tf.Tensor4D, p);
}

function maxPoolBackpropNHWC(trust: MaxPoolGradTrust, dy: tf.Tensor4D, x: tf.Tensor4D, p: Pool2DParams): tf.Tensor4D {
  const g = poolGeometry(x.shape[1], x.shape[2], p);
  // Crop rows/cols that no window reaches: the windows then end exactly at the padded end.
  const crop: Pads4 = [0, 0, Math.min(g.coverB, 0), Math.min(g.coverR, 0)];
  const xc = padOrCrop(x, crop);
  const pads: Pads4 = [p.pads[0], p.pads[1], Math.max(g.coverB, 0), Math.max(g.coverR, 0)];
  const tiles = p.strides[0] === p.kernel[0] && p.strides[1] === p.kernel[1];
  // The backend's own kernel where it is exact (cpu: fastest there), else the tiled arithmetic.
  const dx = trust(tf.getBackend())
    ? nativeGrad(dy, xc, pads, p)
    : tiles
      ? gradByTiles(dy, xc, pads, p, g)
      : gradByComparison(dy, xc, pads, p, g);
  return padOrCrop(dx, [0, 0, -crop[2], -crop[3]]);
}

function nativeGrad(dy: tf.Tensor4D, x: tf.Tensor4D, pads: Pads4, p: Pool2DParams): tf.Tensor4D {
  const attrs = { filterSize: [...p.kernel], strides: [...p.strides], pad: explicitPad(pads) };
  const y = maxPoolNHWC(x, { ...p, pads, ceilMode: false });
  return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs as never) as tf.Tensor4D;
}

function gradByTiles(dy: tf.Tensor4D, x: tf.Tensor4D, pads: Pads4, p: Pool2DParams, g: PoolGeometry): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [kh, kw] = p.kernel;
  const { outH, outW } = g;
  const padded = pads.some((v) => v !== 0);
  const xp = padded ? (tf.pad(x, explicitPad(pads), -Infinity) as tf.Tensor4D) : x;
  // Window view [n, oh, kh, ow, kw, c]; per-window values broadcast as [n, oh, 1, ow, 1, c].
  const win6 = [n, outH, kh, outW, kw, c];
  const per6 = [n, outH, 1, outW, 1, c];
  const x6 = tf.reshape(xp, win6);
  const y = tf.maxPool(xp, [kh, kw], [kh, kw], 'valid');
  // y − x is exactly 0 only at maxima (float subtraction of distinct values never gives 0).
  const isMax = tf.sub(tf.scalar(1), tf.step(tf.sub(tf.reshape(y, per6), x6)));
  // Priority kh·kw − (row-major offset): the first maximum has the highest score in its window.
  const prio = tf.tensor(
    Array.from({ length: kh * kw }, (_, i) => kh * kw - i),
    [1, 1, kh, 1, kw, 1],
  );
  const score = tf.mul(isMax, prio);
  const best = tf.maxPool(tf.reshape(score, xp.shape) as tf.Tensor4D, [kh, kw], [kh, kw], 'valid');
  // Integer scores: score > best − 0.5 exactly where score == best.
  const first = tf.step(tf.sub(score, tf.reshape(tf.sub(best, tf.scalar(0.5)), per6)));
  const dx = tf.reshape(tf.mul(first, tf.reshape(dy, per6)), xp.shape) as tf.Tensor4D;
  return padded ? tf.slice(dx, [0, pads[0], pads[1], 0], [n, h, w, c]) : dx;
}

function gradByComparison(dy: tf.Tensor4D, x: tf.Tensor4D, pads: Pads4, p: Pool2DParams, g: PoolGeometry): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const xp = tf.pad(x, explicitPad(pads), -Infinity) as tf.Tensor4D;
  const y = tf.maxPool(xp, [kh, kw], [sh, sw], 'valid');
  let claimed: tf.Tensor | null = null;
  const pieces: tf.Tensor4D[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const end = [n, a + (g.outH - 1) * sh + 1, b + (g.outW - 1) * sw + 1, c];
      const xs = tf.stridedSlice(xp, [0, a, b, 0], end, [1, sh, sw, 1]);
      const isMax = tf.equal(xs, y);
      const first: tf.Tensor = claimed === null ? isMax : tf.logicalAnd(isMax, tf.logicalNot(claimed));
      if (a < kh - 1 || b < kw - 1) claimed = claimed === null ? isMax : tf.logicalOr(claimed, isMax);
      pieces.push(tf.mul(dy, tf.cast(first, 'float32')) as tf.Tensor4D);
    }
  }
  const hp = h + pads[0] + pads[2];
  const wp = w + pads[1] + pads[3];
  let dxp: tf.Tensor4D;
  if (sh === kh && sw === kw) {
    // Non-overlapping windows tile the padded input: interleave the pieces.
    const rows: tf.Tensor4D[] = [];
    for (let a = 0; a < kh; a++) {
      const row = tf.stack(pieces.slice(a * kw, (a + 1) * kw), 3); // [n, oh, ow, kw, c]
      rows.push(tf.reshape(row, [n, g.outH, g.outW * kw, c]) as tf.Tensor4D);
    }
    dxp = tf.reshape(tf.stack(rows, 2), [n, hp, wp, c]) as tf.Tensor4D; // [n, oh, kh, ow*kw, c]
  } else {
    const placed = pieces.map((piece, i) => {
      const a = Math.floor(i / kw);
      const b = i % kw;
      const up = upsample(piece, sh, sw);
      return padOrCrop(up, [a, b, hp - a - up.shape[1], wp - b - up.shape[2]]);
    });
    dxp = tf.addN(placed) as tf.Tensor4D;
  }
  return tf.slice(dxp, [0, pads[0], pads[1], 0], [n, h, w, c]);
}

/**
 * Probe (once per backend): a window with a tie between negative maxima must send its gradient
 * to the first of them.
 */
export function probeMaxPoolGrad(): boolean {
  return tf.tidy(() => {
    const x = tf.tensor4d([-3, -2, -2, -5], [1, 2, 2, 1]);
    const y = tf.maxPool(x, 2, 2, 'valid');
    const dy = tf.ones([1, 1, 1, 1]);
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs as never) as tf.Tensor;
    return Array.from(dx.dataSync()).join(',') === '0,1,0,0';
  });
}

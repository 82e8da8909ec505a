/**
 * Gradients of convolution and pooling kernels (registered only where tfjs-core registered none).
 * Input gradients everywhere; Conv2D filter gradients (needed to train distilled students) only
 * where the backend has a Conv2DBackpropFilter kernel (tfjs-cpu; wasm has none: requesting one
 * there throws), other weight gradients throw.
 * MaxPool routes to the first maximum (as our kernels); AvgPool uses tfjs's AvgPoolGrad.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedOpError, type Pool2DParams } from '@glasswing/core';
import { maxPoolBackprop, probeMaxPoolGrad } from '../kernels/max-pool-backprop.js';

type Saved = tf.Tensor[];
const T = (t: unknown): tf.Tensor => t as tf.Tensor;

function noWeightGradient(kernel: string): () => tf.Tensor {
  return () => {
    throw new UnsupportedOpError(kernel, `${kernel}: gradients with respect to the filter are not supported`);
  };
}

const probes = new Map<string, boolean>();
function trustMaxPoolGrad(backend: string): boolean {
  let ok = probes.get(backend);
  if (ok === undefined) {
    ok = probeMaxPoolGrad();
    probes.set(backend, ok);
  }
  return ok;
}

/** dL/dW of a stride-1 NHWC convolution: patches [N·H'·W', kh·kw·C]ᵀ · dy [N·H'·W', F] -> [kh, kw, C, F]. */
function filterGradientIm2col(x: tf.Tensor4D, filter: tf.Tensor4D, dy: tf.Tensor4D, pad: unknown, rounding: unknown): tf.Tensor {
  return tf.tidy(() => {
    const [kh, kw, c, f] = filter.shape;
    const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, 1, 1, pad as 'same', rounding as 'floor', false, 'channelsLast');
    const { top, left, bottom, right } = info.padInfo;
    const xp = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const [n, oh, ow] = [x.shape[0], info.outHeight, info.outWidth];
    const cols: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) cols.push(tf.slice(xp, [0, i, j, 0], [n, oh, ow, c]));
    const patches = tf.reshape(cols.length === 1 ? cols[0]! : tf.concat(cols, 3), [n * oh * ow, kh * kw * c]);
    return tf.reshape(tf.matMul(patches, tf.reshape(dy, [n * oh * ow, f]), true, false), [kh, kw, c, f]);
  });
}

export const nnGradients: tf.GradConfig[] = [
  {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as Saved;
      const a = attrs as { strides: number[]; pad: unknown; dataFormat: string; dimRoundingMode?: string; dilations: number | number[] };
      const dil = Array.isArray(a.dilations) ? a.dilations : [a.dilations, a.dilations];
      return {
        x: () => {
          if (dil.some((d) => d !== 1)) {
            throw new UnsupportedOpError('Conv2D', 'Conv2D: input gradients with dilations > 1 are not supported by tfjs');
          }
          return tf.engine().runKernel(
            'Conv2DBackpropInput',
            { dy: T(dy), filter: filter! },
            { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat, dimRoundingMode: a.dimRoundingMode, inputShape: x!.shape } as never,
          ) as tf.Tensor;
        },
        // Filter gradients (student training, src/distill): stride 1 as im2col · dy (one matMul;
        // tfjs-cpu's Conv2DBackpropFilter is ~8× slower), else the backend's kernel where it has one.
        filter: () => {
          if (dil.some((d) => d !== 1)) return noWeightGradient('Conv2D')();
          if (a.dataFormat === 'NHWC' && [a.strides].flat().every((s) => s === 1)) return filterGradientIm2col(x as tf.Tensor4D, filter as tf.Tensor4D, T(dy) as tf.Tensor4D, a.pad, a.dimRoundingMode);
          if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) === undefined) return noWeightGradient('Conv2D')();
          return tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: x!, dy: T(dy) },
            { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat, dimRoundingMode: a.dimRoundingMode, filterShape: filter!.shape } as never,
          ) as tf.Tensor;
        },
      };
    },
  },
  {
    // First maximum of each window (PyTorch/Captum semantics, exact on every backend), not the
    // backend's MaxPoolGrad (the wasm one routes ties to the last maximum and drops windows whose
    // maximum is <= FLT_MIN).
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]! as tf.Tensor4D;
      const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: never; dimRoundingMode?: never };
      const info = tf.backend_util.computePool2DInfo(x.shape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
      const { top, left, bottom, right } = info.padInfo;
      const p: Pool2DParams = {
        kernel: [info.filterHeight, info.filterWidth],
        strides: [info.strideHeight, info.strideWidth],
        pads: [top, left, bottom, right],
        layout: 'NHWC',
        ceilMode: false,
        countIncludePad: false,
      };
      return { x: () => maxPoolBackprop(trustMaxPoolGrad, T(dy), x, p) };
    },
  },
  {
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      return { x: () => tf.engine().runKernel('AvgPoolGrad', { dy: T(dy), input: x }, attrs as never) as tf.Tensor };
    },
  },
];

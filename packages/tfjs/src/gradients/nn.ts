/**
 * Gradients of convolution and pooling kernels (registered only where tfjs-core registered none).
 * Only input gradients are provided: weight gradients are never needed for attribution, and
 * requesting one throws (the wasm backend has no Conv2DBackpropFilter kernel anyway).
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
        filter: noWeightGradient('Conv2D'),
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

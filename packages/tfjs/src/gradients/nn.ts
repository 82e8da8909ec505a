/**
 * Gradients of convolution and pooling kernels (registered only where tfjs-core registered none).
 * Only input gradients are provided: weight gradients are never needed for attribution, and
 * requesting one throws (the wasm backend has no Conv2DBackpropFilter kernel anyway).
 * Pool gradients use the backend's own MaxPoolGrad/AvgPoolGrad kernels (tfjs semantics).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedOpError } from '@glasswing/core';

type Saved = tf.Tensor[];
const T = (t: unknown): tf.Tensor => t as tf.Tensor;

function noWeightGradient(kernel: string): () => tf.Tensor {
  return () => {
    throw new UnsupportedOpError(kernel, `${kernel}: gradients with respect to the filter are not supported`);
  };
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
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as Saved;
      return {
        x: () =>
          tf.engine().runKernel('MaxPoolGrad', { dy: T(dy), input: x!, output: y! }, attrs as never) as tf.Tensor,
      };
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

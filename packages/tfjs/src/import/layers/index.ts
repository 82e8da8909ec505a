/** Layer class name -> converter. */
import { activationLayer, leakyReluLayer, reluLayer, softmaxLayer } from './activation.js';
import { batchNormalization } from './batch-norm.js';
import type { LayerConverter } from './context.js';
import { conv2d, depthwiseConv2d } from './conv.js';
import { dense } from './dense.js';
import { add, average, concatenate, multiply, subtract } from './merge.js';
import { averagePooling2d, globalAveragePooling2d, maxPooling2d } from './pooling.js';
import { cropping1d, cropping2d, zeroPadding1d, zeroPadding2d } from './padding.js';
import { dropout, flatten, identity, permute, reshape } from './shape-layers.js';

export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Dense: dense,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  MaxPooling2D: maxPooling2d,
  MaxPool2D: maxPooling2d,
  AveragePooling2D: averagePooling2d,
  AvgPool2D: averagePooling2d,
  GlobalAveragePooling2D: globalAveragePooling2d,
  GlobalAvgPool2D: globalAveragePooling2d,
  ZeroPadding1D: zeroPadding1d,
  ZeroPadding2D: zeroPadding2d,
  Cropping1D: cropping1d,
  Cropping2D: cropping2d,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  Activation: activationLayer,
  ReLU: reluLayer,
  LeakyReLU: leakyReluLayer,
  Softmax: softmaxLayer,
  BatchNormalization: batchNormalization,
  Dropout: dropout,
  SpatialDropout2D: dropout,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Add: add,
  Subtract: subtract,
  Multiply: multiply,
  Average: average,
  Concatenate: concatenate,
};

export type { LayerContext, LayerConverter } from './context.js';

/** Layer class name -> converter. */
import { activationLayer, eluLayer, leakyReluLayer, preluLayer, reluLayer, softmaxLayer, thresholdedReluLayer } from './activation.js';
import { multiHeadAttention } from './attention.js';
import { batchNormalization } from './batch-norm.js';
import type { LayerConverter } from './context.js';
import { conv1d, conv2dTranspose, separableConv2d } from './conv-more.js';
import { conv2d, depthwiseConv2d } from './conv.js';
import { dense } from './dense.js';
import { embedding } from './embedding.js';
import { add, average, concatenate, dot, maximum, minimum, multiply, subtract } from './merge.js';
import { layerNormalization, normalization, rescaling } from './normalization.js';
import { cropping1d, cropping2d, zeroPadding1d, zeroPadding2d } from './padding.js';
import {
  averagePooling1d,
  averagePooling2d,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
  maxPooling1d,
  maxPooling2d,
} from './pooling.js';
import { rnnLayer } from './recurrent.js';
import { dropout, flatten, identity, permute, repeatVector, reshape } from './shape-layers.js';
import { upSampling1d, upSampling2d } from './upsampling.js';
import { bidirectional, timeDistributed } from './wrappers.js';

export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Dense: dense,
  Conv1D: conv1d,
  Convolution1D: conv1d,
  Conv2D: conv2d,
  Convolution2D: conv2d,
  Conv2DTranspose: conv2dTranspose,
  Convolution2DTranspose: conv2dTranspose,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  SeparableConvolution2D: separableConv2d,
  MaxPooling1D: maxPooling1d,
  MaxPool1D: maxPooling1d,
  AveragePooling1D: averagePooling1d,
  AvgPool1D: averagePooling1d,
  MaxPooling2D: maxPooling2d,
  MaxPool2D: maxPooling2d,
  AveragePooling2D: averagePooling2d,
  AvgPool2D: averagePooling2d,
  GlobalAveragePooling1D: globalAveragePooling1d,
  GlobalAvgPool1D: globalAveragePooling1d,
  GlobalMaxPooling1D: globalMaxPooling1d,
  GlobalMaxPool1D: globalMaxPooling1d,
  GlobalAveragePooling2D: globalAveragePooling2d,
  GlobalAvgPool2D: globalAveragePooling2d,
  GlobalMaxPooling2D: globalMaxPooling2d,
  GlobalMaxPool2D: globalMaxPooling2d,
  ZeroPadding1D: zeroPadding1d,
  ZeroPadding2D: zeroPadding2d,
  Cropping1D: cropping1d,
  Cropping2D: cropping2d,
  UpSampling1D: upSampling1d,
  UpSampling2D: upSampling2d,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  RepeatVector: repeatVector,
  Activation: activationLayer,
  ReLU: reluLayer,
  LeakyReLU: leakyReluLayer,
  PReLU: preluLayer,
  ELU: eluLayer,
  ThresholdedReLU: thresholdedReluLayer,
  Softmax: softmaxLayer,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Rescaling: rescaling,
  Normalization: normalization,
  Embedding: embedding,
  SimpleRNN: rnnLayer,
  GRU: rnnLayer,
  LSTM: rnnLayer,
  MultiHeadAttention: multiHeadAttention,
  Bidirectional: bidirectional,
  TimeDistributed: timeDistributed,
  Dropout: dropout,
  SpatialDropout1D: dropout,
  SpatialDropout2D: dropout,
  SpatialDropout3D: dropout,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  ActivityRegularization: identity,
  Add: add,
  Subtract: subtract,
  Multiply: multiply,
  Average: average,
  Maximum: maximum,
  Minimum: minimum,
  Concatenate: concatenate,
  Dot: dot,
};

export type { LayerContext, LayerConverter } from './context.js';

/** The pure-JavaScript reference backend: `Kernels<Tensor>` where the backend tensor is the host Tensor. */
import type { Kernels } from '../ir/kernels.js';
import type { Tensor } from '../tensor.js';
import { makeBinary } from './kernels/binary.js';
import { broadcastTo } from './kernels/broadcast-to.js';
import { clip, clipBackprop } from './kernels/clip.js';
import { concat } from './kernels/concat.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackpropInput } from './kernels/conv2d-backprop-input.js';
import { erf } from './kernels/erf.js';
import { fill, fromHost, shapeOf, toHost } from './kernels/data.js';
import { gather } from './kernels/gather.js';
import { matmul } from './kernels/matmul.js';
import { avgPool } from './kernels/avg-pool.js';
import { avgPoolBackprop } from './kernels/avg-pool-backprop.js';
import { maxPool } from './kernels/max-pool.js';
import { maxPoolBackprop } from './kernels/max-pool-backprop.js';
import { pad } from './kernels/pad.js';
import { reshape } from './kernels/reshape.js';
import { slice } from './kernels/slice.js';
import { softmax } from './kernels/softmax.js';
import { sum } from './kernels/sum.js';
import { transpose } from './kernels/transpose.js';
import { makeUnary, unary } from './kernels/unary.js';

export const referenceKernels: Kernels<Tensor> = Object.freeze({
  name: 'reference',
  fromHost,
  toHost,
  shape: shapeOf,
  fill,
  add: makeBinary('add'),
  sub: makeBinary('sub'),
  mul: makeBinary('mul'),
  div: makeBinary('div'),
  neg: makeUnary('neg'),
  abs: makeUnary('abs'),
  exp: makeUnary('exp'),
  sqrt: makeUnary('sqrt'),
  log: makeUnary('log'),
  erf,
  pow: makeBinary('pow'),
  relu: makeUnary('relu'),
  leakyRelu: (x: Tensor, alpha: number) => unary('leakyRelu', x, alpha),
  sigmoid: makeUnary('sigmoid'),
  tanh: makeUnary('tanh'),
  step: makeUnary('step'),
  sum,
  softmax,
  reshape,
  transpose,
  concat,
  slice,
  broadcastTo,
  pad,
  gather,
  matmul,
  conv2d,
  conv2dBackpropInput,
  maxPool,
  maxPoolBackprop,
  avgPool,
  avgPoolBackprop,
  clip,
  clipBackprop,
});

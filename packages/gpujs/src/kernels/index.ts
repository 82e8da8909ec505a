/**
 * `Kernels<GpuTensor>` for gpu.js: one file per kernel, each a hand-written gpu.js kernel
 * function (source generated per shape, compiled once and cached by the runtime). Core's op
 * definitions, autodiff and rule VJPs run on top unchanged.
 */
import type { Kernels } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { avgPool } from './avg-pool.js';
import { avgPoolBackprop } from './avg-pool-backprop.js';
import { add, div, mul, sub } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { concat } from './concat.js';
import { conv2d } from './conv2d.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { erf } from './erf.js';
import { fill } from './fill.js';
import { fromHost } from './from-host.js';
import { gather } from './gather.js';
import { leakyRelu } from './leaky-relu.js';
import { log } from './log.js';
import { matmul } from './matmul.js';
import { maxPool } from './max-pool.js';
import { maxPoolBackprop } from './max-pool-backprop.js';
import { pad } from './pad.js';
import { pow } from './pow.js';
import { reshape } from './reshape.js';
import { shape } from './shape.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { step } from './step.js';
import { sum } from './sum.js';
import { toHost } from './to-host.js';
import { transpose } from './transpose.js';
import { abs, exp, neg, relu, sigmoid, sqrt, tanh } from './unary.js';

export interface GpujsKernels extends Kernels<GpuTensor> {
  readonly runtime: GpujsRuntime;
}

export function createGpujsKernels(rt: GpujsRuntime): GpujsKernels {
  return {
    name: `gpujs-${rt.mode}`,
    runtime: rt,
    fromHost: (t) => fromHost(rt, t),
    toHost: (t) => toHost(rt, t),
    shape,
    fill: (s, v) => fill(rt, s, v),
    add: (a, b) => add(rt, a, b),
    sub: (a, b) => sub(rt, a, b),
    mul: (a, b) => mul(rt, a, b),
    div: (a, b) => div(rt, a, b),
    neg: (x) => neg(rt, x),
    abs: (x) => abs(rt, x),
    exp: (x) => exp(rt, x),
    relu: (x) => relu(rt, x),
    leakyRelu: (x, alpha) => leakyRelu(rt, x, alpha),
    sigmoid: (x) => sigmoid(rt, x),
    tanh: (x) => tanh(rt, x),
    step: (x) => step(rt, x),
    sqrt: (x) => sqrt(rt, x),
    log: (x) => log(rt, x),
    erf: (x) => erf(rt, x),
    pow: (a, b) => pow(rt, a, b),
    sum: (x, axes, keepDims) => sum(rt, x, axes, keepDims),
    softmax: (x, axis) => softmax(rt, x, axis),
    reshape,
    transpose: (x, perm) => transpose(rt, x, perm),
    concat: (xs, axis) => concat(rt, xs, axis),
    slice: (x, b, s) => slice(rt, x, b, s),
    broadcastTo: (x, s) => broadcastTo(rt, x, s),
    pad: (x, pads, v) => pad(rt, x, pads, v),
    gather: (x, idx, axis) => gather(rt, x, idx, axis),
    matmul: (a, b, ta, tb) => matmul(rt, a, b, ta, tb),
    conv2d: (x, w, p) => conv2d(rt, x, w, p),
    conv2dBackpropInput: (dy, w, s, p) => conv2dBackpropInput(rt, dy, w, s, p),
    maxPool: (x, p) => maxPool(rt, x, p),
    maxPoolBackprop: (dy, x, p) => maxPoolBackprop(rt, dy, x, p),
    avgPool: (x, p) => avgPool(rt, x, p),
    avgPoolBackprop: (dy, s, p) => avgPoolBackprop(rt, dy, s, p),
  };
}

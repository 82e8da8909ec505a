/**
 * `Kernels<tf.Tensor>` for TensorFlow.js (any registered backend; tested on cpu and wasm).
 * One file per kernel. `createTfjsKernels()` returns an instance owning its transformed-weight
 * cache (dispose it with the model); `tfjsKernels` is a shared default instance.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from '@glasswing/core';
import { avgPool } from './avg-pool.js';
import { avgPoolBackprop } from './avg-pool-backprop.js';
import { add, div, mul, sub } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { clip, clipBackprop } from './clip.js';
import { concat } from './concat.js';
import { conv2d } from './conv2d.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { fill } from './fill.js';
import { erf } from './erf.js';
import { fromHost } from './from-host.js';
import { gather } from './gather.js';
import { leakyRelu } from './leaky-relu.js';
import { log } from './log.js';
import { matmul } from './matmul.js';
import { maxPool } from './max-pool.js';
import { maxPoolBackprop, probeMaxPoolGrad } from './max-pool-backprop.js';
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
import { WeightCache } from './weight-cache.js';

export interface TfjsKernels extends Kernels<tf.Tensor> {
  /** Frees the cached transformed weights (call when the model that used them is disposed). */
  dispose(): void;
  /** Number of cached transformed-weight tensors. */
  readonly cachedWeights: number;
  /** Marks a scope's result as the running call's (never a weight-cache key; binding.ts). */
  markTransient(value: tf.TensorContainer): void;
}

export function createTfjsKernels(): TfjsKernels {
  const cache = new WeightCache();
  const probes = new Map<string, boolean>();
  const trustMaxPoolGrad = (backend: string): boolean => {
    let ok = probes.get(backend);
    if (ok === undefined) {
      ok = probeMaxPoolGrad();
      probes.set(backend, ok);
    }
    return ok;
  };
  return {
    get name() {
      return `tfjs-${tf.getBackend()}`;
    },
    get cachedWeights() {
      return cache.size;
    },
    dispose: () => cache.dispose(),
    markTransient: (value) => cache.markTransient(value),
    fromHost,
    toHost,
    shape,
    fill,
    add,
    sub,
    mul,
    div,
    neg,
    abs,
    exp,
    sqrt,
    log,
    erf,
    pow,
    relu,
    leakyRelu,
    sigmoid,
    tanh,
    step,
    sum,
    softmax,
    reshape,
    transpose,
    concat,
    slice,
    broadcastTo,
    pad,
    gather,
    matmul: (a, b, transA, transB) => matmul(cache, a, b, transA, transB),
    conv2d: (x, w, p) => conv2d(cache, x, w, p),
    conv2dBackpropInput: (dy, w, inputShape, p) => conv2dBackpropInput(cache, dy, w, inputShape, p),
    maxPool,
    maxPoolBackprop: (dy, x, p) => maxPoolBackprop(trustMaxPoolGrad, dy, x, p),
    avgPool,
    avgPoolBackprop,
    clip,
    clipBackprop,
  };
}

/** Shared default kernel instance (its weight cache lives as long as the process). */
export const tfjsKernels: TfjsKernels = createTfjsKernels();

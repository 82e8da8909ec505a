/**
 * `Kernels<Sym>`: the symbolic ONNX backend. Every kernel appends ONNX nodes (opset OPSET) to an
 * OnnxGraphBuilder and returns the symbolic result. When every input is a host constant (an
 * initializer, or a small fill) the kernel is evaluated on the host by core's reference kernels
 * instead and the result becomes an initializer (constant folding: transposed/flipped weights,
 * rule-modified parameters). `toHost` throws: values only exist once the graph runs.
 */
import { InvalidArgumentError, referenceKernels, sizeOf, type Kernels, type Tensor } from '@glasswing/core';
import { avgPool } from './avg-pool.js';
import { avgPoolBackprop } from './avg-pool-backprop.js';
import { add, div, mul, pow, sub } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { clip, clipBackprop } from './clip.js';
import { FOLD_LIMIT, OnnxGraphBuilder, type Sym } from './builder.js';
import { concat } from './concat.js';
import type { SymContext } from './context.js';
import { conv2d } from './conv2d.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { gather } from './gather.js';
import { leakyRelu } from './leaky-relu.js';
import { matmul } from './matmul.js';
import { maxPool } from './max-pool.js';
import { maxPoolBackprop } from './max-pool-backprop.js';
import { pad } from './pad.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { step } from './step.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';
import { abs, erf, exp, log, neg, relu, sigmoid, sqrt, tanh } from './unary.js';

export { OnnxGraphBuilder, OPSET } from './builder.js';
export type { Sym } from './builder.js';

export interface SymbolicKernels extends Kernels<Sym> {
  readonly builder: OnnxGraphBuilder;
}

/** Symbolic kernels appending to `builder` (a fresh builder per emitted graph). */
export function createSymbolicKernels(builder: OnnxGraphBuilder = new OnnxGraphBuilder()): SymbolicKernels {
  const b = builder;
  const ref = referenceKernels;
  const ctx: SymContext = { b, get k() { return kernels; } };

  /** Host value of every input when all are constants, else undefined. */
  const hosts = (xs: readonly Sym[]): Tensor[] | undefined => {
    const out: Tensor[] = [];
    for (const x of xs) {
      const h = b.host(x);
      if (!h) return undefined;
      out.push(h);
    }
    return out;
  };
  /** Fold `compute` on the host when all inputs are constants, else emit. */
  const fold = (xs: readonly Sym[], compute: (h: Tensor[]) => Tensor, emit: () => Sym): Sym => {
    const h = hosts(xs);
    if (h) {
      const t = compute(h);
      if (sizeOf(t.shape) <= FOLD_LIMIT) return b.constant(t, 'folded');
    }
    return emit();
  };
  const u = (f: (c: SymContext, x: Sym) => Sym, r: (x: Tensor) => Tensor) => (x: Sym) => fold([x], (h) => r(h[0]!), () => f(ctx, x));
  const bin =
    (f: (c: SymContext, a: Sym, z: Sym) => Sym, r: (a: Tensor, z: Tensor) => Tensor) =>
    (a: Sym, z: Sym) =>
      fold([a, z], (h) => r(h[0]!, h[1]!), () => f(ctx, a, z));

  const kernels: SymbolicKernels = {
    name: 'onnx-symbolic',
    builder: b,
    fromHost: (t) => {
      if (!t || !Array.isArray(t.shape) || !(t.data instanceof Float32Array)) throw new InvalidArgumentError('fromHost needs a tensor {shape, data: Float32Array}');
      return b.constant(t, 'host');
    },
    toHost: () => {
      throw new InvalidArgumentError('the ONNX symbolic backend has no host values: run the emitted graph instead');
    },
    shape: (x) => x.shape,
    fill: (shape, value) => b.fill(shape, value),
    add: bin(add, ref.add),
    sub: bin(sub, ref.sub),
    mul: bin(mul, ref.mul),
    div: bin(div, ref.div),
    pow: bin(pow, ref.pow),
    neg: u(neg, ref.neg),
    abs: u(abs, ref.abs),
    exp: u(exp, ref.exp),
    log: u(log, ref.log),
    erf: u(erf, ref.erf),
    sqrt: u(sqrt, ref.sqrt),
    relu: u(relu, ref.relu),
    sigmoid: u(sigmoid, ref.sigmoid),
    tanh: u(tanh, ref.tanh),
    step: u(step, ref.step),
    leakyRelu: (x, alpha) => fold([x], (h) => ref.leakyRelu(h[0]!, alpha), () => leakyRelu(ctx, x, alpha)),
    sum: (x, axes, keep) => fold([x], (h) => ref.sum(h[0]!, axes, keep), () => sum(ctx, x, axes, keep)),
    softmax: (x, axis) => fold([x], (h) => ref.softmax(h[0]!, axis), () => softmax(ctx, x, axis)),
    reshape: (x, shape) => fold([x], (h) => ref.reshape(h[0]!, shape), () => reshape(ctx, x, shape)),
    transpose: (x, perm) => fold([x], (h) => ref.transpose(h[0]!, perm), () => transpose(ctx, x, perm)),
    concat: (xs, axis) => fold(xs, (h) => ref.concat(h, axis), () => concat(ctx, xs, axis)),
    slice: (x, begin, size) => fold([x], (h) => ref.slice(h[0]!, begin, size), () => slice(ctx, x, begin, size)),
    broadcastTo: (x, shape) => fold([x], (h) => ref.broadcastTo(h[0]!, shape), () => broadcastTo(ctx, x, shape)),
    pad: (x, pads, value) => fold([x], (h) => ref.pad(h[0]!, pads, value), () => pad(ctx, x, pads, value)),
    gather: (x, indices, axis) => fold([x], (h) => ref.gather(h[0]!, indices, axis), () => gather(ctx, x, indices, axis)),
    matmul: (a, z, ta, tb) => fold([a, z], (h) => ref.matmul(h[0]!, h[1]!, ta, tb), () => matmul(ctx, a, z, ta, tb)),
    conv2d: (x, w, p) => fold([x, w], (h) => ref.conv2d(h[0]!, h[1]!, p), () => conv2d(ctx, x, w, p)),
    conv2dBackpropInput: (dy, w, s, p) =>
      fold([dy, w], (h) => ref.conv2dBackpropInput(h[0]!, h[1]!, s, p), () => conv2dBackpropInput(ctx, dy, w, s, p)),
    maxPool: (x, p) => fold([x], (h) => ref.maxPool(h[0]!, p), () => maxPool(ctx, x, p)),
    maxPoolBackprop: (dy, x, p) => fold([dy, x], (h) => ref.maxPoolBackprop(h[0]!, h[1]!, p), () => maxPoolBackprop(ctx, dy, x, p)),
    avgPool: (x, p) => fold([x], (h) => ref.avgPool(h[0]!, p), () => avgPool(ctx, x, p)),
    avgPoolBackprop: (dy, s, p) => fold([dy], (h) => ref.avgPoolBackprop(h[0]!, s, p), () => avgPoolBackprop(ctx, dy, s, p)),
    clip: (x, lo, hi) => fold([x], (h) => ref.clip!(h[0]!, lo, hi), () => clip(ctx, x, lo, hi)),
    clipBackprop: (dy, x, lo, hi) => fold([dy, x], (h) => ref.clipBackprop!(h[0]!, h[1]!, lo, hi), () => clipBackprop(ctx, dy, x, lo, hi)),
  };
  return kernels;
}

/**
 * The kernel contract: the small set of primitive operations a backend implements.
 * Core owns op semantics, VJPs and rules (written against this interface); a backend only
 * implements these kernels (one file each in adapters). Kernels are synchronous and pure:
 * they never mutate their inputs. Memory scoping (e.g. tf.tidy) is the adapter's concern.
 *
 * Shapes: `shape()` is the full shape. Element-wise binary kernels broadcast numpy-style.
 */
import type { Tensor } from '../tensor.js';
import type { Layout } from './graph.js';

export interface Conv2DParams {
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right] */
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly group: number;
  /** NCHW: x [N,C,H,W], w OIHW. NHWC: x [N,H,W,C], w HWIO ([kh,kw,C/group,O]). */
  readonly layout: Layout;
}

export interface Pool2DParams {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right]; padded cells never win a max and are excluded from averages unless countIncludePad. */
  readonly pads: readonly [number, number, number, number];
  readonly layout: Layout;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
}

export interface Kernels<T> {
  /** Backend id, e.g. 'reference', 'tfjs-cpu'. */
  readonly name: string;

  // ---- data movement ----
  fromHost(t: Tensor): T;
  /** Synchronous read back (for the reference backend and tests; adapters may read asynchronously). */
  toHost(t: T): Tensor;
  shape(t: T): readonly number[];
  fill(shape: readonly number[], value: number): T;

  // ---- element-wise (binary ops broadcast numpy-style) ----
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(x: T): T;
  abs(x: T): T;
  exp(x: T): T;
  relu(x: T): T;
  leakyRelu(x: T, alpha: number): T;
  sigmoid(x: T): T;
  tanh(x: T): T;
  /** 1 where x > 0, else 0. */
  step(x: T): T;
  /** √x (NaN for x < 0, as IEEE). */
  sqrt(x: T): T;
  /** Natural logarithm (−∞ at 0, NaN for x < 0, as IEEE). */
  log(x: T): T;
  /**
   * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. The reference backend rounds a float64 evaluation
   * (≈1e-7 relative); other backends must agree to ≈2e-7 absolute.
   */
  erf(x: T): T;
  /** a^b element-wise with numpy broadcasting (IEEE pow: NaN for a < 0 with non-integer b). */
  pow(a: T, b: T): T;

  // ---- reductions / normalisation ----
  sum(x: T, axes: readonly number[], keepDims: boolean): T;
  softmax(x: T, axis: number): T;

  // ---- shape ----
  reshape(x: T, shape: readonly number[]): T;
  transpose(x: T, perm: readonly number[]): T;
  concat(xs: readonly T[], axis: number): T;
  slice(x: T, begin: readonly number[], size: readonly number[]): T;
  broadcastTo(x: T, shape: readonly number[]): T;
  /**
   * Constant padding. `pads` in ONNX order: all begins then all ends ([b_0, …, b_{r−1}, e_0, …, e_{r−1}]),
   * length 2·rank; negative entries crop. Output dim i = b_i + shape[i] + e_i (must be >= 0).
   */
  pad(x: T, pads: readonly number[], value: number): T;
  /**
   * Select along `axis` (may be negative): output has `indices.length` at `axis`, slice j being x's slice
   * `indices[j]`. Indices are integers in [0, shape[axis]) (the Gather op normalises negative ones);
   * repeats allowed; an empty list gives size 0 at `axis`.
   */
  gather(x: T, indices: readonly number[], axis: number): T;

  // ---- linear algebra ----
  /**
   * a: [..., M, K] (or [..., K, M] when transA), b: [..., K, N] (or [..., N, K] when transB).
   * Leading (batch) dimensions must be equal, or one operand is rank 2.
   */
  matmul(a: T, b: T, transA: boolean, transB: boolean): T;
  /** 2-D cross-correlation without bias. */
  conv2d(x: T, w: T, p: Conv2DParams): T;
  /** Gradient of conv2d w.r.t. its input, for input of shape `inputShape`. */
  conv2dBackpropInput(dy: T, w: T, inputShape: readonly number[], p: Conv2DParams): T;

  // ---- pooling ----
  maxPool(x: T, p: Pool2DParams): T;
  /** Gradient of maxPool: each window's gradient goes to its FIRST maximal element (row-major), as PyTorch. */
  maxPoolBackprop(dy: T, x: T, p: Pool2DParams): T;
  avgPool(x: T, p: Pool2DParams): T;
  avgPoolBackprop(dy: T, inputShape: readonly number[], p: Pool2DParams): T;

  // ---- optional fused kernels (ops compose the same values from the primitives when absent) ----
  /**
   * min(max(x, lo), hi) element-wise, lo <= hi (±Infinity: no bound). Exactly what the Clip op
   * composes from step masks, in one pass (ReLU6 networks spend most of a gradient call there).
   */
  clip?(x: T, lo: number, hi: number): T;
  /**
   * Clip's gradient: dy where neither x < lo nor x > hi, else 0 (PyTorch's closed interval; NaN x
   * passes dy, as the composed masks do).
   */
  clipBackprop?(dy: T, x: T, lo: number, hi: number): T;
}

/** Output spatial size of a pooling/conv window (ONNX formula). */
export function windowOutputSize(
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation = 1,
  ceilMode = false,
): number {
  const eff = (kernel - 1) * dilation + 1;
  const span = size + padBegin + padEnd - eff;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // ONNX/PyTorch: with ceil mode the last window must start inside the input or left padding.
  if (ceilMode && (out - 1) * stride >= size + padBegin) out -= 1;
  return out;
}

/**
 * DeepLIFT multipliers ('secant' rules) per op, chosen so that summation-to-delta holds:
 * Σᵢ mᵢ·Δxᵢ = ⟨s, Δy⟩ for the node's incoming signal s, with Δ = value − reference value.
 * Chained through the graph this gives Σ attributions = ⟨seed, f(x) − f(x_ref)⟩.
 *
 * - Element-wise nonlinearities (Relu, Sigmoid, Tanh, …; Pow with a constant exponent): the
 *   rescale multiplier Δy/Δx, the standard derivative where |Δx| < ε (Captum's convention).
 * - Linear and shape ops (Conv, ConvTranspose, Add, Sub, Concat, Reshape, pools that average,
 *   BatchNormalization in inference, Pad, Slice, …): the standard VJP, which is exact for affine maps.
 * - Bilinear ops with two data inputs (Mul, MatMul, Gemm): the two-player Shapley split
 *   m_a = VJP_a at (a, (b + b_ref)/2) and vice versa — exact for any bilinear map. With one data
 *   input this is the standard VJP.
 * - Div with a data divisor: Shapley split m_a = s·½(1/b + 1/b_ref), m_b = −s·½(a + a_ref)/(b·b_ref).
 * - MaxPool: see `maxPoolSecant`.
 * Softmax, LogSoftmax and LayerNormalization have no exact multiplier here: attribute the logits
 * before a final Softmax (DeepLIFT's own recommendation) — an UnsupportedOpError says so.
 */
import { UnsupportedOpError } from '../errors.js';
import type { GraphNode, OpType } from './graph.js';
import type { Kernels } from './kernels.js';
import type { OpDef } from './op.js';
import { ELEMENTWISE_UNARY } from './ops/index.js';
import { poolParams, scalarLike, scale, sumToShape } from './ops/util.js';

export interface SecantArgs<T> {
  readonly k: Kernels<T>;
  readonly def: OpDef;
  readonly node: GraphNode;
  /** Term inputs (after modifiers) and the term output. */
  readonly xs: readonly T[];
  readonly z: T;
  /** The same for the reference pass. */
  readonly refXs: readonly T[];
  readonly zr: T;
  /** Mapped incoming signal. */
  readonly s: T;
  readonly isData: readonly boolean[];
  /** |Δx| below which the standard derivative is used. */
  readonly eps: number;
}

/** Ops whose standard VJP is an exact DeepLIFT multiplier (affine in their data inputs). */
const AFFINE: ReadonlySet<OpType> = new Set<OpType>([
  'Conv',
  'ConvTranspose',
  'Add',
  'Sub',
  'Concat',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Slice',
  'Gather',
  'Pad',
  'AveragePool',
  'GlobalAveragePool',
  'ReduceMean',
  'ReduceSum',
  'BatchNormalization',
  'Identity',
  'Dropout',
  'Neg',
  'Cast',
]);

const BILINEAR: ReadonlySet<OpType> = new Set<OpType>(['Mul', 'MatMul', 'Gemm']);

/** Ops a 'secant' rule supports (for composites and error messages). */
export function secantSupports(op: OpType, dataInputs = 1): boolean {
  if (ELEMENTWISE_UNARY.has(op) || AFFINE.has(op) || BILINEAR.has(op) || op === 'MaxPool' || op === 'Div') return true;
  return op === 'Pow' && dataInputs === 1;
}

/** 1 where |v| > eps, else 0. */
function bigEnough<T>(k: Kernels<T>, v: T, eps: number): T {
  return k.step(k.sub(k.abs(v), scalarLike(k, v, eps)));
}

/** v where `use` is 1, 1 elsewhere (a safe denominator). */
function safe<T>(k: Kernels<T>, v: T, use: T): T {
  return k.add(k.mul(v, use), k.sub(scalarLike(k, use, 1), use));
}

function elementwise<T>(a: SecantArgs<T>): (T | undefined)[] {
  const { k, def, node, xs, z, refXs, zr, s, eps } = a;
  const dx = k.sub(xs[0]!, refXs[0]!);
  const use = bigEnough(k, dx, eps);
  const off = k.sub(scalarLike(k, use, 1), use);
  const rescale = k.div(k.mul(s, k.sub(z, zr)), safe(k, dx, use));
  const standard = def.vjp(k, xs, [z], [s], node, a.isData)[0]!;
  return [k.add(k.mul(use, rescale), k.mul(off, standard))];
}

function bilinear<T>(a: SecantArgs<T>): (T | undefined)[] {
  const { k, def, node, xs, z, refXs, s, isData } = a;
  const data = isData.map((d, i) => d && i < xs.length);
  if (data.filter(Boolean).length <= 1) return def.vjp(k, xs, [z], [s], node, isData);
  const half = (i: number) => scale(k, k.add(xs[i]!, refXs[i]!), 0.5);
  return xs.map((_, i) => {
    if (!data[i]) return undefined;
    const ins = xs.map((v, j) => (j !== i && data[j] ? half(j) : v));
    const needed = xs.map((_, j) => j === i);
    return def.vjp(k, ins, [z], [s], node, needed)[i];
  });
}

function div<T>(a: SecantArgs<T>): (T | undefined)[] {
  const { k, xs, refXs, s, isData } = a;
  const [x, y] = [xs[0]!, xs[1]!];
  const [xr, yr] = [refXs[0]!, refXs[1]!];
  const one = scalarLike(k, y, 1);
  const out: (T | undefined)[] = [undefined, undefined];
  if (isData[0]) {
    const m = scale(k, k.add(k.div(one, y), k.div(one, yr)), 0.5);
    out[0] = sumToShape(k, k.mul(s, m), k.shape(x));
  }
  if (isData[1]) {
    const m = k.neg(k.div(scale(k, k.add(x, xr), 0.5), k.mul(y, yr)));
    out[1] = sumToShape(k, k.mul(s, m), k.shape(y));
  }
  return out;
}

/**
 * MaxPool: each window's Δy (times its signal) goes to ONE element whose Δx is divided out, so
 * Σ m·Δx = Σ_windows s·Δy exactly. The element is the window's argmax in x (the paper's and
 * Captum's choice: multiplier Δy/Δx on the gradient's path); where Δx there is below ε (e.g. a
 * window zeroed by a preceding ReLU while the reference's is not) the window routes through the
 * reference's argmax b instead — Δx_b = 0 there only if the whole window is unchanged, i.e. Δy = 0.
 * Only if both are below ε does the plain max-pool gradient carry s (Δy is then below ε as well).
 * Exact with non-overlapping windows (stride ≥ kernel: LeNet, VGG, most CNNs). With overlapping
 * windows the per-window argmax Δx cannot be read from the kernels, and the multiplier is the
 * element-wise one, Σ over windows won by i of s·Δy / Δxᵢ (standard gradient where |Δxᵢ| < ε):
 * exact unless some winner has Δx = 0 (documented limit).
 */
function maxPoolSecant<T>(a: SecantArgs<T>): (T | undefined)[] {
  const { k, node, xs, z, refXs, zr, s, eps } = a;
  const x = xs[0]!;
  const r = refXs[0]!;
  const p = poolParams(node, k.shape(x));
  const dx = k.sub(x, r);
  const t = k.mul(s, k.sub(z, zr));
  const overlapping = p.strides[0] < p.kernel[0] || p.strides[1] < p.kernel[1];
  if (overlapping) {
    const use = bigEnough(k, dx, eps);
    const routed = k.div(k.maxPoolBackprop(t, x, p), safe(k, dx, use));
    const standard = k.maxPoolBackprop(s, x, p);
    return [k.add(k.mul(use, routed), k.mul(k.sub(scalarLike(k, use, 1), use), standard))];
  }
  const avg = { ...p, countIncludePad: false };
  const ones = scalarLike(k, z, 1);
  // Δx at a window's selected element: Σ_window M⊙Δx / Σ_window M, M the 0/1 winner mask.
  const atWinner = (m: T) => k.div(k.avgPool(k.mul(m, dx), avg), k.avgPool(m, avg));
  const dxa = atWinner(k.maxPoolBackprop(ones, x, p));
  const dxb = atWinner(k.maxPoolBackprop(ones, r, p));
  const ua = bigEnough(k, dxa, eps);
  const notA = k.sub(ones, ua);
  const ub = k.mul(notA, bigEnough(k, dxb, eps));
  const uc = k.mul(notA, k.sub(ones, bigEnough(k, dxb, eps)));
  const viaA = k.maxPoolBackprop(k.div(k.mul(t, ua), safe(k, dxa, ua)), x, p);
  const viaB = k.maxPoolBackprop(k.div(k.mul(t, ub), safe(k, dxb, ub)), r, p);
  const fallback = k.maxPoolBackprop(k.mul(s, uc), x, p);
  return [k.add(k.add(viaA, viaB), fallback)];
}

/** The DeepLIFT multipliers for every input (undefined for parameters). */
export function secantVjp<T>(a: SecantArgs<T>): (T | undefined)[] {
  const op = a.node.op;
  const nData = a.isData.filter(Boolean).length;
  if (ELEMENTWISE_UNARY.has(op) || (op === 'Pow' && nData === 1 && a.isData[0])) return elementwise(a);
  if (op === 'MaxPool') return maxPoolSecant(a);
  if (BILINEAR.has(op)) return bilinear(a);
  if (op === 'Div') return div(a);
  if (AFFINE.has(op)) return a.def.vjp(a.k, a.xs, [a.z], [a.s], a.node, a.isData);
  throw new UnsupportedOpError(
    op,
    `node ${a.node.name} (${op}): no DeepLIFT multiplier keeps summation-to-delta here` +
      (op === 'Softmax' || op === 'LogSoftmax' ? '; attribute the logits before the softmax instead' : '') +
      '; supported: element-wise ops, MaxPool, Mul, MatMul, Gemm, Div and linear/shape ops',
  );
}

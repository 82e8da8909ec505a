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
 * - MaxPool: Captum's cross-maximum routing, see `maxPoolSecant`.
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
 * MaxPool — Captum's `maxpool` rule (captum/attr/_core/deep_lift.py; the same rule as SHAP's
 * DeepExplainer): with the cross maximum m = max(y, y′) of a window's outputs, the part m − y′
 * (= max(Δy, 0)) goes to the window's argmax in x and the part y − m (= min(Δy, 0)) to its argmax
 * in the reference x′, each times the window's incoming signal s; the multiplier at every input
 * element is what it received, summed over the windows (overlapping windows accumulate), divided
 * by its Δx — the plain max-pool gradient at x where |Δx| ≤ ε. Argmaxes are the first maximum
 * (row-major) of each window, as PyTorch's max_pool indices, via the `maxPoolBackprop` kernel.
 *
 * Exact summation-to-delta for any kernel, stride, padding and ceil mode: a window with Δy > 0
 * sends it to the x-argmax a, where x_a = y > y′ ≥ x′_a, so Δx_a > 0; a window with Δy < 0 sends
 * it to the x′-argmax b, where x′_b = y′ > y ≥ x_b, so Δx_b < 0. Nothing is ever routed to an
 * element whose Δx vanishes, hence Σᵢ mᵢ·Δxᵢ = Σ_windows s·Δy.
 *
 * Deviations from Captum 0.8, all where Captum itself loses summation-to-delta: (1) Captum
 * scatters with max_unpool, which overwrites instead of adding when overlapping windows share a
 * winner; (2) its |Δx| < ε fallback takes the gradient of the batch's first example for every
 * example; (3) its module hooks drop a rule when two non-linear modules are adjacent (ReLU → MaxPool).
 */
function maxPoolSecant<T>(a: SecantArgs<T>): (T | undefined)[] {
  const { k, node, xs, z, refXs, zr, s, eps } = a;
  const x = xs[0]!;
  const r = refXs[0]!;
  const p = poolParams(node, k.shape(x));
  const dx = k.sub(x, r);
  const dy = k.sub(z, zr);
  const up = k.relu(dy); // m − y′
  const down = k.sub(dy, up); // y − m
  const received = k.add(k.maxPoolBackprop(k.mul(s, up), x, p), k.maxPoolBackprop(k.mul(s, down), r, p));
  const use = bigEnough(k, dx, eps);
  const routed = k.div(received, safe(k, dx, use));
  const standard = k.maxPoolBackprop(s, x, p);
  return [k.add(k.mul(use, routed), k.mul(k.sub(scalarLike(k, use, 1), use), standard))];
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

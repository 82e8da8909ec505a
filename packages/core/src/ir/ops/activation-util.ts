/** Shared pieces of the element-wise activations built on the kernel primitives. */
import { attrNumber, type GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import { scalarLike, shapeError } from './util.js';

/** A finite number attribute (default `fallback`), or a ShapeError naming the node. */
export function finiteAttr(node: GraphNode, key: string, fallback: number): number {
  const v = node.attrs[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw shapeError(node, `attribute ${key} must be a finite number, got ${String(v)}`);
  return attrNumber(node, key, fallback);
}

/** min(x, 0) = −relu(−x) (exact). */
export function negPart<T>(k: Kernels<T>, x: T): T {
  return k.neg(k.relu(k.neg(x)));
}

/** 1 − m for a 0/1 mask. */
export function not<T>(k: Kernels<T>, m: T): T {
  return k.sub(scalarLike(k, m, 1), m);
}

/** m ? a : b for a 0/1 mask m (exact for finite a, b). */
export function select<T>(k: Kernels<T>, m: T, a: T, b: T): T {
  return k.add(k.mul(a, m), k.mul(b, not(k, m)));
}

/** max(0, min(1, z)), exact (selects, no arithmetic on z; the fused `clip` kernel when present). */
export function clamp01<T>(k: Kernels<T>, z: T): T {
  if (k.clip) return k.clip(z, 0, 1);
  const lo = select(k, k.step(z), z, scalarLike(k, z, 0));
  return select(k, k.step(k.sub(lo, scalarLike(k, lo, 1))), scalarLike(k, lo, 1), lo);
}

/** [0 < z < 1] as a 0/1 mask. */
export function inside01<T>(k: Kernels<T>, z: T): T {
  return k.mul(k.step(z), k.step(k.sub(scalarLike(k, z, 1), z)));
}

/** softplus(x) = log(1 + eˣ), evaluated stably as relu(x) + log(1 + e^−|x|). */
export function softplus<T>(k: Kernels<T>, x: T): T {
  return k.add(k.relu(x), k.log(k.add(scalarLike(k, x, 1), k.exp(k.neg(k.abs(x))))));
}

/** α(e^min(x,0) − 1) + relu(x): ELU; derivative 1 for x > 0, α·eˣ for x <= 0 (PyTorch's choice at 0). */
export function elu<T>(k: Kernels<T>, x: T, alpha: number): T {
  const neg = k.sub(k.exp(negPart(k, x)), scalarLike(k, x, 1));
  return k.add(k.relu(x), k.mul(neg, scalarLike(k, x, alpha)));
}

export function eluSlope<T>(k: Kernels<T>, x: T, alpha: number): T {
  const pos = k.step(x);
  return k.add(pos, k.mul(not(k, pos), k.mul(k.exp(negPart(k, x)), scalarLike(k, x, alpha))));
}

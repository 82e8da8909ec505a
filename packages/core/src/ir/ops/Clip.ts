/**
 * Clip with constant bounds as attributes `min` / `max` (absent = −∞ / +∞): y = min(max(x, min), max).
 * Forward selects with step masks, so y is exactly x inside the interval (±∞ inputs are not supported:
 * they give NaN). Gradient 1 on the closed interval min <= x <= max (PyTorch's choice), else 0.
 * Backends with the optional fused kernels `clip` / `clipBackprop` compute the same values in one
 * pass each (when min <= max).
 */
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { unaryOp } from './unary.js';
import { expectInputs, scalarLike, shapeError } from './util.js';

function bounds(node: GraphNode): { lo: number | undefined; hi: number | undefined } {
  const read = (key: string): number | undefined => {
    const v = node.attrs[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || Number.isNaN(v)) throw shapeError(node, `attribute ${key} must be a number, got ${String(v)}`);
    return v;
  };
  return { lo: read('min'), hi: read('max') };
}

/** Whether the fused kernels apply: ordered bounds (min > max clips everything to max). */
function fusable(lo: number | undefined, hi: number | undefined): boolean {
  return (lo ?? -Infinity) <= (hi ?? Infinity);
}

/** m ? a : b for a 0/1 mask m (exact for finite values). */
function select<T>(k: Kernels<T>, m: T, a: T, b: T): T {
  return k.add(k.mul(a, m), k.mul(b, k.sub(scalarLike(k, m, 1), m)));
}

const base = unaryOp(
  'Clip',
  'activation',
  (k, x, node) => {
    const { lo, hi } = bounds(node);
    if (k.clip && fusable(lo, hi)) return k.clip(x, lo ?? -Infinity, hi ?? Infinity);
    let y = x;
    if (lo !== undefined && lo !== -Infinity) y = select(k, k.step(k.sub(y, scalarLike(k, y, lo))), y, scalarLike(k, y, lo));
    if (hi !== undefined && hi !== Infinity) y = select(k, k.step(k.sub(scalarLike(k, y, hi), y)), y, scalarLike(k, y, hi));
    return y;
  },
  (k, x, _y, dy, node) => {
    const { lo, hi } = bounds(node);
    if (k.clipBackprop && fusable(lo, hi)) return k.clipBackprop(dy, x, lo ?? -Infinity, hi ?? Infinity);
    let g = dy;
    // 1 − step(lo − x) = [x >= lo];  1 − step(x − hi) = [x <= hi].
    if (lo !== undefined) g = k.mul(g, k.sub(scalarLike(k, x, 1), k.step(k.sub(scalarLike(k, x, lo), x))));
    if (hi !== undefined) g = k.mul(g, k.sub(scalarLike(k, x, 1), k.step(k.sub(x, scalarLike(k, x, hi)))));
    return g;
  },
);

export const Clip: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    bounds(node);
    return [[...shapes[0]!]];
  },
};

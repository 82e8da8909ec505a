/**
 * Factory for ReduceSum / ReduceMean with attributes `axes` (absent or [] = all axes, unless
 * `noop_with_empty_axes` = 1 makes [] the identity) and `keepdims` (default 1).
 * VJP: dy reshaped to the kept-dims shape, broadcast back to x (scaled by 1/n for the mean).
 */
import { attrInts, attrNumber } from '../graph.js';
import type { GraphNode, OpType } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, normAxis, prod, scale, shapeError } from './util.js';
import type { Shape } from './util.js';

interface Reduction {
  /** Sorted, normalised axes; empty = identity. */
  readonly axes: number[];
  readonly keepdims: boolean;
}

function reduction(node: GraphNode, rank: number): Reduction {
  const keep = attrNumber(node, 'keepdims', 1);
  if (keep !== 0 && keep !== 1) throw shapeError(node, `attribute keepdims must be 0 or 1, got ${keep}`);
  const given = node.attrs['axes'] === undefined ? [] : attrInts(node, 'axes', []);
  const noop = attrNumber(node, 'noop_with_empty_axes', 0) !== 0;
  const all = Array.from({ length: rank }, (_, i) => i);
  const axes = given.length === 0 ? (noop ? [] : all) : given.map((a) => normAxis(node, a, rank));
  if (new Set(axes).size !== axes.length) throw shapeError(node, `axes ${fmt(given)} repeat an axis`);
  return { axes: [...axes].sort((a, b) => a - b), keepdims: keep === 1 };
}

function outShape(x: Shape, r: Reduction): number[] {
  const out: number[] = [];
  x.forEach((d, i) => {
    if (!r.axes.includes(i)) out.push(d);
    else if (r.keepdims) out.push(1);
  });
  return out;
}

export function reduceOp(type: OpType, mean: boolean): OpDef {
  return {
    type,
    kind: 'pool',
    dataInputs: [0],
    inferShapes(shapes, node) {
      expectInputs(node, shapes, 1);
      const x = shapes[0]!;
      return [outShape(x, reduction(node, x.length))];
    },
    forward(k, inputs, node) {
      const x = inputs[0]!;
      const xs = k.shape(x);
      const r = reduction(node, xs.length);
      if (r.axes.length === 0) return [x];
      const s = k.sum(x, r.axes, r.keepdims);
      return [mean ? scale(k, s, 1 / prod(r.axes.map((a) => xs[a]!))) : s];
    },
    vjp(k, inputs, _outputs, dys, node) {
      const xs = k.shape(inputs[0]!);
      const r = reduction(node, xs.length);
      if (r.axes.length === 0) return [dys[0]!];
      const kept = outShape(xs, { axes: r.axes, keepdims: true });
      const g = k.broadcastTo(k.reshape(dys[0]!, kept), xs);
      return [mean ? scale(k, g, 1 / prod(r.axes.map((a) => xs[a]!))) : g];
    },
  };
}

/**
 * Gather with constant indices: attributes `axis` (default 0), `indices` (flat integer list, negative
 * = from the end) and `indices_shape` (its shape; [] = a scalar index, which removes the axis; default
 * [indices.length]). Output shape x[:axis] + indices_shape + x[axis+1:].
 * VJP (scatter-add, with kernels only): dy with a zero slice appended along the axis, gathered once per
 * occurrence level of repeated indices and summed.
 */
import { attrInts, attrNumber } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, normAxis, shapeError } from './util.js';
import type { Shape } from './util.js';

interface GatherSpec {
  readonly axis: number;
  /** Raw indices (may be negative). */
  readonly indices: number[];
  readonly indicesShape: number[];
}

function spec(node: GraphNode, x: Shape): GatherSpec {
  if (x.length === 0) throw shapeError(node, 'input must have rank >= 1');
  const axis = normAxis(node, attrNumber(node, 'axis', 0), x.length);
  if (!Array.isArray(node.attrs['indices'])) throw shapeError(node, 'attribute indices (a list of integers) is required');
  const indices = attrInts(node, 'indices', []);
  const indicesShape = attrInts(node, 'indices_shape', [indices.length]);
  if (indicesShape.some((d) => !Number.isInteger(d) || d < 0) || indicesShape.reduce((p, d) => p * d, 1) !== indices.length) {
    throw shapeError(node, `indices_shape ${fmt(indicesShape)} does not hold ${indices.length} indices`);
  }
  const dim = x[axis]!;
  for (const i of indices) {
    if (!Number.isInteger(i) || (dim >= 0 && (i < -dim || i >= dim))) {
      throw shapeError(node, `index ${i} is out of range for axis ${axis} of size ${dim}`);
    }
  }
  return { axis, indices, indicesShape };
}

function outShape(x: Shape, s: GatherSpec): number[] {
  return [...x.slice(0, s.axis), ...s.indicesShape, ...x.slice(s.axis + 1)];
}

export const Gather: OpDef = {
  type: 'Gather',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    const x = shapes[0]!;
    return [outShape(x, spec(node, x))];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    const xs = k.shape(x);
    const s = spec(node, xs);
    const dim = xs[s.axis]!;
    const g = k.gather(x, s.indices.map((i) => (i < 0 ? i + dim : i)), s.axis);
    return [k.reshape(g, outShape(xs, s))];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const xs = k.shape(inputs[0]!);
    const s = spec(node, xs);
    const dim = xs[s.axis]!;
    const m = s.indices.length;
    const flatShape = [...xs];
    flatShape[s.axis] = m;
    const dy = k.reshape(dys[0]!, flatShape);
    // Slot m of the padded dy is zero: positions never gathered read it.
    const padded = k.pad(dy, [...xs.map((_, i) => 0), ...xs.map((_, i) => (i === s.axis ? 1 : 0))], 0);
    const occurrences: number[][] = Array.from({ length: dim }, () => []);
    s.indices.forEach((i, j) => occurrences[i < 0 ? i + dim : i]!.push(j));
    const levels = Math.max(1, ...occurrences.map((o) => o.length));
    let dx = k.gather(padded, occurrences.map((o) => o[0] ?? m), s.axis);
    for (let r = 1; r < levels; r++) dx = k.add(dx, k.gather(padded, occurrences.map((o) => o[r] ?? m), s.axis));
    return [dx];
  },
};

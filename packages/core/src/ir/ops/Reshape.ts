/** Reshape with the target as attribute `shape` (ONNX semantics: 0 copies the input dimension, −1 is inferred). */
import { attrInts } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, shapeError } from './util.js';
import type { Shape } from './util.js';

/** Resolve the target shape; unknown input dimensions (−1) propagate as −1. */
export function reshapeTarget(node: GraphNode, x: Shape): number[] {
  if (!Array.isArray(node.attrs['shape'])) throw shapeError(node, 'attribute shape (a list of integers) is required');
  const spec = attrInts(node, 'shape', []);
  let inferAt = -1;
  const out: number[] = [];
  const copied = new Set<number>();
  spec.forEach((d, i) => {
    if (!Number.isInteger(d) || d < -1) throw shapeError(node, `invalid entry ${d} in shape ${fmt(spec)}`);
    if (d === 0) {
      if (i >= x.length) throw shapeError(node, `shape ${fmt(spec)} copies dimension ${i} of a rank-${x.length} input`);
      out.push(x[i]!);
      copied.add(i);
    } else if (d === -1) {
      if (inferAt >= 0) throw shapeError(node, `shape ${fmt(spec)} has more than one -1`);
      inferAt = i;
      out.push(-1);
    } else out.push(d);
  });
  // Known element counts, cancelling unknown dimensions that are copied through unchanged.
  let inKnown = 1;
  let inUnknown = 0;
  x.forEach((d, i) => {
    if (d < 0) {
      if (!copied.has(i)) inUnknown++;
    } else inKnown *= d;
  });
  let outKnown = 1;
  out.forEach((d, i) => {
    if (i !== inferAt && d >= 0) outKnown *= d;
  });
  if (inferAt >= 0) {
    if (inUnknown > 0) out[inferAt] = -1;
    else {
      if (outKnown === 0 || inKnown % outKnown !== 0) {
        throw shapeError(node, `cannot reshape ${fmt(x)} to ${fmt(spec)}`);
      }
      out[inferAt] = inKnown / outKnown;
    }
  } else if (inUnknown === 0 && inKnown !== outKnown) {
    throw shapeError(node, `cannot reshape ${fmt(x)} (${inKnown} elements) to ${fmt(out)}`);
  }
  return out;
}

export const Reshape: OpDef = {
  type: 'Reshape',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    return [reshapeTarget(node, shapes[0]!)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.reshape(x, reshapeTarget(node, k.shape(x)))];
  },
  vjp(k, inputs, _outputs, dys) {
    return [k.reshape(dys[0]!, k.shape(inputs[0]!))];
  },
};

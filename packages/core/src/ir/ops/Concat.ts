/** Concat (ONNX): join inputs along `axis` (negative allowed). VJP: slices of the output gradient. */
import { attrNumber } from '../graph.js';
import type { OpDef } from '../op.js';
import { fmt, normAxis, shapeError } from './util.js';

/** Concat is variadic: every position may carry data (initializer inputs are treated as parameters). */
const ALL_INPUTS: readonly number[] = Array.from({ length: 256 }, (_, i) => i);

export const Concat: OpDef = {
  type: 'Concat',
  kind: 'shape',
  // Any input may carry data; the executor treats initializer inputs as parameters.
  dataInputs: ALL_INPUTS,
  inferShapes(shapes, node) {
    if (shapes.length < 1) throw shapeError(node, 'needs at least one input');
    const rank = shapes[0]!.length;
    const axis = normAxis(node, attrNumber(node, 'axis', 0), rank);
    const out = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      if (s.length !== rank) throw shapeError(node, `inputs have different ranks: ${shapes.map(fmt).join(', ')}`);
      s.forEach((d, i) => {
        if (i === axis) out[i] = out[i]! < 0 || d < 0 ? -1 : out[i]! + d;
        else if (out[i]! < 0) out[i] = d;
        else if (d >= 0 && d !== out[i]) throw shapeError(node, `inputs differ outside axis ${axis}: ${shapes.map(fmt).join(', ')}`);
      });
    }
    return [out];
  },
  forward(k, inputs, node) {
    const axis = normAxis(node, attrNumber(node, 'axis', 0), k.shape(inputs[0]!).length);
    return [inputs.length === 1 ? inputs[0]! : k.concat(inputs, axis)];
  },
  vjp(k, inputs, _outputs, dys, node, needed) {
    const dy = dys[0]!;
    const shape = k.shape(dy);
    const axis = normAxis(node, attrNumber(node, 'axis', 0), shape.length);
    let offset = 0;
    return inputs.map((x, i) => {
      const s = k.shape(x);
      const begin = shape.map((_, j) => (j === axis ? offset : 0));
      offset += s[axis]!;
      if (needed?.[i] === false) return undefined;
      return k.slice(dy, begin, s);
    });
  },
};

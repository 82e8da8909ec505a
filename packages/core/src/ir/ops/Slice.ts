/**
 * Slice with constant attributes `starts`, `ends`, `axes` (default 0..len−1) and `steps` (default 1;
 * only 1 is supported). ONNX clamping: negative starts/ends count from the end (+dim), then both are
 * clamped to [0, dim]; an empty range gives size 0. VJP: dy zero-padded back to x's shape.
 */
import { attrInts } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, normAxis, shapeError, unsupported } from './util.js';
import type { Shape } from './util.js';

/** Per-axis [begin, size] for a known input shape; unknown dims give size −1 when sliced. */
function ranges(node: GraphNode, x: Shape): { begin: number[]; size: number[] } {
  const starts = attrInts(node, 'starts', []);
  const ends = attrInts(node, 'ends', []);
  if (!Array.isArray(node.attrs['starts']) || !Array.isArray(node.attrs['ends'])) {
    throw shapeError(node, 'attributes starts and ends (lists of integers) are required');
  }
  const axes = attrInts(node, 'axes', starts.map((_, i) => i)).map((a) => normAxis(node, a, x.length));
  const steps = attrInts(node, 'steps', starts.map(() => 1));
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw shapeError(node, `starts ${fmt(starts)}, ends ${fmt(ends)}, axes and steps must have the same length`);
  }
  if (new Set(axes).size !== axes.length) throw shapeError(node, `axes ${fmt(axes)} repeat an axis`);
  if (steps.some((s) => s !== 1)) throw unsupported(node, `only steps of 1 are supported, got ${fmt(steps)}`);
  const begin = x.map(() => 0);
  const size = [...x];
  axes.forEach((a, i) => {
    const dim = x[a]!;
    const s = starts[i]!;
    const e = ends[i]!;
    if (!Number.isInteger(s) || !Number.isInteger(e)) throw shapeError(node, `starts/ends must be integers`);
    if (dim < 0) {
      size[a] = -1;
      return;
    }
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    begin[a] = clamp(s);
    size[a] = Math.max(0, clamp(e) - begin[a]!);
  });
  return { begin, size };
}

export const Slice: OpDef = {
  type: 'Slice',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    return [ranges(node, shapes[0]!).size];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    const { begin, size } = ranges(node, k.shape(x));
    return [k.slice(x, begin, size)];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const xs = k.shape(inputs[0]!);
    const { begin, size } = ranges(node, xs);
    const pads = [...begin, ...xs.map((d, i) => d - begin[i]! - size[i]!)];
    return [k.pad(dys[0]!, pads, 0)];
  },
};

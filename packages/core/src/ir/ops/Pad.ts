/**
 * Pad with constant attributes: `pads` (ONNX order: all begins then all ends, length 2·rank; negative
 * entries crop), `mode` ('constant' only; absent = constant) and `value` (default 0).
 * VJP: dy with the pads negated (padding becomes cropping and vice versa, filled with 0).
 */
import { attrInts, attrNumber } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, shapeError, unsupported } from './util.js';
import type { Shape } from './util.js';

function padsOf(node: GraphNode, rank: number): number[] {
  const mode = node.attrs['mode'];
  if (mode !== undefined && mode !== 'constant') throw unsupported(node, `only mode 'constant' is supported, got ${String(mode)}`);
  if (!Array.isArray(node.attrs['pads'])) throw shapeError(node, 'attribute pads (a list of integers) is required');
  const pads = attrInts(node, 'pads', []);
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p))) {
    throw shapeError(node, `pads ${fmt(pads)} must be ${2 * rank} integers for a rank-${rank} input`);
  }
  return pads;
}

function outShape(node: GraphNode, x: Shape): number[] {
  const pads = padsOf(node, x.length);
  return x.map((d, i) => {
    if (d < 0) return -1;
    const n = pads[i]! + d + pads[i + x.length]!;
    if (n < 0) throw shapeError(node, `pads ${fmt(pads)} crop more than dimension ${i} of ${fmt(x)} holds`);
    return n;
  });
}

export const Pad: OpDef = {
  type: 'Pad',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    return [outShape(node, shapes[0]!)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.pad(x, padsOf(node, k.shape(x).length), attrNumber(node, 'value', 0))];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const pads = padsOf(node, k.shape(inputs[0]!).length);
    return [k.pad(dys[0]!, pads.map((p) => -p), 0)];
  },
};

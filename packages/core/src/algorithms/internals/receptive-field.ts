/**
 * Receptive field of one position of a spatial layer, in input pixel coordinates, computed from
 * the graph (not from gradients): walking from the layer's node back to the graph input, every
 * Conv / MaxPool / AveragePool maps an output row range [a, b] to the input rows
 * [a·s − p_top, b·s − p_top + d·(k − 1)] (stride s, top pad p_top, dilation d, kernel k; columns
 * alike); element-wise ops, activations, BatchNorm, Identity, Dropout, Clip and Concat pass the
 * range through to each of their data inputs, and the box is the union over paths (residual
 * sums). Any other op on the path (Gemm, MatMul, Flatten, Reshape, Transpose, global pools,
 * reductions, Pad, …) mixes positions: the field is then the whole input (`whole: true`).
 * `box` is clipped to the image; `unclipped` is the field before clipping (padding included).
 * Tested against hand-computed fields and against the support of the unit's input gradient on a
 * graph with positive weights (where the two coincide).
 */
import type { Graph, GraphNode, Layout } from '../../ir/graph.js';
import { attrInts, attrLayout } from '../../ir/graph.js';
import { convParams, poolParams } from '../../ir/ops/util.js';
import { inferGraphShapes } from '../../ir/validate.js';
import { InvalidArgumentError } from '../../errors.js';

/** Inclusive pixel box: rows top…bottom, columns left…right. */
export interface PixelBox {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface ReceptiveField {
  readonly box: PixelBox;
  readonly unclipped: PixelBox;
  /** True when an op on the path mixes all positions (the box is then the whole input). */
  readonly whole: boolean;
}

const PASS = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'BatchNormalization', 'Identity', 'Dropout', 'Clip', 'Add', 'Sub', 'Mul', 'Div',
  'Erf', 'Gelu', 'Pow', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Cast', 'Elu', 'Selu', 'Softplus', 'Softsign', 'HardSigmoid',
  'HardSwish', 'Swish', 'Mish', 'ThresholdedRelu', 'Concat',
]);

type Range = [number, number, number, number]; // top, left, bottom, right

/**
 * The receptive field of `position` ([y, x]) of layer `layer` (a node name) over an input of
 * spatial size h × w (`layout` tells where H and W sit in the input).
 */
export function receptiveField(graph: Graph, layer: string, position: readonly [number, number], inputLayout: Layout): ReceptiveField {
  const shapes = inferGraphShapes(graph);
  const byOutput = new Map(graph.nodes.map((n) => [n.outputs[0]!, n] as const));
  const input = graph.inputs[0]!;
  const inShape = shapes[input.name] ?? input.shape;
  const [H, W] = inputLayout === 'NHWC' ? [inShape[1]!, inShape[2]!] : [inShape[2]!, inShape[3]!];
  const node = graph.nodes.find((n) => n.name === layer);
  if (!node) throw new InvalidArgumentError(`unknown layer '${layer}'`);
  let whole = false;
  let acc: Range | undefined;
  const visit = (tensor: string, r: Range): void => {
    if (whole) return;
    if (tensor === input.name) {
      acc = acc ? [Math.min(acc[0], r[0]), Math.min(acc[1], r[1]), Math.max(acc[2], r[2]), Math.max(acc[3], r[3])] : r;
      return;
    }
    if (tensor in graph.initializers || tensor === '') return;
    const n = byOutput.get(tensor);
    if (!n) return;
    step(n, r);
  };
  const step = (n: GraphNode, r: Range): void => {
    if (n.op === 'Conv' || n.op === 'MaxPool' || n.op === 'AveragePool') {
      const xShape = shapes[n.inputs[0]!]!;
      let kernel: [number, number];
      let strides: readonly [number, number];
      let pads: readonly number[];
      let dil: readonly [number, number] = [1, 1];
      if (n.op === 'Conv') {
        const wShape = shapes[n.inputs[1]!] ?? graph.initializers[n.inputs[1]!]!.shape;
        kernel = attrLayout(n) === 'NCHW' ? [wShape[2]!, wShape[3]!] : [wShape[0]!, wShape[1]!];
        kernel = attrInts(n, 'kernel_shape', kernel) as [number, number];
        const p = convParams(n, xShape, kernel);
        [strides, pads, dil] = [p.strides, p.pads, p.dilations];
      } else {
        const p = poolParams(n, xShape);
        [kernel, strides, pads] = [[p.kernel[0], p.kernel[1]], p.strides, p.pads];
      }
      visit(n.inputs[0]!, [
        r[0] * strides[0] - pads[0]!,
        r[1] * strides[1] - pads[1]!,
        r[2] * strides[0] - pads[0]! + dil[0] * (kernel[0] - 1),
        r[3] * strides[1] - pads[1]! + dil[1] * (kernel[1] - 1),
      ]);
      return;
    }
    if (PASS.has(n.op)) {
      for (const i of n.inputs) visit(i, r);
      return;
    }
    whole = true;
  };
  step(node, [position[0], position[1], position[0], position[1]]);
  if (whole || !acc) {
    const all: PixelBox = { top: 0, left: 0, bottom: H - 1, right: W - 1 };
    return { box: all, unclipped: all, whole: true };
  }
  const [t, l, b, r] = acc;
  return {
    box: { top: Math.max(0, t), left: Math.max(0, l), bottom: Math.min(H - 1, b), right: Math.min(W - 1, r) },
    unclipped: { top: t, left: l, bottom: b, right: r },
    whole: false,
  };
}

/**
 * LayerNormalization (ONNX opset 17, one output): normalises over the axes [axis, rank) (axis default
 * −1), then y = x̂ · Scale + B with x̂ = (x − μ)/√(σ² + ε) (ε = `epsilon`, default 1e-5; biased
 * variance). Scale and B are parameters broadcastable to x.shape[axis:].
 * VJP wrt x (g = dy·Scale, means over the normalised axes): (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε).
 */
import { attrNumber } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, normAxis, scalarLike, scale, shapeError, unsupported } from './util.js';
import type { Shape } from './util.js';

function axesOf(node: GraphNode, rank: number): number[] {
  const axis = normAxis(node, attrNumber(node, 'axis', -1), rank);
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}

function epsilonOf(node: GraphNode): number {
  const eps = attrNumber(node, 'epsilon', 1e-5);
  if (!(eps >= 0)) throw shapeError(node, `epsilon must be >= 0, got ${eps}`);
  return eps;
}

interface Normalised<T> {
  readonly xhat: T;
  /** 1/√(σ² + ε), kept dims. */
  readonly inv: T;
  readonly axes: number[];
  readonly n: number;
}

function normalise<T>(k: Kernels<T>, x: T, node: GraphNode): Normalised<T> {
  const xs = k.shape(x);
  const axes = axesOf(node, xs.length);
  const n = axes.reduce((p, a) => p * xs[a]!, 1);
  const mean = scale(k, k.sum(x, axes, true), 1 / n);
  const d = k.sub(x, mean);
  const variance = scale(k, k.sum(k.mul(d, d), axes, true), 1 / n);
  const inv = k.div(scalarLike(k, variance, 1), k.sqrt(k.add(variance, scalarLike(k, variance, epsilonOf(node)))));
  return { xhat: k.mul(d, inv), inv, axes, n };
}

export const LayerNormalization: OpDef = {
  type: 'LayerNormalization',
  kind: 'normalization',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 2, 3);
    if (node.outputs.length > 1) throw unsupported(node, 'only the first output (Y) is supported');
    const x = shapes[0]!;
    const axes = axesOf(node, x.length);
    epsilonOf(node);
    const normalised = x.slice(axes[0]);
    for (const [i, name] of ['Scale', 'B'].entries()) {
      const s = shapes[i + 1];
      if (s === undefined) continue;
      const off = normalised.length - s.length;
      if (off < 0 || s.some((d, j) => d !== 1 && d !== normalised[off + j] && d >= 0 && normalised[off + j]! >= 0)) {
        throw shapeError(node, `${name} ${fmt(s)} must broadcast to the normalised shape ${fmt(normalised)}`);
      }
    }
    return [[...x]];
  },
  forward(k, inputs, node) {
    const { xhat } = normalise(k, inputs[0]!, node);
    const y = k.mul(xhat, inputs[1]!);
    return [inputs[2] === undefined ? y : k.add(y, inputs[2])];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const { xhat, inv, axes, n } = normalise(k, inputs[0]!, node);
    const g = k.mul(dys[0]!, inputs[1]!);
    const meanG = scale(k, k.sum(g, axes, true), 1 / n);
    const meanGx = scale(k, k.sum(k.mul(g, xhat), axes, true), 1 / n);
    return [k.mul(k.sub(k.sub(g, meanG), k.mul(xhat, meanGx)), inv)];
  },
};

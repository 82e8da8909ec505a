/**
 * Gelu (ONNX opset 20), attribute `approximate`: 'none' (default) or 'tanh'.
 *   none: y = x/2 · (1 + erf(x/√2)),                  y' = (1 + erf(x/√2))/2 + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
 *   tanh: y = x/2 · (1 + tanh(u)), u = √(2/π)(x + 0.044715x³),
 *         y' = (1 + tanh u)/2 + x/2 · (1 − tanh²u) · √(2/π)(1 + 3·0.044715x²)
 */
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { unaryOp } from './unary.js';
import { expectInputs, scalarLike, scale, shapeError } from './util.js';

const C = 0.044715;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function approximation(node: GraphNode): 'none' | 'tanh' {
  const a = node.attrs['approximate'];
  if (a === undefined || a === 'none') return 'none';
  if (a === 'tanh') return 'tanh';
  throw shapeError(node, `attribute approximate must be 'none' or 'tanh', got ${String(a)}`);
}

/** tanh(√(2/π)(x + 0.044715x³)). */
function tanhInner<T>(k: Kernels<T>, x: T): T {
  const x3 = k.mul(k.mul(x, x), x);
  return k.tanh(scale(k, k.add(x, scale(k, x3, C)), SQRT_2_OVER_PI));
}

function onePlus<T>(k: Kernels<T>, v: T): T {
  return k.add(scalarLike(k, v, 1), v);
}

function erfGrad<T>(k: Kernels<T>, x: T): T {
  const cdf = scale(k, onePlus(k, k.erf(scale(k, x, Math.SQRT1_2))), 0.5);
  const pdf = scale(k, k.exp(scale(k, k.mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return k.add(cdf, k.mul(x, pdf));
}

function tanhGrad<T>(k: Kernels<T>, x: T): T {
  const t = tanhInner(k, x);
  const du = scale(k, onePlus(k, scale(k, k.mul(x, x), 3 * C)), SQRT_2_OVER_PI);
  const sech2 = k.sub(scalarLike(k, t, 1), k.mul(t, t));
  return k.add(scale(k, onePlus(k, t), 0.5), scale(k, k.mul(k.mul(x, sech2), du), 0.5));
}

const base = unaryOp(
  'Gelu',
  'activation',
  (k, x, node) => {
    const inner = approximation(node) === 'tanh' ? tanhInner(k, x) : k.erf(scale(k, x, Math.SQRT1_2));
    return scale(k, k.mul(x, onePlus(k, inner)), 0.5);
  },
  (k, x, _y, dy, node) => k.mul(dy, approximation(node) === 'tanh' ? tanhGrad(k, x) : erfGrad(k, x)),
);

export const Gelu: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    approximation(node);
    return [[...shapes[0]!]];
  },
};

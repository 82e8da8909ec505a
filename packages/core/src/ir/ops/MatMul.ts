/** MatMul (ONNX / numpy matmul): N-D with broadcast batch dimensions; rank-1 operands are promoted. */
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { broadcastShapes, expectInputs, fmt, sameShape, shapeError, sumToShape } from './util.js';
import type { Shape } from './util.js';

/** Promote rank-1 operands to rank 2 ([K] -> [1,K] for A, [K,1] for B). */
function promote(a: Shape, b: Shape): [number[], number[]] {
  return [a.length === 1 ? [1, a[0]!] : [...a], b.length === 1 ? [b[0]!, 1] : [...b]];
}

function prepare<T>(k: Kernels<T>, a: T, b: T, node: GraphNode): { a: T; b: T; aShape: number[]; bShape: number[] } {
  const [as, bs] = promote(k.shape(a), k.shape(b));
  let a2 = sameShape(as, k.shape(a)) ? a : k.reshape(a, as);
  let b2 = sameShape(bs, k.shape(b)) ? b : k.reshape(b, bs);
  if (as.length > 2 && bs.length > 2) {
    // Broadcast the batch dimensions so the kernel sees equal leading dimensions.
    const batch = broadcastShapes(node, as.slice(0, -2), bs.slice(0, -2));
    const ta = [...batch, ...as.slice(-2)];
    const tb = [...batch, ...bs.slice(-2)];
    if (!sameShape(ta, as)) a2 = k.broadcastTo(a2, ta);
    if (!sameShape(tb, bs)) b2 = k.broadcastTo(b2, tb);
  }
  return { a: a2, b: b2, aShape: as, bShape: bs };
}

export const MatMul: OpDef = {
  type: 'MatMul',
  kind: 'linear',
  dataInputs: [0, 1],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 2);
    const [a0, b0] = shapes as [Shape, Shape];
    if (a0.length === 0 || b0.length === 0) throw shapeError(node, 'operands must have rank >= 1');
    const [a, b] = promote(a0, b0);
    const ka = a[a.length - 1]!;
    const kb = b[b.length - 2]!;
    if (ka >= 0 && kb >= 0 && ka !== kb) throw shapeError(node, `inner dimensions differ: ${fmt(a0)} x ${fmt(b0)}`);
    const batch = broadcastShapes(node, a.slice(0, -2), b.slice(0, -2));
    const out = [...batch];
    if (a0.length > 1) out.push(a[a.length - 2]!);
    if (b0.length > 1) out.push(b[b.length - 1]!);
    return [out];
  },
  forward(k, inputs, node) {
    const { a, b } = prepare(k, inputs[0]!, inputs[1]!, node);
    const y = k.matmul(a, b, false, false);
    const out = MatMul.inferShapes([k.shape(inputs[0]!), k.shape(inputs[1]!)], node)[0]!;
    return [sameShape(k.shape(y), out) ? y : k.reshape(y, out)];
  },
  vjp(k, inputs, _outputs, dys, node, needed) {
    const origA = k.shape(inputs[0]!);
    const origB = k.shape(inputs[1]!);
    const { a, b, aShape, bShape } = prepare(k, inputs[0]!, inputs[1]!, node);
    // dY in the promoted rank: [...batch, M, N].
    const batch = broadcastShapes(node, aShape.slice(0, -2), bShape.slice(0, -2));
    const yShape = [...batch, aShape[aShape.length - 2]!, bShape[bShape.length - 1]!];
    const dy0 = dys[0]!;
    const dy = sameShape(k.shape(dy0), yShape) ? dy0 : k.reshape(dy0, yShape);
    let da;
    if (needed?.[0] !== false) {
      da = sumToShape(k, k.matmul(dy, b, false, true), aShape);
      if (!sameShape(aShape, origA)) da = k.reshape(da, origA);
    }
    let db;
    if (needed?.[1] !== false) {
      if (bShape.length === 2 && aShape.length > 2) {
        // Fold the batch dimensions of A into rows: dB = A2ᵀ·dY2.
        const kdim = aShape[aShape.length - 1]!;
        const n = bShape[1]!;
        const rows = k.shape(a).slice(0, -1).reduce((p, q) => p * q, 1);
        const a2 = k.reshape(a, [rows, kdim]);
        const dy2 = k.reshape(dy, [rows, n]);
        db = k.matmul(a2, dy2, true, false);
      } else {
        db = sumToShape(k, k.matmul(a, dy, true, false), bShape);
      }
      if (!sameShape(bShape, origB)) db = k.reshape(db, origB);
    }
    return [da, db];
  },
};

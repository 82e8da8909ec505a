/** Gemm (ONNX): Y = alpha · A' · B' + beta · C, A' = transA ? Aᵀ : A, B' likewise; C broadcasts to Y. */
import { attrNumber } from '../graph.js';
import type { OpDef } from '../op.js';
import { broadcastShapes, expectInputs, expectRank, fmt, scale, shapeError, sumToShape } from './util.js';

export const Gemm: OpDef = {
  type: 'Gemm',
  kind: 'linear',
  dataInputs: [0, 1, 2],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 2, 3);
    const [a, b] = shapes as [number[], number[]];
    expectRank(node, a, 2, 'A');
    expectRank(node, b, 2, 'B');
    const transA = attrNumber(node, 'transA', 0) !== 0;
    const transB = attrNumber(node, 'transB', 0) !== 0;
    const [m, ka] = transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
    const [kb, n] = transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
    if (ka >= 0 && kb >= 0 && ka !== kb) throw shapeError(node, `inner dimensions differ: A ${fmt(a)}, B ${fmt(b)}`);
    const out = [m, n];
    const c = shapes[2];
    if (c !== undefined) {
      if (c.length > 2) throw shapeError(node, `C must have rank <= 2, got ${fmt(c)}`);
      const bc = broadcastShapes(node, out, c);
      if (bc[0] !== m || bc[1] !== n) throw shapeError(node, `C ${fmt(c)} does not broadcast to ${fmt(out)}`);
    }
    return [out];
  },
  forward(k, inputs, node) {
    const alpha = attrNumber(node, 'alpha', 1);
    const beta = attrNumber(node, 'beta', 1);
    const transA = attrNumber(node, 'transA', 0) !== 0;
    const transB = attrNumber(node, 'transB', 0) !== 0;
    let y = scale(k, k.matmul(inputs[0]!, inputs[1]!, transA, transB), alpha);
    const c = inputs[2];
    if (c !== undefined && beta !== 0) y = k.add(y, scale(k, c, beta));
    return [y];
  },
  vjp(k, inputs, _outputs, dys, node, needed) {
    const alpha = attrNumber(node, 'alpha', 1);
    const beta = attrNumber(node, 'beta', 1);
    const transA = attrNumber(node, 'transA', 0) !== 0;
    const transB = attrNumber(node, 'transB', 0) !== 0;
    const [a, b, c] = inputs;
    const dy = scale(k, dys[0]!, alpha);
    let da;
    if (needed?.[0] !== false) {
      // dA' = dY·B'ᵀ; with transA, dA = (dA')ᵀ = B'·dYᵀ.
      da = transA ? k.matmul(b!, dy, transB, true) : k.matmul(dy, b!, false, !transB);
    }
    let db;
    if (needed?.[1] !== false) {
      // dB' = A'ᵀ·dY; with transB, dB = dYᵀ·A'.
      db = transB ? k.matmul(dy, a!, true, transA) : k.matmul(a!, dy, !transA, false);
    }
    let dc;
    if (c !== undefined && needed?.[2] !== false) dc = sumToShape(k, scale(k, dys[0]!, beta), k.shape(c));
    return [da, db, dc];
  },
};

/**
 * Matrix products: MatMul and _FusedMatMul (BiasAdd, then an activation) on rank-2 operands become
 * IR Gemm (transA / transB, the bias as C); BatchMatMul / V2 / V3 become IR MatMul with the adjoint
 * flags as transposes of the last two dimensions.
 */
import type { NodeContext } from '../context.js';
import { ImportIssue, fmt, shapesOf, type Value } from '../values.js';
import { activation, type Converter } from './common.js';

function gemm(n: NodeContext, bias: Value | undefined, role: string | undefined): Value {
  const a = n.input(0, 'a');
  const b = n.input(1, 'b');
  const [sa, sb] = [shapesOf(a)[0], shapesOf(b)[0]];
  if (sa.length !== 2 || sb.length !== 2) throw new ImportIssue(`MatMul operands must be matrices, got ${fmt(sa)} and ${fmt(sb)}`);
  const attrs = { transA: n.attrs.bool('transpose_a', false) ? 1 : 0, transB: n.attrs.bool('transpose_b', false) ? 1 : 0 };
  return n.emit('Gemm', bias ? [a, b, bias] : [a, b], attrs, role === undefined ? {} : { role });
}

const matMul: Converter = (n) => n.bind(0, gemm(n, undefined, undefined));

const fusedMatMul: Converter = (n) => {
  const ops = n.attrs.strings('fused_ops', []).map((s) => s.toLowerCase());
  let rest = ops;
  let bias: Value | undefined;
  let args = 2;
  if (ops[0] === 'biasadd') {
    const b = n.constArr(2, 'bias');
    if (b.shape.length !== 1) throw new ImportIssue(`bias must be a vector, got ${fmt(b.shape)}`);
    bias = n.input(2);
    rest = ops.slice(1);
    args = 3;
  }
  if (rest.length > 1) throw new ImportIssue(`fused_ops ${JSON.stringify(ops)} has more than one activation`);
  let y = gemm(n, bias, rest.length === 1 ? 'linear' : undefined);
  if (rest.length === 1) {
    const kind = rest[0]!;
    const preluAlpha = kind === 'prelu' ? n.input(args, 'prelu alpha') : undefined;
    y = activation(n, y, { kind, leakyAlpha: n.attrs.float('leakyrelu_alpha', 0.2), ...(preluAlpha ? { preluAlpha } : {}) }, true);
  }
  n.bind(0, y);
};

/** Swap the last two dimensions (folded on the host for constants). */
function adjoint(n: NodeContext, v: Value, role: string): Value {
  const rank = shapesOf(v)[0].length;
  if (rank < 2) throw new ImportIssue(`BatchMatMul operands must have rank >= 2, got ${fmt(shapesOf(v)[0])}`);
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return n.emit('Transpose', [v], { perm }, { role });
}

const batchMatMul: Converter = (n) => {
  let a = n.input(0, 'x');
  let b = n.input(1, 'y');
  if (n.attrs.bool('adj_x', false)) a = adjoint(n, a, 'adj_x');
  if (n.attrs.bool('adj_y', false)) b = adjoint(n, b, 'adj_y');
  n.bind(0, n.emit('MatMul', [a, b], {}));
};

export const MATMUL_CONVERTERS: Readonly<Record<string, Converter>> = {
  MatMul: matMul,
  _FusedMatMul: fusedMatMul,
  BatchMatMul: batchMatMul,
  BatchMatMulV2: batchMatMul,
  BatchMatMulV3: batchMatMul,
};

/**
 * Shape ops on activations: Reshape (batch-dependent target entries become 0 = copy or −1 = infer),
 * Squeeze, ExpandDims, ConcatV2 / Concat, Pack, Transpose, Pad / PadV2, GatherV2 with constant
 * indices, and the reductions Mean / Sum (IR ReduceMean / ReduceSum).
 */
import type { NodeContext } from '../context.js';
import { squeezeAxes } from '../fold.js';
import { normAxis } from '../host-ops.js';
import { ImportIssue, WORLD_BATCH, fmt, listsOf, shapesOf, type Value } from '../values.js';
import type { Converter } from './common.js';

const reshape: Converter = (n) => {
  const x = n.input(0, 'tensor');
  const xs = shapesOf(x);
  const [s0, s1] = listsOf(n.input(1, 'shape'), 'shape');
  const batchLed = xs[0][0] === WORLD_BATCH[0] && xs[1][0] === WORLD_BATCH[1];
  const spec = s0.map((a, i) => {
    const b = s1[i]!;
    if (a === b && a === 0) throw new ImportIssue('a reshape to a zero-size dimension is not supported');
    // A model converted with a fixed batch size b hard-codes b as the leading dimension: keep the batch.
    if (a === b && i === 0 && a > 0 && a === n.cx.fixedBatch && batchLed) return 0;
    if (a === b) return a;
    if (i < xs[0].length && xs[0][i] === a && xs[1][i] === b) return 0;
    return -1;
  });
  if (spec.filter((d) => d === -1).length > 1) {
    throw new ImportIssue(`the target shape ${fmt(s0)} (at batch ${WORLD_BATCH[0]}) has more than one batch-dependent or inferred dimension`);
  }
  n.bind(0, n.emit('Reshape', [x], { shape: spec }));
};

const squeeze: Converter = (n) => {
  const x = n.input(0, 'input');
  const [a0, a1] = shapesOf(x).map((s) => squeezeAxes(s, n.attrs.ints('squeeze_dims', [])));
  if (a0!.join() !== a1!.join()) throw new ImportIssue('which dimensions are squeezed depends on the batch size');
  shapesOf(x).forEach((s) => {
    if (a0!.some((a) => s[a] !== 1)) throw new ImportIssue(`cannot squeeze dimensions ${fmt(a0!)} of ${fmt(s)}`);
  });
  n.bind(0, n.emit('Squeeze', [x], { axes: a0! }));
};

const expandDims: Converter = (n) => {
  const x = n.input(0, 'input');
  const rank = shapesOf(x)[0].length + 1;
  n.bind(0, n.emit('Unsqueeze', [x], { axes: [normAxis(n.constScalar(1, 'dim'), rank, 'ExpandDims dim')] }));
};

function concat(n: NodeContext, parts: readonly Value[], axis: number): void {
  n.bind(0, n.emit('Concat', parts, { axis }));
}

const pack: Converter = (n) => {
  const rank = shapesOf(n.input(0))[0].length + 1;
  const axis = normAxis(n.attrs.int('axis', 0), rank, 'Pack axis');
  if (n.inputs.length === 1) {
    n.bind(0, n.emit('Unsqueeze', [n.input(0)], { axes: [axis] }));
    return;
  }
  const parts = n.inputs.map((v, i) => n.emit('Unsqueeze', [v], { axes: [axis] }, { role: `expand${i}` }));
  concat(n, parts, axis);
};

const transpose: Converter = (n) => n.bind(0, n.emit('Transpose', [n.input(0, 'x')], { perm: n.constInts(1, 'perm') }));

const pad: Converter = (n) => {
  const x = n.input(0, 'input');
  const rank = shapesOf(x)[0].length;
  const p = n.constInts(1, 'paddings');
  if (p.length !== 2 * rank) throw new ImportIssue(`paddings must be [${rank}, 2], got ${p.length} values`);
  const value = n.op === 'PadV2' && n.inputs.length > 2 ? n.constScalar(2, 'constant_values') : 0;
  const pads = [...Array.from({ length: rank }, (_, i) => p[2 * i]!), ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!)];
  n.bind(0, n.emit('Pad', [x], { pads, value }));
};

const gatherV2: Converter = (n) => {
  if (n.attrs.int('batch_dims', 0) !== 0) throw new ImportIssue('GatherV2 with batch_dims is not supported');
  const x = n.input(0, 'params');
  const idx = n.constArr(1, 'indices');
  const rank = shapesOf(x)[0].length;
  const axis = normAxis(n.op === 'Gather' ? 0 : n.constScalar(2, 'axis'), rank, 'gather axis');
  n.bind(0, n.emit('Gather', [x], { axis, indices: Array.from(idx.data), indices_shape: [...idx.shape] }));
};

const reduce =
  (op: 'ReduceMean' | 'ReduceSum'): Converter =>
  (n) => {
    const x = n.input(0, 'input');
    const rank = shapesOf(x)[0].length;
    const axes = n.constInts(1, 'axis').map((a) => normAxis(a, rank, 'reduction axis'));
    if (axes.length === 0) {
      n.bind(0, n.emit('Identity', [x], {}));
      return;
    }
    n.bind(0, n.emit(op, [x], { axes, keepdims: n.attrs.bool('keep_dims', false) ? 1 : 0 }));
  };

export const SHAPE_CONVERTERS: Readonly<Record<string, Converter>> = {
  Reshape: reshape,
  Squeeze: squeeze,
  ExpandDims: expandDims,
  ConcatV2: (n) => concat(n, n.inputs.slice(0, -1), n.constScalar(n.inputs.length - 1, 'axis')),
  Concat: (n) => concat(n, n.inputs.slice(1), n.constScalar(0, 'axis')),
  Pack: pack,
  Transpose: transpose,
  Pad: pad,
  PadV2: pad,
  GatherV2: gatherV2,
  Gather: gatherV2,
  Mean: reduce('ReduceMean'),
  Sum: reduce('ReduceSum'),
};

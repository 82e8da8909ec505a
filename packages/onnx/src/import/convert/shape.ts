/**
 * Converters for shape-manipulating ops on runtime tensors: constant inputs (shape, axes, starts,
 * pads, indices) become IR attributes; batch-dependent shape entries become 0 (copy) or -1 (infer).
 */
import { normAxis } from '../const-ops.js';
import type { NodeContext } from '../context.js';
import { BlockedError, WORLD_BATCH, fmt } from '../values.js';
import { shapesOf } from './nn.js';
import type { Converter } from './types.js';

const BIG = Number.MAX_SAFE_INTEGER;

/** A constant input in both worlds (it may depend on the batch size). */
function worldInts(n: NodeContext, i: number, what: string): [number[], number[]] {
  const v = n.required(i, what);
  if (v.kind !== 'const') throw new BlockedError(`${what} must be a constant, but it is computed from the model input (non-constant shape)`);
  return [Array.from(v.w[0].data), Array.from(v.w[1].data)];
}

/** Axes from the attribute before opset `from`, else from input `index` (absent = undefined). */
function axesArg(n: NodeContext, from: number, index = 1): number[] | undefined {
  if (n.opset >= from) return n.has(index) ? n.constInts(index, 'axes') : undefined;
  return n.attrs.ints('axes');
}

const reshape: Converter = (n) => {
  const x = n.required(0, 'data');
  const xs = shapesOf(x);
  const [s0, s1] = worldInts(n, 1, 'shape');
  const allowZero = n.opset >= 14 && n.attrs.int('allowzero', 0) !== 0;
  const spec: number[] = [];
  for (let i = 0; i < s0.length; i++) {
    const a = s0[i]!;
    const b = s1[i]!;
    if (a === b && i === 0 && a > 0 && a === n.cx.fixedBatch && xs[0][0] === WORLD_BATCH[0] && xs[1][0] === WORLD_BATCH[1]) {
      // A model exported with a fixed batch size b hard-codes b as the leading dimension: keep the batch.
      spec.push(0);
    } else if (a === b) {
      if (a === 0 && allowZero) throw new BlockedError('allowzero = 1 with a zero dimension is not supported');
      spec.push(a);
    } else if (i < xs[0].length && xs[0][i] === a && xs[1][i] === b) spec.push(0);
    else spec.push(-1);
  }
  if (spec.filter((d) => d === -1).length > 1) {
    throw new BlockedError(`the target shape ${fmt(s0)} (at batch 17) has more than one batch-dependent or inferred dimension`);
  }
  n.emitOutput('Reshape', [x], { shape: spec });
};

const squeeze: Converter = (n) => {
  const x = n.required(0, 'data');
  const [s0, s1] = shapesOf(x);
  let axes = axesArg(n, 13);
  if (axes === undefined) {
    if (s0.some((d) => d < 0)) throw new BlockedError(`Squeeze without axes needs a known shape, got ${fmt(s0)}`);
    axes = s0.map((d, i) => (d === 1 && s1[i] === 1 ? i : -1)).filter((i) => i >= 0);
  }
  n.emitOutput('Squeeze', [x], { axes });
};

const unsqueeze: Converter = (n) => {
  const axes = axesArg(n, 13);
  if (axes === undefined) throw new BlockedError('Unsqueeze needs axes');
  n.emitOutput('Unsqueeze', [n.required(0, 'data')], { axes });
};

const concat: Converter = (n) => {
  const parts = n.inputs.map((v, i) => n.required(i, `input ${i}`));
  n.emitOutput('Concat', parts, { axis: n.attrs.int('axis', 0) });
};

const split: Converter = (n) => {
  const x = n.required(0, 'input');
  const [s0, s1] = shapesOf(x);
  const axis = normAxis(n.attrs.int('axis', 0), s0.length);
  const dim = s0[axis]!;
  if (dim < 0 || dim !== s1[axis]) throw new BlockedError(`Split along a batch-dependent or unknown dimension (axis ${axis}) is not supported`);
  const count = n.outputs.length;
  let sizes: number[] | undefined = n.opset >= 13 ? (n.has(1) ? n.constInts(1, 'split') : undefined) : n.attrs.ints('split');
  if (sizes === undefined) {
    const parts = n.opset >= 18 && n.attrs.has('num_outputs') ? n.attrs.int('num_outputs', count) : count;
    const chunk = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(Math.min(chunk, dim - i * chunk), 0));
  }
  if (sizes.length !== count || sizes.reduce((a, b) => a + b, 0) !== dim) {
    throw new BlockedError(`split sizes ${fmt(sizes)} do not cover dimension ${dim} with ${count} outputs`);
  }
  let start = 0;
  sizes.forEach((size, i) => {
    const out = n.outputs[i]!;
    const attrs = { starts: [start], ends: [start + size], axes: [axis] };
    start += size;
    if (out === '') return;
    const nodeName = i === 0 ? undefined : n.cx.uniqueNodeName(out);
    n.emitOutput('Slice', [x], attrs, i, nodeName);
  });
};

const slice: Converter = (n) => {
  const x = n.required(0, 'data');
  const xs = shapesOf(x);
  const rank = xs[0].length;
  const fromInputs = n.opset >= 10;
  const fromAttr = (name: string): [number[], number[]] => [n.attrs.ints(name) ?? [], n.attrs.ints(name) ?? []];
  const starts = fromInputs ? worldInts(n, 1, 'starts') : fromAttr('starts');
  const ends = fromInputs ? worldInts(n, 2, 'ends') : fromAttr('ends');
  const axes = (fromInputs ? (n.has(3) ? n.constInts(3, 'axes') : undefined) : n.attrs.ints('axes')) ?? starts[0].map((_, i) => i);
  const steps = fromInputs && n.has(4) ? n.constInts(4, 'steps') : axes.map(() => 1);
  if (steps.some((s) => s !== 1)) throw new BlockedError(`Slice steps ${fmt(steps)} are not supported (only 1)`);
  const resolve = (pair: [number[], number[]], what: string): number[] =>
    pair[0].map((a, k) => {
      const b = pair[1][k]!;
      if (a === b) return a;
      const ax = normAxis(axes[k]!, rank);
      // A batch-dependent bound equal to the dimension itself (e.g. from Shape) means "to the end".
      if (xs[0][ax] === a && xs[1][ax] === b) return BIG;
      throw new BlockedError(`Slice ${what} depend on the batch size`);
    });
  n.emitOutput('Slice', [x], { starts: resolve(starts, 'starts'), ends: resolve(ends, 'ends'), axes });
};

const gather: Converter = (n) => {
  const x = n.required(0, 'data');
  const idx = n.required(1, 'indices');
  if (idx.kind !== 'const' || x.kind !== 'runtime') {
    throw new BlockedError('data-dependent Gather indices (indices computed from the model input, or a lookup into a constant table) are not supported');
  }
  const indices = n.constant(1, 'indices');
  const xs = shapesOf(x);
  const axis = normAxis(n.attrs.int('axis', 0), xs[0].length);
  const dim = xs[0][axis]!;
  const flat = Array.from(indices.data, (i) => {
    if (i >= 0) return i;
    if (dim < 0 || dim !== xs[1][axis]) throw new BlockedError('negative Gather indices along a batch-dependent dimension');
    return i + dim;
  });
  n.emitOutput('Gather', [x], { axis, indices: flat, indices_shape: [...indices.shape] });
};

const pad: Converter = (n) => {
  const x = n.required(0, 'data');
  const rank = shapesOf(x)[0].length;
  const mode = n.attrs.string('mode', 'constant');
  if (mode !== 'constant') throw new BlockedError(`Pad mode ${mode} is not supported (constant only)`);
  let pads: number[];
  let value = 0;
  if (n.opset >= 11) {
    pads = n.constInts(1, 'pads');
    if (n.has(2)) value = n.constScalar(2, 'constant_value');
    if (n.opset >= 18 && n.has(3)) {
      const axes = n.constInts(3, 'axes').map((a) => normAxis(a, rank));
      const full = new Array<number>(2 * rank).fill(0);
      axes.forEach((a, k) => {
        full[a] = pads[k]!;
        full[a + rank] = pads[k + axes.length]!;
      });
      pads = full;
    }
  } else {
    pads = n.attrs.ints('pads') ?? [];
    value = n.attrs.float('value', 0);
  }
  if (pads.length !== 2 * rank) throw new BlockedError(`pads ${fmt(pads)} must have ${2 * rank} entries`);
  n.emitOutput('Pad', [x], { pads, mode: 'constant', value });
};

function reduce(op: 'ReduceMean' | 'ReduceSum', axesInputFrom: number): Converter {
  return (n) => {
    const x = n.required(0, 'data');
    const axes = axesArg(n, axesInputFrom);
    const attrs: Record<string, number | number[]> = { keepdims: n.attrs.int('keepdims', 1) };
    if (axes !== undefined && axes.length > 0) attrs['axes'] = axes;
    else if (n.opset >= axesInputFrom && n.attrs.int('noop_with_empty_axes', 0) !== 0) {
      n.emitOutput('Identity', [x], {});
      return;
    }
    n.emitOutput(op, [x], attrs);
  };
}

export const SHAPE_CONVERTERS: Readonly<Record<string, Converter>> = {
  Flatten: (n) => n.emitOutput('Flatten', [n.required(0)], { axis: n.attrs.int('axis', 1) }),
  Reshape: reshape,
  Transpose: (n) => {
    const x = n.required(0);
    const perm = n.attrs.ints('perm') ?? shapesOf(x)[0].map((_, i, s) => s.length - 1 - i);
    n.emitOutput('Transpose', [x], { perm });
  },
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Pad: pad,
  ReduceMean: reduce('ReduceMean', 18),
  ReduceSum: reduce('ReduceSum', 13),
};

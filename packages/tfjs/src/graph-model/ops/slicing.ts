/**
 * Slicing activations: StridedSlice (all masks; static begin / end / strides), Slice, Split, SplitV
 * Unpack and ReverseV2. A dimension sliced with step 1 goes into one IR Slice, another step (negative too)
 * becomes an IR Gather with the constant index list; new and shrunk axes are a final Reshape.
 * Dimensions taken whole in every world (the batch, typically) are left alone.
 */
import type { Attrs, OpType } from '@glasswing/core';
import type { NodeContext } from '../context.js';
import { masksOf, sliceSizes } from '../fold.js';
import { normAxis } from '../host-ops.js';
import { resolveStridedSlice, type DenseSlice } from '../strided-slice.js';
import { ImportIssue, fmt, listsOf, shapesOf, type Value } from '../values.js';
import type { Converter } from './common.js';

/** The IR Reshape spec restoring these per-world shapes (the batch-dependent entry -> −1). */
export function restoreSpec(shapes: readonly [readonly number[], readonly number[]]): number[] {
  const spec = shapes[0].map((d, i) => (d === shapes[1][i] && d >= 0 ? d : -1));
  if (spec.filter((d) => d === -1).length > 1) throw new ImportIssue(`more than one dimension of ${fmt(shapes[0])} is unknown or batch-dependent`);
  return spec;
}

type Step = { op: OpType; attrs: Attrs };

/** Emit the steps; the last one is the node's output `index` (main node for index 0). */
function emitSteps(n: NodeContext, x: Value, steps: readonly Step[], index: number): Value {
  if (steps.length === 0) steps = [{ op: 'Identity', attrs: {} }];
  let y = x;
  steps.forEach((s, i) => {
    const last = i === steps.length - 1;
    const opts = last ? (index === 0 ? {} : { name: `${n.name}:${index}` }) : { role: `${index === 0 ? '' : `${index}/`}${s.op.toLowerCase()}${i}` };
    y = n.emit(s.op, [y], s.attrs, opts);
  });
  return y;
}

/** IR steps for a dense slice given in both worlds. */
export function sliceSteps(x: Value, s: readonly [DenseSlice, DenseSlice]): Step[] {
  const xs = shapesOf(x);
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const gathers: Step[] = [];
  for (let j = 0; j < xs[0].length; j++) {
    const whole = ([0, 1] as const).every((w) => s[w].begin[j] === 0 && s[w].size[j] === xs[w][j] && s[w].stride[j] === 1);
    if (whole) continue;
    const [a, b] = s;
    if (a.begin[j] !== b.begin[j] || a.size[j] !== b.size[j] || a.stride[j] !== b.stride[j]) {
      throw new ImportIssue(`the slice of dimension ${j} depends on the batch size`);
    }
    const step = a.stride[j]!;
    if (step === 1) {
      starts.push(a.begin[j]!);
      ends.push(a.begin[j]! + a.size[j]!);
      axes.push(j);
    } else {
      const indices = Array.from({ length: a.size[j]! }, (_, k) => a.begin[j]! + k * step);
      gathers.push({ op: 'Gather', attrs: { axis: j, indices, indices_shape: [indices.length] } });
    }
  }
  const steps: Step[] = axes.length > 0 ? [{ op: 'Slice', attrs: { starts, ends, axes } }, ...gathers] : gathers;
  const sliced = s[0].size;
  const out = s[0].outShape;
  if (sliced.length !== out.length || sliced.some((d, i) => d !== out[i])) {
    steps.push({ op: 'Reshape', attrs: { shape: restoreSpec([s[0].outShape, s[1].outShape]) } });
  }
  return steps;
}

function worldLists(n: NodeContext, i: number, what: string): [number[], number[]] {
  return listsOf(n.input(i, what), what);
}

const stridedSlice: Converter = (n) => {
  const x = n.input(0, 'input');
  const xs = shapesOf(x);
  const [b, e, st] = [worldLists(n, 1, 'begin'), worldLists(n, 2, 'end'), worldLists(n, 3, 'strides')];
  const masks = masksOf(n);
  const dense = ([0, 1] as const).map((w) => resolveStridedSlice(xs[w], b[w], e[w], st[w], masks)) as [DenseSlice, DenseSlice];
  n.bind(0, emitSteps(n, x, sliceSteps(x, dense), 0));
};

const dense = (begin: readonly number[], size: readonly number[], out?: readonly number[]): DenseSlice => ({
  begin,
  size,
  stride: begin.map(() => 1),
  outShape: out ?? size,
});

const slice: Converter = (n) => {
  const x = n.input(0, 'input');
  const xs = shapesOf(x);
  const [b, sz] = [worldLists(n, 1, 'begin'), worldLists(n, 2, 'size')];
  const d = ([0, 1] as const).map((w) => dense(b[w], sliceSizes(xs[w], b[w], sz[w]))) as [DenseSlice, DenseSlice];
  n.bind(0, emitSteps(n, x, sliceSteps(x, d), 0));
};

/** Split `x` along `axis` into pieces of the given sizes, output k = piece k. */
function splitInto(n: NodeContext, x: Value, axis: number, sizes: readonly number[], squeeze: boolean): void {
  const xs = shapesOf(x);
  const ax = normAxis(axis, xs[0].length, 'split axis');
  if (xs[0][ax] !== xs[1][ax] || xs[0][ax]! < 0) throw new ImportIssue(`splitting dimension ${ax}, which depends on the batch size, is not supported`);
  const total = xs[0][ax]!;
  if (sizes.reduce((s, v) => s + v, 0) !== total) throw new ImportIssue(`split sizes ${fmt(sizes)} do not add up to ${total}`);
  let offset = 0;
  sizes.forEach((size, k) => {
    const d = ([0, 1] as const).map((w) => {
      const begin = xs[w].map((_, i) => (i === ax ? offset : 0));
      const sz = xs[w].map((dim, i) => (i === ax ? size : dim));
      return dense(begin, sz, squeeze ? sz.filter((_, i) => i !== ax) : sz);
    }) as [DenseSlice, DenseSlice];
    offset += size;
    if (n.usedOutputs.has(k) || k === 0) n.bind(k, emitSteps(n, x, sliceSteps(x, d), k));
  });
}

const split: Converter = (n) => {
  const x = n.input(1, 'value');
  const count = n.attrs.int('num_split', 1);
  const dim = shapesOf(x)[0][normAxis(n.constScalar(0, 'axis'), shapesOf(x)[0].length, 'split axis')]!;
  if (dim % count !== 0) throw new ImportIssue(`dimension of size ${dim} does not split into ${count} equal parts`);
  splitInto(n, x, n.constScalar(0, 'axis'), new Array<number>(count).fill(dim / count), false);
};

const splitV: Converter = (n) => {
  const x = n.input(0, 'value');
  const axis = n.constScalar(2, 'axis');
  const sizes = n.constInts(1, 'size_splits');
  const dim = shapesOf(x)[0][normAxis(axis, shapesOf(x)[0].length, 'split axis')]!;
  const unknown = sizes.filter((s) => s === -1).length;
  if (unknown > 1) throw new ImportIssue(`size_splits ${fmt(sizes)} has more than one -1`);
  const known = sizes.reduce((s, v) => (v === -1 ? s : s + v), 0);
  splitInto(n, x, axis, sizes.map((s) => (s === -1 ? dim - known : s)), false);
};

const unpack: Converter = (n) => {
  const x = n.input(0, 'value');
  const axis = n.attrs.int('axis', 0);
  const count = n.attrs.int('num', 0);
  splitInto(n, x, axis, new Array<number>(count).fill(1), true);
};

/** ReverseV2: each reversed axis is a Gather with the indices d−1 … 0. */
const reverse: Converter = (n) => {
  const x = n.input(0, 'tensor');
  const xs = shapesOf(x);
  const axes = n.constInts(1, 'axis').map((a) => normAxis(a, xs[0].length, 'reverse axis'));
  const steps: Step[] = axes.map((a) => {
    if (xs[0][a] !== xs[1][a]) throw new ImportIssue(`reversing dimension ${a}, which depends on the batch size, is not supported`);
    const d = xs[0][a]!;
    return { op: 'Gather', attrs: { axis: a, indices: Array.from({ length: d }, (_, k) => d - 1 - k), indices_shape: [d] } };
  });
  n.bind(0, emitSteps(n, x, steps, 0));
};

export const SLICING_CONVERTERS: Readonly<Record<string, Converter>> = {
  StridedSlice: stridedSlice,
  Slice: slice,
  Split: split,
  SplitV: splitV,
  Unpack: unpack,
  ReverseV2: reverse,
};

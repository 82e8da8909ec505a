/**
 * Constant folding: ONNX ops evaluated on the host when their inputs are constants (Shape also
 * on runtime tensors, from their static shape). Evaluated per world, so shape arithmetic that
 * involves the batch dimension stays symbolic (see values.ts).
 */
import { sizeOf } from '@glasswing/core';
import { DataType } from '../proto/onnx.js';
import { decodeTensorProto, elementKindOf, type ElementKind } from '../proto/tensor.js';
import * as C from './const-ops.js';
import type { NodeContext } from './context.js';
import { BlockedError, arr, checkConstantSize, fmt, ints, sameArr, type ConstArr, type Value } from './values.js';

type World = 0 | 1;
export type Folder = (n: NodeContext) => void;

function constIn(n: NodeContext, i: number, w: World): ConstArr | undefined {
  const v = n.input(i);
  if (v === undefined) return undefined;
  if (v.kind !== 'const') throw new BlockedError(`input ${i} is not a constant`);
  return v.w[w];
}

/** Evaluate in both worlds and bind output 0. */
function perWorld(n: NodeContext, fn: (w: World, input: (i: number) => ConstArr | undefined) => ConstArr): void {
  const r0 = fn(0, (i) => constIn(n, i, 0));
  const r1 = fn(1, (i) => constIn(n, i, 1));
  const v: Value = { kind: 'const', w: sameArr(r0, r1) ? [r0, r0] : [r0, r1] };
  n.bind(0, v);
}

function req(a: ConstArr | undefined, what: string): ConstArr {
  if (a === undefined) throw new BlockedError(`${what} is missing`);
  return a;
}

const listOf = (a: ConstArr): number[] => Array.from(a.data);

/** Axes from the attribute (before `inputFrom`) or input 1 (from opset `inputFrom`). */
export function axesOf(n: NodeContext, input: (i: number) => ConstArr | undefined, inputFrom: number, inputIndex = 1): number[] | undefined {
  if (n.opset >= inputFrom) {
    const a = input(inputIndex);
    return a === undefined ? undefined : listOf(a);
  }
  return n.attrs.ints('axes');
}

export function unsqueezeShape(shape: readonly number[], axes: readonly number[]): number[] {
  const rank = shape.length + axes.length;
  const norm = axes.map((a) => C.normAxis(a, rank, 'Unsqueeze axis'));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : shape[j++]!);
  return out;
}

export function squeezeShape(shape: readonly number[], axes: readonly number[] | undefined): number[] {
  if (axes === undefined) return shape.filter((d) => d !== 1);
  const norm = axes.map((a) => C.normAxis(a, shape.length, 'Squeeze axis'));
  norm.forEach((a) => {
    if (shape[a] !== 1) throw new BlockedError(`cannot squeeze axis ${a} of size ${shape[a]}`);
  });
  return shape.filter((_, i) => !norm.includes(i));
}

export function castKind(to: number): ElementKind {
  const kind = elementKindOf(to);
  if (kind === undefined) throw new BlockedError(`Cast to data type ${to} is not supported`);
  return kind;
}

function binaryFolder(fn: (x: number, y: number, kind: ElementKind) => number, result?: ElementKind): Folder {
  return (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'A');
      const b = req(input(1), 'B');
      const kind = a.kind === 'float' || b.kind === 'float' ? 'float' : a.kind;
      const out = C.binary(a, b, (x, y) => fn(x, y, kind), result ?? kind);
      return out.kind === 'float' ? { ...out, data: Float32Array.from(out.data) } : out;
    });
}

function twoInputs(f: Folder): Folder {
  return (n) => {
    if (n.inputs.length !== 2) throw new BlockedError(`${n.op} with ${n.inputs.length} inputs is only folded with 2`);
    f(n);
  };
}

function shapeFolder(n: NodeContext): void {
  const v = n.required(0, 'input');
  if (v.kind === 'unknown') throw new BlockedError('input shape is unknown');
  const shapes = v.kind === 'runtime' ? v.shapes : [v.w[0].shape, v.w[1].shape];
  const rank = shapes[0].length;
  let start = n.opset >= 15 ? n.attrs.int('start', 0) : 0;
  let end = n.opset >= 15 ? n.attrs.int('end', rank) : rank;
  start = Math.min(Math.max(start < 0 ? start + rank : start, 0), rank);
  end = Math.min(Math.max(end < 0 ? end + rank : end, 0), rank);
  const parts = shapes.map((s) => s.slice(start, end));
  if (parts.some((p) => p.some((d) => d < 0))) {
    throw new BlockedError(`the shape ${fmt(shapes[0].map((d, i) => (d === shapes[1][i] ? d : -1)))} has unknown dimensions other than the batch (non-constant shape)`);
  }
  const [p0, p1] = parts as [number[], number[]];
  const a0 = ints(p0);
  n.bind(0, { kind: 'const', w: p0.every((d, i) => d === p1[i]) ? [a0, a0] : [a0, ints(p1)] });
}

function sizeFolder(n: NodeContext): void {
  const v = n.required(0, 'input');
  if (v.kind === 'unknown') throw new BlockedError('input shape is unknown');
  const shapes = v.kind === 'runtime' ? v.shapes : [v.w[0].shape, v.w[1].shape];
  if (shapes.some((s) => s.some((d) => d < 0))) throw new BlockedError('the input has unknown dimensions (non-constant size)');
  const a0 = ints([sizeOf(shapes[0])], []);
  const a1 = ints([sizeOf(shapes[1])], []);
  n.bind(0, { kind: 'const', w: sameArr(a0, a1) ? [a0, a0] : [a0, a1] });
}

function constantFolder(n: NodeContext): void {
  const a = n.attrs;
  let out: ConstArr;
  const t = a.tensor('value');
  if (t) {
    const d = decodeTensorProto(t, `${n.where}: value`);
    out = arr(d.kind, d.shape, d.data);
  } else if (a.has('value_float')) out = arr('float', [], Float32Array.of(a.float('value_float', 0)));
  else if (a.has('value_floats')) {
    const f = a.get('value_floats') as number[];
    out = arr('float', [f.length], Float32Array.from(f));
  } else if (a.has('value_int')) out = ints([a.int('value_int', 0)], []);
  else if (a.has('value_ints')) out = ints(a.ints('value_ints') ?? []);
  else throw new BlockedError(`Constant with attribute ${a.names().join(', ') || '(none)'} is not supported`);
  n.bind(0, { kind: 'const', w: [out, out], source: n.outputs[0] });
}

export const FOLDERS: Readonly<Record<string, Folder>> = {
  Constant: constantFolder,
  Shape: shapeFolder,
  Size: sizeFolder,
  Identity: (n) => perWorld(n, (_w, input) => req(input(0), 'input')),
  Cast: (n) =>
    perWorld(n, (_w, input) => {
      const to = n.attrs.int('to', DataType.FLOAT);
      return C.castTo(req(input(0), 'input'), castKind(to));
    }),
  Gather: (n) => perWorld(n, (_w, input) => C.gather(req(input(0), 'data'), req(input(1), 'indices'), n.attrs.int('axis', 0))),
  Unsqueeze: (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'data');
      const axes = axesOf(n, input, 13);
      if (axes === undefined) throw new BlockedError('Unsqueeze needs axes');
      return C.reshapeTo(a, unsqueezeShape(a.shape, axes));
    }),
  Squeeze: (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'data');
      return C.reshapeTo(a, squeezeShape(a.shape, axesOf(n, input, 13)));
    }),
  Concat: (n) =>
    perWorld(n, (_w, input) => {
      const parts = n.inputs.map((_, i) => input(i)).filter((p): p is ConstArr => p !== undefined);
      return C.concat(parts, n.attrs.int('axis', 0));
    }),
  Slice: (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'data');
      const fromInputs = n.opset >= 10;
      const starts = fromInputs ? listOf(req(input(1), 'starts')) : (n.attrs.ints('starts') ?? []);
      const ends = fromInputs ? listOf(req(input(2), 'ends')) : (n.attrs.ints('ends') ?? []);
      const axesIn = fromInputs ? input(3) : undefined;
      const axes = axesIn ? listOf(axesIn) : fromInputs ? starts.map((_, i) => i) : (n.attrs.ints('axes') ?? starts.map((_, i) => i));
      const stepsIn = fromInputs ? input(4) : undefined;
      const steps = stepsIn ? listOf(stepsIn) : axes.map(() => 1);
      return C.slice(a, starts, ends, axes, steps);
    }),
  Reshape: (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'data');
      const spec = listOf(req(input(1), 'shape'));
      return C.reshapeTo(a, C.resolveReshape(a.shape, spec, n.opset >= 14 && n.attrs.int('allowzero', 0) !== 0));
    }),
  Flatten: (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'input');
      const axis = n.attrs.int('axis', 1);
      const ax = axis < 0 ? axis + a.shape.length : axis;
      return C.reshapeTo(a, [sizeOf(a.shape.slice(0, ax)), sizeOf(a.shape.slice(ax))]);
    }),
  Transpose: (n) =>
    perWorld(n, (_w, input) => {
      const a = req(input(0), 'data');
      const perm = n.attrs.ints('perm') ?? a.shape.map((_, i) => a.shape.length - 1 - i);
      return C.transpose(a, perm);
    }),
  Expand: (n) => perWorld(n, (_w, input) => C.expand(req(input(0), 'input'), listOf(req(input(1), 'shape')))),
  ConstantOfShape: (n) =>
    perWorld(n, (_w, input) => {
      const shape = listOf(req(input(0), 'shape'));
      const t = n.attrs.tensor('value');
      const v = t ? decodeTensorProto(t, `${n.where}: value`) : { kind: 'float' as const, data: Float32Array.of(0) };
      const one = arr(v.kind, [], v.kind === 'float' ? Float32Array.of(v.data[0]!) : [v.data[0]!]);
      return C.expand(one, shape);
    }),
  Range: (n) =>
    perWorld(n, (_w, input) => {
      const [start, limit, delta] = [0, 1, 2].map((i) => req(input(i), ['start', 'limit', 'delta'][i]!));
      const s = start!.data[0]!;
      const d = delta!.data[0]!;
      if (d === 0) throw new BlockedError('Range delta 0');
      const count = Math.max(Math.ceil((limit!.data[0]! - s) / d), 0);
      checkConstantSize(count, 'Range');
      const values = Array.from({ length: count }, (_, i) => s + i * d);
      return start!.kind === 'float' ? arr('float', [count], Float32Array.from(values)) : ints(values);
    }),
  Add: binaryFolder((x, y) => x + y),
  Sub: binaryFolder((x, y) => x - y),
  Mul: binaryFolder((x, y) => x * y),
  Div: binaryFolder((x, y, kind) => {
    if (kind !== 'float' && y === 0) throw new BlockedError('integer division by zero');
    return kind === 'float' ? x / y : Math.trunc(x / y);
  }),
  Mod: (n) => {
    const fmod = n.attrs.int('fmod', 0) !== 0;
    binaryFolder((x, y, kind) => {
      if (kind !== 'float' && y === 0) throw new BlockedError('integer modulo by zero');
      const r = x % y;
      // fmod = 0: the result takes the divisor's sign (integers, as Python); fmod = 1: the dividend's (C fmod).
      return fmod || r === 0 || r < 0 === y < 0 ? r : r + y;
    })(n);
  },
  Equal: binaryFolder((x, y) => (x === y ? 1 : 0), 'bool'),
  Less: binaryFolder((x, y) => (x < y ? 1 : 0), 'bool'),
  Greater: binaryFolder((x, y) => (x > y ? 1 : 0), 'bool'),
  Min: twoInputs(binaryFolder((x, y) => Math.min(x, y))),
  Max: twoInputs(binaryFolder((x, y) => Math.max(x, y))),
  Neg: (n) => perWorld(n, (_w, input) => C.castTo(C.binary(req(input(0), 'X'), ints([0], []), (x) => -x, 'float'), req(input(0), 'X').kind)),
  Not: (n) => perWorld(n, (_w, input) => C.castTo(C.binary(req(input(0), 'X'), ints([0], []), (x) => (x ? 0 : 1), 'bool'), 'bool')),
  Where: (n) => perWorld(n, (_w, input) => C.where(req(input(0), 'condition'), req(input(1), 'X'), req(input(2), 'Y'))),
};

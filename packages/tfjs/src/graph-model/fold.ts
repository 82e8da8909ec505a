/**
 * Constant folding: TensorFlow ops evaluated exactly on the host when their inputs are constants
 * (Shape, Size, Rank, ZerosLike and OnesLike also on activations, from their static shape). Evaluated
 * per world, so shape arithmetic involving the batch stays symbolic (values.ts).
 */
import * as H from './host-ops.js';
import type { NodeContext } from './context.js';
import { resolveStridedSlice } from './strided-slice.js';
import { ImportIssue, arr, fmt, ints, sizeOf, worldConst, type ConstArr, type ElementKind, type World } from './values.js';

export type Folder = (n: NodeContext) => void;
type Inputs = (i: number) => ConstArr;

function constIn(n: NodeContext, i: number, w: World): ConstArr {
  const v = n.input(i);
  if (v.kind !== 'const') throw new ImportIssue(`input ${i} is not a constant`);
  return v.w[w];
}

/** Evaluate in both worlds; bind output `index` (default 0). */
function perWorld(n: NodeContext, fn: (input: Inputs, w: World) => ConstArr, index = 0): void {
  const r0 = fn((i) => constIn(n, i, 0), 0);
  const r1 = fn((i) => constIn(n, i, 1), 1);
  n.bind(index, worldConst(r0, r1));
}

const list = (a: ConstArr): number[] => Array.from(a.data);
const scalar = (a: ConstArr, what: string): number => {
  if (a.data.length !== 1) throw new ImportIssue(`${what} must be a scalar, got shape ${fmt(a.shape)}`);
  return a.data[0]!;
};

export function kindOfDtype(dtype: string | undefined, fallback: ElementKind): ElementKind {
  if (dtype === undefined) return fallback;
  if (dtype === 'DT_FLOAT' || dtype === 'DT_DOUBLE' || dtype === 'DT_HALF' || dtype === 'DT_BFLOAT16') return 'float';
  if (dtype === 'DT_BOOL') return 'bool';
  if (/^DT_U?INT(8|16|32|64)$/.test(dtype)) return 'int';
  throw new ImportIssue(`dtype ${dtype} is not supported`);
}

/** Shape of input 0 in each world (activations or constants). */
function shapeIn(n: NodeContext, w: World): readonly number[] {
  const v = n.input(0);
  if (v.kind === 'unknown') throw new ImportIssue('the input is not computable');
  const s = v.kind === 'runtime' ? v.shapes[w] : v.w[w].shape;
  if (s.some((d) => d < 0)) throw new ImportIssue(`the input shape ${fmt(s)} has unknown dimensions`);
  return s;
}

function shapeFolder(what: (s: readonly number[]) => ConstArr): Folder {
  return (n) => n.bind(0, worldConst(what(shapeIn(n, 0)), what(shapeIn(n, 1))));
}

function likeFolder(value: number): Folder {
  return (n) => {
    const kindOf = (w: World): ElementKind => {
      const v = n.input(0);
      return v.kind === 'const' ? v.w[w].kind : kindOfDtype(n.attrs.type('T'), 'float');
    };
    n.bind(0, worldConst(H.fill(shapeIn(n, 0), value, kindOf(0)), H.fill(shapeIn(n, 1), value, kindOf(1))));
  };
}

const floorDiv = (x: number, y: number): number => Math.floor(x / y);
const floorMod = (x: number, y: number): number => x - Math.floor(x / y) * y;

function arith(fn: (x: number, y: number) => number, intFn?: (x: number, y: number) => number): Folder {
  return (n) =>
    perWorld(n, (input) => {
      const a = input(0);
      const b = input(1);
      const kind = H.numericKind(a, b);
      return H.binary(a, b, kind, kind === 'int' && intFn ? intFn : fn);
    });
}

function compare(fn: (x: number, y: number) => boolean): Folder {
  return (n) => perWorld(n, (input) => H.binary(input(0), input(1), 'bool', (x, y) => (fn(x, y) ? 1 : 0)));
}

function math(fn: (x: number) => number, keepInt = false): Folder {
  return (n) =>
    perWorld(n, (input) => {
      const a = input(0);
      return H.unary(a, keepInt && a.kind === 'int' ? 'int' : 'float', fn);
    });
}

function reduction(op: H.Reducer): Folder {
  return (n) =>
    perWorld(n, (input) => {
      const a = input(0);
      const axes = list(input(1)).map((x) => H.normAxis(x, Math.max(a.shape.length, 1), 'axis'));
      return H.reduce(a, axes, n.attrs.bool('keep_dims', false), op);
    });
}

function stridedSlice(n: NodeContext): void {
  perWorld(n, (input) => {
    const x = input(0);
    const s = resolveStridedSlice(x.shape, list(input(1)), list(input(2)), list(input(3)), masksOf(n));
    return H.reshapeTo(H.stridedGather(x, s.begin, s.stride, s.size), s.outShape);
  });
}

export function masksOf(n: NodeContext): { begin: number; end: number; ellipsis: number; newAxis: number; shrink: number } {
  return {
    begin: n.attrs.int('begin_mask', 0),
    end: n.attrs.int('end_mask', 0),
    ellipsis: n.attrs.int('ellipsis_mask', 0),
    newAxis: n.attrs.int('new_axis_mask', 0),
    shrink: n.attrs.int('shrink_axis_mask', 0),
  };
}

/** TF Slice: begin + size (−1 = to the end). */
export function sliceSizes(shape: readonly number[], begin: readonly number[], size: readonly number[]): number[] {
  if (begin.length !== shape.length || size.length !== shape.length) {
    throw new ImportIssue(`Slice begin ${fmt(begin)} and size ${fmt(size)} must have one entry per dimension of ${fmt(shape)}`);
  }
  return size.map((s, i) => {
    const out = s === -1 ? shape[i]! - begin[i]! : s;
    if (begin[i]! < 0 || out < 0 || begin[i]! + out > shape[i]!) throw new ImportIssue(`Slice begin ${fmt(begin)} size ${fmt(size)} is out of range for ${fmt(shape)}`);
    return out;
  });
}

export function squeezeAxes(shape: readonly number[], dims: readonly number[]): number[] {
  if (dims.length === 0) return shape.flatMap((d, i) => (d === 1 ? [i] : []));
  return dims.map((d) => H.normAxis(d, shape.length, 'squeeze dimension'));
}

function pack(n: NodeContext): void {
  perWorld(n, (input) => {
    const parts = n.inputs.map((_, i) => input(i));
    const rank = parts[0]!.shape.length + 1;
    const axis = H.normAxis(n.attrs.int('axis', 0), rank, 'Pack axis');
    const expanded = parts.map((p) => H.reshapeTo(p, [...p.shape.slice(0, axis), 1, ...p.shape.slice(axis)]));
    return H.concat(expanded, axis);
  });
}

function unpack(n: NodeContext): void {
  const count = n.attrs.int('num', 0);
  for (let k = 0; k < count; k++) {
    perWorld(
      n,
      (input) => {
        const x = input(0);
        const axis = H.normAxis(n.attrs.int('axis', 0), x.shape.length, 'Unpack axis');
        const begin = x.shape.map((_, i) => (i === axis ? k : 0));
        const size = x.shape.map((d, i) => (i === axis ? 1 : d));
        return H.reshapeTo(H.stridedGather(x, begin, begin.map(() => 1), size), x.shape.filter((_, i) => i !== axis));
      },
      k,
    );
  }
}

/** The same value (a folded Identity keeps naming its initializer after the Const it reads). */
const passThrough: Folder = (n) => n.bind(0, n.input(0));

export const FOLDERS: Readonly<Record<string, Folder>> = {
  Identity: passThrough,
  Snapshot: passThrough,
  StopGradient: passThrough,
  PreventGradient: passThrough,
  EnsureShape: passThrough,
  PlaceholderWithDefault: passThrough,
  IdentityN: (n) => n.inputs.forEach((_, k) => perWorld(n, (input) => input(k), k)),
  Shape: shapeFolder((s) => ints(s)),
  Size: shapeFolder((s) => ints([sizeOf(s)], [])),
  Rank: shapeFolder((s) => ints([s.length], [])),
  ZerosLike: likeFolder(0),
  OnesLike: likeFolder(1),
  StridedSlice: stridedSlice,
  Slice: (n) =>
    perWorld(n, (input) => {
      const x = input(0);
      const begin = list(input(1));
      const size = sliceSizes(x.shape, begin, list(input(2)));
      return H.stridedGather(x, begin, begin.map(() => 1), size);
    }),
  Pack: pack,
  Unpack: unpack,
  ConcatV2: (n) => perWorld(n, (input) => H.concat(n.inputs.slice(0, -1).map((_, i) => input(i)), scalar(input(n.inputs.length - 1), 'axis'))),
  Concat: (n) => perWorld(n, (input) => H.concat(n.inputs.slice(1).map((_, i) => input(i + 1)), scalar(input(0), 'axis'))),
  Reshape: (n) => perWorld(n, (input) => H.reshapeTo(input(0), H.resolveReshape(input(0).shape, list(input(1))))),
  Squeeze: (n) =>
    perWorld(n, (input) => {
      const x = input(0);
      const axes = squeezeAxes(x.shape, n.attrs.ints('squeeze_dims', []));
      if (axes.some((a) => x.shape[a] !== 1)) throw new ImportIssue(`cannot squeeze dimensions ${fmt(axes)} of ${fmt(x.shape)}`);
      return H.reshapeTo(x, x.shape.filter((_, i) => !axes.includes(i)));
    }),
  ExpandDims: (n) =>
    perWorld(n, (input) => {
      const x = input(0);
      const axis = H.normAxis(scalar(input(1), 'dim'), x.shape.length + 1, 'ExpandDims dim');
      return H.reshapeTo(x, [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)]);
    }),
  Cast: (n) => perWorld(n, (input) => H.castTo(input(0), kindOfDtype(n.attrs.type('DstT'), 'float'))),
  Fill: (n) => perWorld(n, (input) => H.fill(list(input(0)), scalar(input(1), 'value'), input(1).kind)),
  Range: (n) =>
    perWorld(n, (input) => {
      const [s, l, d] = [input(0), input(1), input(2)];
      const kind = [s, l, d].some((a) => a.kind === 'float') ? 'float' : 'int';
      return H.range(scalar(s, 'start'), scalar(l, 'limit'), scalar(d, 'delta'), kind);
    }),
  Prod: reduction('prod'),
  Sum: reduction('sum'),
  Max: reduction('max'),
  Min: reduction('min'),
  Mean: reduction('mean'),
  All: reduction('all'),
  Any: reduction('any'),
  Add: arith((x, y) => x + y),
  AddV2: arith((x, y) => x + y),
  Sub: arith((x, y) => x - y),
  Mul: arith((x, y) => x * y),
  RealDiv: arith((x, y) => x / y, floorDiv),
  Div: arith((x, y) => x / y, floorDiv),
  FloorDiv: arith(floorDiv),
  FloorMod: arith(floorMod),
  Maximum: arith(Math.max),
  Minimum: arith(Math.min),
  Pow: arith((x, y) => x ** y),
  SquaredDifference: arith((x, y) => (x - y) * (x - y)),
  Equal: compare((x, y) => x === y),
  NotEqual: compare((x, y) => x !== y),
  Less: compare((x, y) => x < y),
  LessEqual: compare((x, y) => x <= y),
  Greater: compare((x, y) => x > y),
  GreaterEqual: compare((x, y) => x >= y),
  LogicalAnd: compare((x, y) => x !== 0 && y !== 0),
  LogicalOr: compare((x, y) => x !== 0 || y !== 0),
  LogicalNot: (n) => perWorld(n, (input) => H.unary(input(0), 'bool', (x) => (x === 0 ? 1 : 0))),
  Neg: math((x) => -x, true),
  Abs: math(Math.abs, true),
  Sign: math(Math.sign, true),
  Floor: math(Math.floor, true),
  Ceil: math(Math.ceil, true),
  Round: math((x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; // half to even
  }, true),
  Square: math((x) => x * x, true),
  Sqrt: math(Math.sqrt),
  Rsqrt: math((x) => 1 / Math.sqrt(x)),
  Reciprocal: math((x) => 1 / x),
  Exp: math(Math.exp),
  Log: math(Math.log),
  Select: (n) => perWorld(n, (input) => select(input(0), input(1), input(2))),
  SelectV2: (n) => perWorld(n, (input) => select(input(0), input(1), input(2))),
  GatherV2: (n) =>
    perWorld(n, (input) => {
      if (n.attrs.int('batch_dims', 0) !== 0) throw new ImportIssue('GatherV2 with batch_dims is not supported');
      const x = input(0);
      const idx = input(1);
      const axis = scalar(input(2), 'axis');
      return H.gather(x, { ...idx, data: list(idx).map((i) => (i < 0 ? i + x.shape[H.normAxis(axis, x.shape.length, 'axis')]! : i)) }, axis);
    }),
  Gather: (n) => perWorld(n, (input) => H.gather(input(0), input(1), 0)),
  Transpose: (n) => perWorld(n, (input) => H.transpose(input(0), list(input(1)))),
  ReverseV2: (n) =>
    perWorld(n, (input) => {
      const x = input(0);
      const axes = list(input(1)).map((a) => H.normAxis(a, x.shape.length, 'reverse axis'));
      const begin = x.shape.map((d, i) => (axes.includes(i) ? d - 1 : 0));
      return H.stridedGather(x, begin, x.shape.map((_, i) => (axes.includes(i) ? -1 : 1)), x.shape);
    }),
  BroadcastTo: (n) => perWorld(n, (input) => H.binary(input(0), H.fill(list(input(1)), 0, input(0).kind), input(0).kind, (x) => x)),
  Tile: (n) =>
    perWorld(n, (input) => {
      let x = input(0);
      list(input(1)).forEach((m, axis) => {
        x = H.concat(new Array<ConstArr>(m).fill(x), axis);
      });
      return x;
    }),
};

function select(cond: ConstArr, t: ConstArr, e: ConstArr): ConstArr {
  const kind = t.kind === 'float' || e.kind === 'float' ? 'float' : t.kind;
  // The common broadcast shape of cond, t and e, then an element-wise choice.
  const frame = H.binary(H.binary(cond, t, kind, (_, y) => y), e, kind, (x) => x);
  const c = H.binary(cond, frame, 'bool', (x) => x);
  const tb = H.binary(t, frame, kind, (x) => x);
  const eb = H.binary(e, frame, kind, (x) => x);
  return arr(kind, frame.shape, Array.from(c.data, (ci, i) => (ci ? tb.data[i]! : eb.data[i]!)));
}

/**
 * Helpers shared by the op definitions: shape arithmetic (with -1 for unknown dimensions),
 * broadcasting, reduction of broadcast gradients and attribute parsing for spatial ops.
 */
import { ShapeError, UnsupportedOpError } from '../../errors.js';
import { attrInts, attrLayout, attrNumber } from '../graph.js';
import { windowOutputSize } from '../kernels.js';
import type { GraphNode, Layout } from '../graph.js';
import type { Conv2DParams, Kernels, Pool2DParams } from '../kernels.js';

export type Shape = readonly number[];

export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Product of dimensions; -1 when any dimension is unknown. */
export function prod(dims: Shape): number {
  let n = 1;
  for (const d of dims) {
    if (d < 0) return -1;
    n *= d;
  }
  return n;
}

export function shapeError(node: GraphNode, message: string): ShapeError {
  return new ShapeError(`node ${node.name} (${node.op}): ${message}`);
}

export function unsupported(node: GraphNode, message: string): UnsupportedOpError {
  return new UnsupportedOpError(node.op, `node ${node.name} (${node.op}): ${message}`);
}

export function expectInputs(node: GraphNode, shapes: readonly Shape[], min: number, max = min): void {
  if (shapes.length < min || shapes.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw shapeError(node, `expects ${want} inputs, got ${shapes.length}`);
  }
}

export function expectRank(node: GraphNode, shape: Shape, rank: number, what: string): void {
  if (shape.length !== rank) throw shapeError(node, `${what} must have rank ${rank}, got ${fmt(shape)}`);
}

/** Normalise a possibly negative axis against a rank. */
export function normAxis(node: GraphNode, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw shapeError(node, `axis ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Two dimensions are compatible when equal, either is 1, or either is unknown (-1). */
function broadcastDim(node: GraphNode, a: number, b: number, sa: Shape, sb: Shape): number {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a < 0) return b;
  if (b < 0) return a;
  throw shapeError(node, `shapes ${fmt(sa)} and ${fmt(sb)} do not broadcast`);
}

/** numpy-style broadcast of two shapes. */
export function broadcastShapes(node: GraphNode, a: Shape, b: Shape): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    out.push(broadcastDim(node, da, db, a, b));
  }
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A tensor filled with `value`, shaped like `like` (avoids relying on rank-0 broadcasting). */
export function scalarLike<T>(k: Kernels<T>, like: T, value: number): T {
  return k.fill(k.shape(like), value);
}

/** Multiply by a constant. */
export function scale<T>(k: Kernels<T>, x: T, value: number): T {
  return value === 1 ? x : k.mul(x, scalarLike(k, x, value));
}

/** Sum a broadcast gradient back to `shape` (the inverse of numpy broadcasting). */
export function sumToShape<T>(k: Kernels<T>, g: T, shape: Shape): T {
  const gs = k.shape(g);
  if (sameShape(gs, shape)) return g;
  const lead = gs.length - shape.length;
  let out = g;
  if (lead > 0) {
    out = k.sum(
      out,
      Array.from({ length: lead }, (_, i) => i),
      false,
    );
  }
  const axes: number[] = [];
  const os = k.shape(out);
  for (let i = 0; i < shape.length; i++) if (shape[i] === 1 && os[i] !== 1) axes.push(i);
  if (axes.length > 0) out = k.sum(out, axes, true);
  return sameShape(k.shape(out), shape) ? out : k.reshape(out, shape);
}

// ---- spatial attribute parsing ----

function positiveInts(node: GraphNode, key: string, values: number[], length: number, min: number): void {
  if (values.length !== length || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw shapeError(node, `attribute ${key} must be ${length} integers >= ${min}, got ${fmt(values)}`);
  }
}

/** [H, W] and channel count of a rank-4 activation in the given layout. */
export function spatialOf(shape: Shape, layout: Layout): { h: number; w: number; c: number } {
  return layout === 'NCHW'
    ? { c: shape[1]!, h: shape[2]!, w: shape[3]! }
    : { h: shape[1]!, w: shape[2]!, c: shape[3]! };
}

export function makeActivationShape(n: number, c: number, h: number, w: number, layout: Layout): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

/** Resolve explicit pads or ONNX auto_pad for a 2-D window op. */
function resolvePads(
  node: GraphNode,
  hw: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
): [number, number, number, number] {
  const autoPad = node.attrs['auto_pad'];
  if (autoPad === undefined || autoPad === 'NOTSET') {
    const pads = attrInts(node, 'pads', [0, 0, 0, 0]);
    positiveInts(node, 'pads', pads, 4, 0);
    return pads as [number, number, number, number];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') {
    throw unsupported(node, `auto_pad ${String(autoPad)} is not supported`);
  }
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const size = hw[i]!;
    if (size < 0) throw unsupported(node, 'auto_pad SAME needs known spatial dimensions');
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    const out = Math.ceil(size / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + eff - size, 0);
    const small = Math.floor(total / 2);
    begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
    end.push(autoPad === 'SAME_UPPER' ? total - small : small);
  }
  return [begin[0]!, begin[1]!, end[0]!, end[1]!];
}

export function convParams(node: GraphNode, xShape: Shape, kernel: readonly [number, number]): Conv2DParams {
  const layout = attrLayout(node);
  const strides = attrInts(node, 'strides', [1, 1]);
  positiveInts(node, 'strides', strides, 2, 1);
  const dilations = attrInts(node, 'dilations', [1, 1]);
  positiveInts(node, 'dilations', dilations, 2, 1);
  const group = attrNumber(node, 'group', 1);
  if (!Number.isInteger(group) || group < 1) throw shapeError(node, `attribute group must be a positive integer, got ${group}`);
  const { h, w } = spatialOf(xShape, layout);
  const s = strides as [number, number];
  const d = dilations as [number, number];
  return { strides: s, dilations: d, group, layout, pads: resolvePads(node, [h, w], kernel, s, d) };
}

export function poolParams(node: GraphNode, xShape: Shape): Pool2DParams {
  const layout = attrLayout(node);
  const kernel = attrInts(node, 'kernel_shape', []);
  positiveInts(node, 'kernel_shape', kernel, 2, 1);
  const strides = attrInts(node, 'strides', [1, 1]);
  positiveInts(node, 'strides', strides, 2, 1);
  const dilations = attrInts(node, 'dilations', [1, 1]);
  if (dilations.some((v) => v !== 1)) throw unsupported(node, 'pooling with dilations is not supported');
  const ceil = attrNumber(node, 'ceil_mode', 0);
  const cip = attrNumber(node, 'count_include_pad', 0);
  const { h, w } = spatialOf(xShape, layout);
  const k2 = kernel as [number, number];
  const s2 = strides as [number, number];
  const pads = resolvePads(node, [h, w], k2, s2, [1, 1]);
  if (pads[0] >= k2[0] || pads[2] >= k2[0] || pads[1] >= k2[1] || pads[3] >= k2[1]) {
    throw shapeError(node, `pads ${fmt(pads)} must be smaller than kernel_shape ${fmt(k2)}`);
  }
  return { kernel: k2, strides: s2, pads, layout, ceilMode: ceil !== 0, countIncludePad: cip !== 0 };
}

/** Output spatial size, or -1 when the input size is unknown. */
export function outSize(
  node: GraphNode,
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  ceilMode: boolean,
): number {
  if (size < 0) return -1;
  const out = windowOutputSize(size, kernel, stride, padBegin, padEnd, dilation, ceilMode);
  if (out < 1) throw shapeError(node, `window (kernel ${kernel}, dilation ${dilation}) does not fit input size ${size} with pads`);
  return out;
}

/** Shape for broadcasting a per-channel vector [C] against a rank-r activation in `layout`. */
export function channelShape(c: number, rank: number, layout: Layout): number[] {
  if (layout === 'NHWC' || rank < 2) {
    return [...Array<number>(Math.max(rank - 1, 0)).fill(1), c];
  }
  const s = Array<number>(rank).fill(1);
  s[1] = c;
  return s;
}

/** The channel axis of a rank-r activation in `layout`. */
export function channelAxis(rank: number, layout: Layout): number {
  return layout === 'NHWC' ? rank - 1 : 1;
}

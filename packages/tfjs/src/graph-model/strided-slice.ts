/**
 * TensorFlow StridedSlice semantics (tensorflow/core/util/strided_slice_op.cc): the sparse spec
 * (begin / end / strides with begin, end, ellipsis, new-axis and shrink-axis masks) is expanded to
 * one (begin, stride, size) per input dimension plus the output shape. Used both to fold constant
 * slices and to lower slices of activations onto IR Slice / Gather / Reshape.
 */
import { ImportIssue, fmt } from './values.js';

export interface SliceMasks {
  readonly begin: number;
  readonly end: number;
  readonly ellipsis: number;
  readonly newAxis: number;
  readonly shrink: number;
}

export interface DenseSlice {
  /** Per input dimension: first index, step and number of elements taken. */
  readonly begin: readonly number[];
  readonly stride: readonly number[];
  readonly size: readonly number[];
  /** The output shape (new axes inserted, shrunk axes removed). */
  readonly outShape: readonly number[];
}

const bit = (mask: number, i: number): boolean => ((mask >>> i) & 1) === 1;

export function resolveStridedSlice(
  shape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  masks: SliceMasks,
): DenseSlice {
  const n = begin.length;
  if (end.length !== n || strides.length !== n) {
    throw new ImportIssue(`begin ${fmt(begin)}, end ${fmt(end)} and strides ${fmt(strides)} must have the same length`);
  }
  let ellipsis = masks.ellipsis;
  if (ellipsis !== 0 && (ellipsis & (ellipsis - 1)) !== 0) throw new ImportIssue('more than one ellipsis in a strided slice');
  let dims = n;
  if (ellipsis === 0) {
    // No ellipsis: one is implied after the last entry.
    ellipsis = 2 ** n;
    dims = n + 1;
  }
  let seen = false;
  let newAfterEllipsis = 0;
  for (let i = 0; i < dims; i++) {
    if (seen && bit(masks.newAxis, i)) newAfterEllipsis++;
    if (bit(ellipsis, i)) seen = true;
  }
  const rank = shape.length;
  const dBegin: number[] = [];
  const dEnd: number[] = [];
  const dStride: number[] = [];
  const bMask: boolean[] = [];
  const eMask: boolean[] = [];
  const shrink: boolean[] = [];
  const gather: (number | 'new')[] = [];
  let full = 0;
  for (let i = 0; i < dims; i++) {
    if (bit(ellipsis, i)) {
      const next = Math.min(rank - (dims - i) + 1 + newAfterEllipsis, rank);
      for (; full < next; full++) {
        dBegin[full] = 0;
        dEnd[full] = 0;
        dStride[full] = 1;
        bMask[full] = true;
        eMask[full] = true;
        shrink[full] = false;
        gather.push(full);
      }
    } else if (bit(masks.newAxis, i)) {
      gather.push('new');
    } else {
      if (full >= rank) throw new ImportIssue(`the strided slice indexes ${n} dimensions of a rank-${rank} tensor`);
      dBegin[full] = begin[i]!;
      dEnd[full] = end[i]!;
      dStride[full] = strides[i]!;
      bMask[full] = bit(masks.begin, i);
      eMask[full] = bit(masks.end, i);
      shrink[full] = bit(masks.shrink, i);
      if (!shrink[full]) gather.push(full);
      full++;
    }
  }
  const outBegin: number[] = [];
  const size: number[] = [];
  for (let j = 0; j < rank; j++) {
    const d = shape[j]!;
    const s = dStride[j]!;
    if (d < 0) throw new ImportIssue(`a strided slice of dimension ${j}, whose size is unknown`);
    if (s === 0 || !Number.isInteger(s)) throw new ImportIssue(`strided slice stride ${s} (dimension ${j}) must be a non-zero integer`);
    const valid = s > 0 ? [0, d] : [-1, d - 1];
    const canonical = (x: number, c: 0 | 1): number => {
      if (c === 0 ? bMask[j] : eMask[j]) return s > 0 ? valid[c]! : valid[(c + 1) & 1]!;
      const fwd = x < 0 ? d + x : x;
      return Math.min(Math.max(fwd, valid[0]!), valid[1]!);
    };
    let b: number;
    let e: number;
    if (shrink[j]) {
      if (s <= 0) throw new ImportIssue(`strided slice shrinks dimension ${j} with stride ${s} (only positive strides index)`);
      b = dBegin[j]! < 0 ? d + dBegin[j]! : dBegin[j]!;
      if (b < 0 || b >= d) throw new ImportIssue(`strided slice index ${dBegin[j]} is out of range for dimension ${j} of size ${d}`);
      e = b + 1;
    } else {
      b = canonical(dBegin[j]!, 0);
      e = canonical(dEnd[j]!, 1);
    }
    const interval = e - b;
    let n0: number;
    if (shrink[j]) n0 = 1;
    else if (interval === 0 || interval < 0 !== s < 0) n0 = 0;
    else n0 = Math.trunc(interval / s) + (interval % s !== 0 ? 1 : 0);
    outBegin.push(n0 === 0 ? 0 : b);
    size.push(n0);
  }
  const outShape = gather.map((g) => (g === 'new' ? 1 : size[g]!));
  return { begin: outBegin, stride: dStride.map((s, j) => (size[j]! <= 1 ? 1 : s)), size, outShape };
}

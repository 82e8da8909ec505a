/**
 * Feature masks: which input elements move together as one feature (group).
 *
 * A mask assigns every input element a group id, an integer ≥ 0. It is given per example
 * ([N, ...inputShape]) or shared by all examples ([...inputShape], [1, ...inputShape], or a flat
 * array of one example's values). The number of groups is max id + 1 over the whole mask
 * (Captum's convention); an id no element carries is a group of no elements (attribution 0).
 * Without a mask every element is its own group (ids 0 … per − 1 in row-major order).
 */
import { sizeOf, type Tensor } from '../../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../../errors.js';

/** A mask as given by users: a tensor, or a flat array (one example's values, or N examples'). */
export type FeatureMaskInput = Tensor | ArrayLike<number>;

export interface FeatureMask {
  /** Number of groups F (max id + 1). */
  readonly groups: number;
  /** Values per example. */
  readonly per: number;
  /** True when each example has its own mask. */
  readonly perExample: boolean;
  /** Group id of element j of example i (i ignored when shared). */
  groupOf(i: number, j: number): number;
  /** Element indices (within one example) of group g of example i, ascending. */
  elements(i: number, g: number): Int32Array;
  /** Number of elements of group g of example i. */
  size(i: number, g: number): number;
}

function shapeStr(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

class GroupedMask implements FeatureMask {
  readonly perExample: boolean;
  readonly groups: number;
  private readonly ids: Int32Array;
  /** CSR per mask row: offsets[row·(F+1) + g] … offsets[row·(F+1) + g + 1] into elems. */
  private readonly offsets: Int32Array;
  private readonly elems: Int32Array;

  constructor(ids: Int32Array, readonly per: number, perExample: boolean) {
    this.ids = ids;
    this.perExample = perExample;
    let max = -1;
    for (let k = 0; k < ids.length; k++) if (ids[k]! > max) max = ids[k]!;
    this.groups = max + 1;
    const F = this.groups;
    const maskRows = ids.length / per;
    this.offsets = new Int32Array(maskRows * (F + 1));
    this.elems = new Int32Array(ids.length);
    for (let m = 0; m < maskRows; m++) {
      const base = m * (F + 1);
      const counts = new Int32Array(F);
      for (let j = 0; j < per; j++) counts[ids[m * per + j]!]!++;
      let acc = m * per;
      for (let g = 0; g < F; g++) {
        this.offsets[base + g] = acc;
        acc += counts[g]!;
      }
      this.offsets[base + F] = acc;
      const cursor = this.offsets.slice(base, base + F);
      for (let j = 0; j < per; j++) this.elems[cursor[ids[m * per + j]!]!++] = j;
    }
  }

  private row(i: number): number {
    return this.perExample ? i : 0;
  }

  groupOf(i: number, j: number): number {
    return this.ids[this.row(i) * this.per + j]!;
  }

  elements(i: number, g: number): Int32Array {
    const base = this.row(i) * (this.groups + 1);
    return this.elems.subarray(this.offsets[base + g]!, this.offsets[base + g + 1]!);
  }

  size(i: number, g: number): number {
    const base = this.row(i) * (this.groups + 1);
    return this.offsets[base + g + 1]! - this.offsets[base + g]!;
  }
}

/** One group per element: group j = element j. */
export function elementMask(per: number): FeatureMask {
  const ids = new Int32Array(per);
  for (let j = 0; j < per; j++) ids[j] = j;
  return new GroupedMask(ids, per, false);
}

/**
 * Validates a user mask against N examples of `inputShape` (ShapeError on a wrong shape,
 * InvalidArgumentError on ids that are not integers ≥ 0); undefined gives `elementMask`.
 */
export function resolveFeatureMask(mask: FeatureMaskInput | undefined, n: number, inputShape: readonly number[]): FeatureMask {
  const per = sizeOf(inputShape);
  if (mask === undefined) return elementMask(per);
  let values: ArrayLike<number>;
  let perExample: boolean;
  const isTensor = typeof mask === 'object' && mask !== null && 'shape' in mask && 'data' in mask;
  if (isTensor) {
    const t = mask as Tensor;
    if (!Array.isArray(t.shape) || t.data == null || typeof t.data.length !== 'number' || t.data.length !== sizeOf(t.shape)) {
      throw new InvalidArgumentError('featureMask must be a Tensor {shape, data} whose data matches its shape, or an array of numbers');
    }
    const same = (s: readonly number[]) => s.length === inputShape.length && s.every((d, k) => d === inputShape[k]);
    const rest = t.shape.slice(1);
    if (same(t.shape) || (t.shape.length === inputShape.length + 1 && t.shape[0] === 1 && same(rest))) perExample = false;
    else if (t.shape.length === inputShape.length + 1 && t.shape[0] === n && same(rest)) perExample = n > 1;
    else {
      throw new ShapeError(
        `featureMask has shape ${shapeStr(t.shape)}; expected ${shapeStr(inputShape)}, [1, ${inputShape.join(', ')}] or [${n}, ${inputShape.join(', ')}]`,
      );
    }
    values = t.data;
  } else if (mask !== null && typeof mask === 'object' && typeof (mask as ArrayLike<number>).length === 'number') {
    values = mask as ArrayLike<number>;
    if (values.length === per) perExample = false;
    else if (values.length === n * per) perExample = n > 1;
    else throw new ShapeError(`featureMask has ${values.length} values; expected ${per} (one example) or ${n * per} (${n} examples)`);
  } else {
    throw new InvalidArgumentError('featureMask must be a Tensor {shape, data} or an array of numbers');
  }
  const count = perExample ? n * per : per;
  const ids = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const v = values[k]!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new InvalidArgumentError(`featureMask value ${String(v)} at flat index ${k} is not an integer group id ≥ 0`);
    }
    ids[k] = v;
  }
  if (count === 0) throw new ShapeError('featureMask is empty');
  return new GroupedMask(ids, per, perExample);
}

/** Spreads per-group values over the elements: out[i, j] = values[i · F + groupOf(i, j)]. */
export function spreadGroups(mask: FeatureMask, n: number, values: Float64Array): Float32Array {
  const out = new Float32Array(n * mask.per);
  const F = mask.groups;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < mask.per; j++) out[i * mask.per + j] = values[i * F + mask.groupOf(i, j)]!;
  }
  return out;
}

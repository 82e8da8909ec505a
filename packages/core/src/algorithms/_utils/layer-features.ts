/**
 * Per-example feature vectors of layers, streamed in chunks (activation clustering, TCAV):
 * each chunk's activations are reduced at once to one row per example and only those rows are
 * kept, so memory is bounded by the kept rows plus one chunk of activations.
 *
 * Reductions: 'flatten' keeps every value of the layer (Captum's TCAV flattens activations);
 * 'spatial-mean' averages a rank-3 activation ([C, H, W] in NCHW, [H, W, C] in NHWC) over its
 * spatial positions, one value per channel (translation-invariant, C values per example
 * instead of C·H·W); other ranks are flattened.
 */
import type { Tensor } from '../../tensor.js';
import { sizeOf } from '../../tensor.js';
import type { ModelCaller } from './caller.js';
import { chunkRanges } from './caller.js';
import { sliceRows } from './rows.js';

export type FeatureReduction = 'flatten' | 'spatial-mean';
export type ChannelLayout = 'NCHW' | 'NHWC';

/** Rows of one layer: `data` is [rows, dim] row-major. */
export interface FeatureRows {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;
  /** The layer's per-example activation shape. */
  readonly layerShape: readonly number[];
}

/** The reduced length of one example's activation of shape `shape`. */
export function reducedDim(shape: readonly number[], reduction: FeatureReduction, layout: ChannelLayout): number {
  if (reduction === 'spatial-mean' && shape.length === 3) return layout === 'NCHW' ? shape[0]! : shape[2]!;
  return sizeOf(shape);
}

/** Reduce one example's activation values `a` (shape `shape`) into `out` at `offset`. */
export function reduceInto(a: Float32Array, shape: readonly number[], reduction: FeatureReduction, layout: ChannelLayout, out: Float32Array, offset: number): void {
  if (reduction === 'spatial-mean' && shape.length === 3) {
    const c = layout === 'NCHW' ? shape[0]! : shape[2]!;
    const hw = a.length / c;
    for (let k = 0; k < c; k++) {
      let s = 0;
      if (layout === 'NCHW') for (let p = 0; p < hw; p++) s += a[k * hw + p]!;
      else for (let p = 0; p < hw; p++) s += a[p * c + k]!;
      out[offset + k] = s / hw;
    }
    return;
  }
  out.set(a, offset);
}

/**
 * Activations of `layers` for every row of x in chunks of at most `maxRows` rows, reduced per
 * example. One activation call per chunk (all layers at once).
 */
export async function layerFeatureRows(
  ctx: ModelCaller,
  x: Tensor,
  layers: readonly string[],
  maxRows: number,
  reduction: FeatureReduction = 'flatten',
  layout: ChannelLayout = 'NCHW',
): Promise<FeatureRows[]> {
  const n = x.shape[0]!;
  const store: { dim: number; data: Float32Array; shape: number[] }[] = [];
  for (const [s, e] of chunkRanges(n, maxRows)) {
    const res = await ctx.activations(sliceRows(x, s, e), layers);
    layers.forEach((name, li) => {
      const t = res.layers[name]!;
      const shape = t.shape.slice(1);
      if (!store[li]) {
        const dim = reducedDim(shape, reduction, layout);
        store[li] = { dim, data: new Float32Array(n * dim), shape };
      }
      const st = store[li]!;
      const per = sizeOf(shape);
      for (let r = 0; r < e - s; r++) reduceInto(t.data.subarray(r * per, (r + 1) * per), shape, reduction, layout, st.data, (s + r) * st.dim);
    });
  }
  return store.map((st) => ({ rows: n, dim: st.dim, data: st.data, layerShape: st.shape }));
}

/** Row i of a FeatureRows as a view. */
export function featureRow(f: FeatureRows, i: number): Float32Array {
  return f.data.subarray(i * f.dim, (i + 1) * f.dim);
}

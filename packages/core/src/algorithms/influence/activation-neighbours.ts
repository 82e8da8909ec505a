/**
 * Nearest neighbours in a layer's activation space: the simple baseline for "which training
 * examples does the model see this example as": the k training examples whose activations at the
 * layer (default: the penultimate layer, as TracIn) are closest to the test example's, by cosine
 * similarity (largest first) or Euclidean distance (smallest first). Streamed over the training
 * set with memory bounded by k per test example; exact (no index, no sampling).
 */
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { ModelCaller, validateInput } from '../_utils/common.js';
import { TopK, batchesOf, checkBatch, checkK, chooseLayer, finiteOrThrow, knownRows, type InfluenceCommonOptions, type InfluenceDataset, type InfluenceEntry } from './influence-common.js';

export type NeighbourMetric = 'cosine' | 'l2';

export interface NeighboursOptions extends InfluenceCommonOptions {
  /** 'cosine' (default): similarity, largest first; 'l2': Euclidean distance, smallest first. */
  readonly metric?: NeighbourMetric;
}

export interface NeighboursResult {
  readonly layer: string;
  readonly metric: NeighbourMetric;
  /** Per test example, nearest first; `score` is the similarity or the distance. */
  readonly tests: readonly (readonly InfluenceEntry[])[];
  readonly seen: number;
  readonly modelCalls: number;
}

/** Cosine similarity (0 when either vector is zero) or Euclidean distance of rows i of a and j of b. */
export function activationDistance(metric: NeighbourMetric, a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let q = 0; q < d; q++) {
    const x = a[i * d + q]!;
    const y = b[j * d + q]!;
    if (metric === 'l2') ab += (x - y) * (x - y);
    else {
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
  }
  if (metric === 'l2') return Math.sqrt(ab);
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export class ActivationNeighbours {
  constructor(readonly model: Model) {}

  async neighbours(train: InfluenceDataset, test: Tensor, options?: NeighboursOptions): Promise<NeighboursResult> {
    const id = 'neighbours';
    const nTest = validateInput(this.model, test, 'test');
    const metric = options?.metric ?? 'cosine';
    if (metric !== 'cosine' && metric !== 'l2') throw new InvalidArgumentError(`${id}: metric must be 'cosine' or 'l2', got ${String(metric)}`);
    const k = checkK(options?.k, id);
    const batchSize = checkBatch(options?.batchSize, id);
    const { layer } = chooseLayer(this.model, options?.layer, id);
    const ctx = new ModelCaller(this.model, options?.signal, options?.onProgress);
    const rows = knownRows(train, options?.trainSize);
    ctx.plan(1 + (rows !== undefined ? Math.ceil(rows / batchSize) : 0));
    return neighbourScan(ctx, layer, metric, train, test, nTest, k, batchSize);
  }
}

async function neighbourScan(ctx: ModelCaller, layer: string, metric: NeighbourMetric, train: InfluenceDataset, test: Tensor, nTest: number, k: number, batchSize: number): Promise<NeighboursResult> {
  const te = Float64Array.from((await ctx.activations(test, [layer])).layers[layer]!.data);
  const d = te.length / nTest;
  const best = Array.from({ length: nTest }, () => new TopK(k, metric === 'l2' ? -1 : 1));
  let seen = 0;
  for await (const batch of batchesOf(train, batchSize)) {
    throwIfAborted(ctx.signal);
    const n = validateInput(ctx.model, batch, 'training batch');
    const tr = (await ctx.activations(batch, [layer])).layers[layer]!.data;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < nTest; t++) best[t]!.offer(seen + i, finiteOrThrow(activationDistance(metric, tr, i, te, t, d), `activation ${metric} of training example ${seen + i}`));
    }
    seen += n;
  }
  return { layer, metric, tests: best.map((b) => b.items), seen, modelCalls: ctx.modelCalls };
}

/**
 * Dataset examples for a unit (Olah et al. 2017, "dataset examples"): the k inputs of a dataset
 * that activate a unit most, streamed batch by batch with memory bounded by k (only the k best
 * are kept: index, value, position, and optionally their input rows).
 *
 * A unit is (layer, channel[, position]) with the channel axis of fv-objectives.ts. With a
 * `position` its value is that neuron's activation; without one it is the channel's maximum over
 * positions (`reduce: 'max'`, default; the arg-max position is reported) or mean (`'mean'`).
 * For spatial (rank-3) layers with a position (given or arg-max), `box` is the position's
 * receptive field in input pixels, from the graph's conv / pool strides, kernels and pads
 * (receptive-field.ts). Ties keep the earlier example.
 *
 * Model calls: one activations call per batch (batches of `batchSize` rows when a whole tensor
 * is given). Needs capability 'layers' (and `model.graph` for boxes and channel axes).
 */
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import type { Layout } from '../../ir/graph.js';
import type { Model } from '../../model.js';
import { sliceBatch, type Tensor } from '../../tensor.js';
import { ModelCaller, validateInput } from '../_utils/common.js';
import { requireGraph, requireLayers } from '../_utils/requests.js';
import type { Progress } from '../_utils/types.js';
import { inputLayout } from './feature-visualization.js';
import { channelIndices, layerInfo, unitIndex, type LayerInfo } from './fv-objectives.js';
import { receptiveField, type PixelBox } from './receptive-field.js';

export interface DatasetUnit {
  readonly layer: string;
  readonly channel: number;
  /** One index per position axis (e.g. [y, x]); absent: reduce over positions. */
  readonly position?: readonly number[];
  readonly reduce?: 'max' | 'mean';
}

export interface DatasetExamplesOptions {
  readonly k: number;
  /** Rows per call when the dataset is one tensor (default 64). */
  readonly batchSize?: number;
  /** Keep the k best input rows in the result (default false). */
  readonly keepInputs?: boolean;
  readonly layout?: Layout;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface Exemplar {
  /** Index of the example in the dataset (batches counted consecutively). */
  readonly index: number;
  readonly value: number;
  /** The position the value was read at (given, or the arg-max); absent for 'mean' and rank-1 layers. */
  readonly position?: readonly number[];
  /** Receptive field of `position` in input pixels (spatial layers only). */
  readonly box?: PixelBox;
  /** The input row, when `keepInputs`. */
  readonly input?: Tensor;
}

export interface DatasetExamplesResult {
  readonly layer: string;
  readonly unit: DatasetUnit;
  /** Best first. */
  readonly examples: readonly Exemplar[];
  /** Examples seen. */
  readonly seen: number;
  readonly modelCalls: number;
}

export type Dataset = Tensor | Iterable<Tensor> | AsyncIterable<Tensor>;

async function* batchesOf(data: Dataset, size: number): AsyncGenerator<Tensor> {
  if ((data as Tensor).shape !== undefined && (data as Tensor).data !== undefined) {
    const t = data as Tensor;
    for (let s = 0; s < t.shape[0]!; s += size) yield sliceBatch(t, s, Math.min(t.shape[0]!, s + size));
    return;
  }
  yield* data as AsyncIterable<Tensor>;
}

export async function topActivatingExamples(model: Model, data: Dataset, unit: DatasetUnit, options: DatasetExamplesOptions): Promise<DatasetExamplesResult> {
  const id = 'dataset-examples';
  requireLayers(model, id);
  const graph = requireGraph(model, id);
  if (!unit || typeof unit !== 'object') throw new InvalidArgumentError(`${id} needs a unit { layer, channel }`);
  const info: LayerInfo = layerInfo(model, graph, unit.layer, id);
  if (!Number.isInteger(unit.channel) || unit.channel < 0 || unit.channel >= info.channels) {
    throw new InvalidArgumentError(`${id}: channel ${unit.channel} is out of range; layer ${info.name} [${info.shape.join(', ')}] has channels 0…${info.channels - 1}`);
  }
  const reduce = unit.reduce ?? 'max';
  if (reduce !== 'max' && reduce !== 'mean') throw new InvalidArgumentError(`${id}: reduce must be 'max' or 'mean', got ${String(reduce)}`);
  if (unit.position !== undefined) {
    if (!Array.isArray(unit.position) || unit.position.length !== info.positions.length || unit.position.some((v, d) => !Number.isInteger(v) || v < 0 || v >= info.positions[d]!)) {
      throw new InvalidArgumentError(`${id}: position must be ${info.positions.length} indices within [${info.positions.join(', ')}]`);
    }
  }
  const k = options?.k;
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`${id}: k must be an integer ≥ 1, got ${String(k)}`);
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`${id}: batchSize must be an integer ≥ 1`);
  const spatial = info.shape.length === 3;
  const layout = options.layout ?? inputLayout(model);
  const idx = unit.position !== undefined ? Int32Array.of(unitIndex(info, unit.position, unit.channel)) : channelIndices(info, unit.channel);
  const positionOf = (j: number): number[] => {
    if (unit.position !== undefined) return [...unit.position];
    const pos: number[] = [];
    let r = j;
    for (let d = info.positions.length - 1; d >= 0; d--) {
      pos.unshift(r % info.positions[d]!);
      r = Math.floor(r / info.positions[d]!);
    }
    return pos;
  };
  const best: { index: number; value: number; j: number; input?: Tensor }[] = [];
  const ctx = new ModelCaller(model, options.signal, options.onProgress);
  let seen = 0;
  for await (const batch of batchesOf(data, batchSize)) {
    throwIfAborted(options.signal);
    const n = validateInput(model, batch);
    const acts = (await ctx.activations(batch, [info.name])).layers[info.name]!.data;
    for (let r = 0; r < n; r++) {
      let value = reduce === 'max' ? -Infinity : 0;
      let arg = 0;
      for (let j = 0; j < idx.length; j++) {
        const v = acts[r * info.size + idx[j]!]!;
        if (reduce === 'mean') value += v / idx.length;
        else if (v > value) [value, arg] = [v, j];
      }
      if (best.length === k && !(value > best[k - 1]!.value)) continue;
      const entry = { index: seen + r, value, j: arg, ...(options.keepInputs ? { input: sliceBatch(batch, r, r + 1) } : {}) };
      let at = best.length;
      while (at > 0 && best[at - 1]!.value < value) at--;
      best.splice(at, 0, entry);
      if (best.length > k) best.pop();
    }
    seen += n;
  }
  const examples = best.map((e): Exemplar => {
    const hasPosition = info.positions.length > 0 && (unit.position !== undefined || reduce === 'max');
    const position = hasPosition ? positionOf(e.j) : undefined;
    const box = spatial && position && model.inputShape.length === 3 ? receptiveField(graph, info.name, [position[0]!, position[1]!], layout).box : undefined;
    return { index: e.index, value: e.value, ...(position ? { position } : {}), ...(box ? { box } : {}), ...(e.input ? { input: { shape: e.input.shape.slice(1), data: e.input.data } } : {}) };
  });
  return { layer: info.name, unit, examples, seen, modelCalls: ctx.modelCalls };
}

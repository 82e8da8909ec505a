/**
 * Shared pieces of the influence family: the training-set stream, the layer a method reads
 * (the penultimate layer: the input of the model's last dense layer), how model outputs become
 * class probabilities, and a bounded top-k list.
 */
import { CapabilityError, InvalidArgumentError, NumericError, ShapeError } from '../../errors.js';
import type { Graph, GraphNode } from '../../ir/graph.js';
import type { Model } from '../../model.js';
import { sizeOf, sliceBatch, type Tensor } from '../../tensor.js';
import type { Progress } from '../_utils/types.js';

/** A training set: one tensor [N, ...inputShape], or batches of it (streamed, never all held). */
export type InfluenceDataset = Tensor | Iterable<Tensor> | AsyncIterable<Tensor>;

/** How the model's outputs are read: 'logits' get a softmax, 'probabilities' are used as they are. */
export type OutputKind = 'auto' | 'logits' | 'probabilities';

export interface InfluenceCommonOptions {
  /** Layer whose activations are used (default: the input of the last dense layer, from the graph). */
  readonly layer?: string;
  /** How many training examples to keep per test example and list (default 5). */
  readonly k?: number;
  /** Rows per model call when the training set is one tensor (default 64). */
  readonly batchSize?: number;
  /** Training-set size, when streaming batches, for the progress total (optional). */
  readonly trainSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** One training example's score for one test example. */
export interface InfluenceEntry {
  /** Index in the training set (batches counted consecutively). */
  readonly index: number;
  readonly score: number;
}

export function isTensor(d: unknown): d is Tensor {
  return typeof d === 'object' && d !== null && (d as Tensor).shape !== undefined && (d as Tensor).data !== undefined;
}

export async function* batchesOf(data: InfluenceDataset, size: number): AsyncGenerator<Tensor> {
  if (isTensor(data)) {
    for (let s = 0; s < data.shape[0]!; s += size) yield sliceBatch(data, s, Math.min(data.shape[0]!, s + size));
    return;
  }
  if (data === null || typeof data !== 'object' || !(Symbol.iterator in data || Symbol.asyncIterator in data)) {
    throw new InvalidArgumentError('the training set must be a tensor [N, ...inputShape] or an (async) iterable of such batches');
  }
  yield* data as AsyncIterable<Tensor>;
}

/** Rows the stream will yield, when known up front (for the progress total). */
export function knownRows(data: InfluenceDataset, given: number | undefined): number | undefined {
  if (isTensor(data)) return data.shape[0];
  return given;
}

const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Flatten', 'Reshape', 'Squeeze']);

function producer(graph: Graph, tensor: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.outputs.includes(tensor));
}

/**
 * The penultimate layer: the node whose output feeds the last dense layer (Gemm / MatMul, after
 * a trailing Softmax / bias Add / Identity). Pass-through nodes (Flatten, Reshape, Dropout) before
 * the dense layer are skipped back over: they do not change the values, only their shape.
 * Also says whether the model ends in a Softmax.
 */
export function penultimateLayer(graph: Graph, id: string): { layer: string; dense: string; softmax: boolean } {
  const isInit = (t: string) => graph.initializers[t] !== undefined;
  let node = producer(graph, graph.outputs[0]!);
  let softmax = false;
  while (node && (node.op === 'Softmax' || node.op === 'Identity' || (node.op === 'Add' && node.inputs.some(isInit)))) {
    if (node.op === 'Softmax') softmax = true;
    node = producer(graph, node.inputs.find((t) => !isInit(t))!);
  }
  if (!node || (node.op !== 'Gemm' && node.op !== 'MatMul')) {
    throw new InvalidArgumentError(`${id}: the model does not end in a dense layer (Gemm / MatMul, then optionally Softmax); name the layer whose activations feed the last linear map with the layer option (--layer)`);
  }
  const dense = node.name;
  let input = node.inputs.find((t) => !isInit(t));
  let prev = input === undefined ? undefined : producer(graph, input);
  while (prev && PASS_THROUGH.has(prev.op)) {
    input = prev.inputs[0];
    prev = input === undefined ? undefined : producer(graph, input);
  }
  if (!prev) throw new InvalidArgumentError(`${id}: the last dense layer '${dense}' reads the model input directly (no hidden layer); pass the layer option to choose one`);
  return { layer: prev.name, dense, softmax };
}

/** The tapped layer for a method on a model: the named one (resolved) or the penultimate one. */
export function chooseLayer(model: Model, layer: string | undefined, id: string): { layer: string; softmax: boolean | undefined } {
  if (!model.capabilities.layers) throw new CapabilityError(`${id} needs layer activations; the ${model.backend} model cannot tap layers`);
  if (layer !== undefined) {
    if (typeof layer !== 'string' || layer === '') throw new InvalidArgumentError(`${id}: layer must be a layer name`);
    const name = model.layerNames.includes(layer) ? layer : model.resolveLayer ? model.resolveLayer(layer) : undefined;
    if (name === undefined || !model.layerNames.includes(name)) throw new InvalidArgumentError(`${id}: '${layer}' is not a layer of the model (layers: ${model.layerNames.join(', ')})`);
    const softmax = model.graph ? endsInSoftmax(model.graph) : undefined;
    return { layer: name, softmax };
  }
  if (!model.graph) throw new InvalidArgumentError(`${id}: the ${model.backend} model has no graph to find its penultimate layer in; pass the layer option`);
  const p = penultimateLayer(model.graph, id);
  return { layer: p.layer, softmax: p.softmax };
}

function endsInSoftmax(graph: Graph): boolean {
  const last = producer(graph, graph.outputs[0]!);
  return last?.op === 'Softmax';
}

/**
 * Whether outputs are probabilities: 'auto' believes the graph (a trailing Softmax) and, for an
 * opaque model, checks the rows of the first batch (non-negative, summing to 1 within 1e-4).
 */
export function outputsAreProbabilities(kind: OutputKind, softmax: boolean | undefined, outputs: Tensor): boolean {
  if (kind === 'probabilities') return true;
  if (kind === 'logits') return false;
  if (softmax !== undefined) return softmax;
  const c = outputs.data.length / outputs.shape[0]!;
  for (let r = 0; r < outputs.shape[0]!; r++) {
    let s = 0;
    for (let j = 0; j < c; j++) {
      const v = outputs.data[r * c + j]!;
      if (v < 0) return false;
      s += v;
    }
    if (Math.abs(s - 1) > 1e-4) return false;
  }
  return true;
}

/** Row-wise class probabilities as float64 (softmax of logits, or the outputs themselves). */
export function probabilities(outputs: Tensor, areProbabilities: boolean): Float64Array {
  const n = outputs.shape[0]!;
  const c = outputs.data.length / n;
  const p = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, outputs.data[r * c + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) {
      const v = areProbabilities ? outputs.data[r * c + j]! : Math.exp(outputs.data[r * c + j]! - m);
      p[r * c + j] = v;
      s += v;
    }
    if (!areProbabilities) for (let j = 0; j < c; j++) p[r * c + j]! /= s;
  }
  return p;
}

export function checkClassCount(model: Model, id: string): number {
  const c = sizeOf(model.outputShape);
  if (c < 2) throw new ShapeError(`${id} needs a classifier with at least 2 outputs (softmax + cross-entropy); the model has ${c}`);
  return c;
}

export function checkLabels(labels: readonly number[], classes: number, what: string, id: string): void {
  if (!Array.isArray(labels) && !ArrayBuffer.isView(labels)) throw new InvalidArgumentError(`${id}: ${what} must be an array of class indices`);
  Array.prototype.forEach.call(labels, (y: number, i: number) => {
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new InvalidArgumentError(`${id}: ${what}[${i}] = ${String(y)} is not a class index in 0…${classes - 1}`);
  });
}

export function checkK(k: number | undefined, id: string): number {
  const v = k ?? 5;
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${id}: k must be an integer ≥ 1, got ${String(k)}`);
  return v;
}

export function checkBatch(b: number | undefined, id: string): number {
  const v = b ?? 64;
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${id}: batchSize must be an integer ≥ 1, got ${String(b)}`);
  return v;
}

/**
 * The k entries with the largest `sign · score`, best first; ties keep the earlier index.
 * Memory is O(k) however many entries are offered.
 */
export class TopK {
  readonly items: InfluenceEntry[] = [];
  constructor(private readonly k: number, private readonly sign: 1 | -1) {}
  offer(index: number, score: number): void {
    const v = this.sign * score;
    const it = this.items;
    if (it.length === this.k && !(v > this.sign * it[this.k - 1]!.score)) return;
    let at = it.length;
    while (at > 0 && this.sign * it[at - 1]!.score < v) at--;
    it.splice(at, 0, { index, score });
    if (it.length > this.k) it.pop();
  }
}

export function finiteOrThrow(v: number, what: string): number {
  if (!Number.isFinite(v)) throw new NumericError(`${what} is not finite (${v}): the model produced NaN or Infinity`);
  return v;
}

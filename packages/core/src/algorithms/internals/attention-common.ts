/**
 * Shared machinery of the attention methods (raw attention, rollout, flow, gradient-weighted
 * attention): options, the result type, reading the attention probabilities (and, for the
 * gradient method, their gradients) from layer taps into one [N, L, H, T, T] array, and the
 * per-example matrix helpers the methods share.
 */
import { CapabilityError, InvalidArgumentError, ShapeError, throwIfAborted } from '../../errors.js';
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { ModelCaller } from '../_utils/caller.js';
import { argmaxRows, checkBatchSize, validateInput, validateTarget } from '../_utils/common.js';
import { sliceRows } from '../_utils/rows.js';
import type { Progress, Target } from '../_utils/types.js';
import { groupAttentionLayers, resolveAttentionNodes, type AttentionLayer } from './attention-nodes.js';

export interface AttentionOptions {
  /** Attention Softmax node names (layer names); default: detected (findAttentionNodes). */
  readonly nodes?: readonly string[];
  /** Query token whose row gives `scores` (default 0: a [CLS] token in front). */
  readonly query?: number;
  /** Most examples per model call (default: all in one call). */
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after each model call (and, for attention flow, after each example's flows). */
  readonly onProgress?: (p: Progress) => void;
}

export interface GradientAttentionOptions extends AttentionOptions {
  /** The output whose gradient weighs the attention (class index per example); default: predicted class. */
  readonly target?: Target;
}

export type AttentionMethodId = 'raw' | 'rollout' | 'flow' | 'grad-attention';

export interface AttentionResult {
  readonly method: AttentionMethodId;
  /** The attention layers read, in order, with their nodes and head counts. */
  readonly layers: readonly AttentionLayer[];
  /**
   * Attention probabilities [N, L, H, T, T] (row = query token, column = key token); H is the
   * most heads of any layer, a layer with fewer has zeros in its extra head slots.
   */
  readonly attention: Tensor;
  /** d(target output)/d(attention) [N, L, H, T, T] (grad-attention only). */
  readonly gradients?: Tensor;
  /**
   * Token-to-token relevance [N, T, T], row = output (query) token, column = input token:
   * raw: the last layer's head-averaged attention; rollout: the rollout product; flow: max-flow
   * values, each row normalised to sum 1; grad-attention: Chefer's relevance R.
   */
  readonly relevance: Tensor;
  /** Row `query` of `relevance` per example, [N, T]. */
  readonly scores: Tensor;
  readonly query: number;
  /** Model outputs [N, ...outputShape]. */
  readonly outputs: Tensor;
  /** Class explained per example (grad-attention), −1 otherwise. */
  readonly targets: readonly number[];
}

/** Attention probabilities of one batch: data [N, L, H, T, T]. */
export interface AttentionStack {
  readonly n: number;
  readonly layers: number;
  /** Most heads of any layer (layers with fewer leave their extra head slots 0). */
  readonly heads: number;
  /** Heads of each layer. */
  readonly layerHeads: readonly number[];
  readonly tokens: number;
  readonly data: Float32Array;
}

/** Offset of matrix (example i, layer l, head h) in an AttentionStack's data. */
export function matrixOffset(s: AttentionStack, i: number, l: number, h: number): number {
  return (((i * s.layers + l) * s.heads + h) * s.tokens) * s.tokens;
}

/** Validated setup shared by the methods. */
export interface AttentionSetup {
  readonly n: number;
  readonly layers: readonly AttentionLayer[];
  readonly heads: number;
  readonly tokens: number;
  readonly query: number;
  readonly batch: number;
  readonly names: readonly string[];
}

export function setupAttention(model: Model, x: Tensor, options: AttentionOptions, method: string, needsGradients: boolean): AttentionSetup {
  if (!model.capabilities.layers) throw new CapabilityError(`${method} reads attention through layer taps; the ${model.backend} model cannot tap layers`);
  if (needsGradients && !model.capabilities.gradients) throw new CapabilityError(`${method} needs gradients; the ${model.backend} model has none`);
  if (!model.graph) throw new CapabilityError(`${method} finds attention nodes in the model's graph; the ${model.backend} model has no IR graph`);
  const n = validateInput(model, x);
  if (options.nodes !== undefined && !Array.isArray(options.nodes)) throw new InvalidArgumentError('nodes must be a list of node names');
  const resolved = (options.nodes ?? []).map((name) => (model.layerNames.includes(name) || !model.resolveLayer ? name : model.resolveLayer(name)));
  const layers = groupAttentionLayers(resolveAttentionNodes(model.graph, resolved));
  const first = layers[0]!;
  const odd = layers.find((l) => l.queries !== first.queries || l.keys !== first.keys);
  if (odd) throw new ShapeError(`attention layers differ: layer 0 has ${first.queries}×${first.keys} maps, layer ${odd.index} ${odd.queries}×${odd.keys}`);
  if (first.queries !== first.keys) throw new ShapeError(`attention maps are ${first.queries}×${first.keys}; the attention methods need self-attention (square maps)`);
  const tokens = first.queries;
  if (!(tokens > 0)) throw new ShapeError(`attention node '${first.nodes[0]!.name}' has a dynamic sequence length in the graph (shape [${first.nodes[0]!.shape.join(', ')}]); the attention methods need a fixed one`);
  const query = options.query ?? 0;
  if (!Number.isInteger(query) || query < 0 || query >= tokens) throw new InvalidArgumentError(`query must be a token index in [0, ${tokens - 1}], got ${String(query)}`);
  const batch = checkBatchSize(options.internalBatchSize);
  const names = layers.flatMap((l) => l.nodes.map((nd) => nd.name));
  for (const name of names) {
    if (!model.layerNames.includes(name)) throw new InvalidArgumentError(`attention node '${name}' is not a tappable layer of the ${model.backend} model`);
  }
  return { n, layers, heads: Math.max(...layers.map((l) => l.heads)), tokens, query, batch: Math.min(batch, n), names };
}

export function emptyStack(s: AttentionSetup): AttentionStack {
  return { n: s.n, layers: s.layers.length, heads: s.heads, layerHeads: s.layers.map((l) => l.heads), tokens: s.tokens, data: new Float32Array(s.n * s.layers.length * s.heads * s.tokens * s.tokens) };
}

/** Copy the taps of rows [start, start + rows) into `stack` (layer by layer, heads in node order). */
export function putTaps(stack: AttentionStack, s: AttentionSetup, start: number, taps: Readonly<Record<string, Tensor>>): void {
  const tt = s.tokens * s.tokens;
  for (const layer of s.layers) {
    let h0 = 0;
    for (const node of layer.nodes) {
      const t = taps[node.name];
      if (!t) throw new ShapeError(`model returned no tap for attention node '${node.name}'`);
      const rows = t.shape[0]!;
      if (t.data.length !== rows * node.heads * tt) throw new ShapeError(`attention node '${node.name}' tap has shape [${t.shape.join(', ')}], expected [${rows}, ${node.heads > 1 ? `${node.heads}, ` : ''}${s.tokens}, ${s.tokens}]`);
      for (let r = 0; r < rows; r++) {
        for (let h = 0; h < node.heads; h++) {
          const src = (r * node.heads + h) * tt;
          stack.data.set(t.data.subarray(src, src + tt), matrixOffset(stack, start + r, layer.index, h0 + h));
        }
      }
      h0 += node.heads;
    }
  }
}

/** Reports progress in units of work (model calls, examples) and honours the abort signal. */
export class AttentionProgress {
  private done = 0;
  constructor(
    private readonly total: number,
    private readonly options: AttentionOptions,
  ) {}
  step(): void {
    throwIfAborted(this.options.signal);
    this.done++;
    this.options.onProgress?.({ done: this.done, total: Math.max(this.total, this.done) });
  }
}

/** Chunks [start, end) of the batch. */
export function chunks(s: AttentionSetup): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < s.n; i += s.batch) out.push([i, Math.min(s.n, i + s.batch)]);
  return out;
}

/** Attention (and outputs) of every example through activation taps. */
export async function readAttention(model: Model, x: Tensor, s: AttentionSetup, options: AttentionOptions, progress: AttentionProgress): Promise<{ stack: AttentionStack; outputs: Tensor }> {
  const caller = new ModelCaller(model, options.signal);
  const stack = emptyStack(s);
  const per = sizeOf(model.outputShape);
  const outputs = new Float32Array(s.n * per);
  for (const [a, b] of chunks(s)) {
    const res = await caller.activations(sliceRows(x, a, b), s.names);
    putTaps(stack, s, a, res.layers);
    outputs.set(res.outputs.data, a * per);
    progress.step();
  }
  return { stack, outputs: { shape: [s.n, ...model.outputShape], data: outputs } };
}

/** Attention, its gradient of the target output, outputs and targets through gradient taps. */
export async function readAttentionGradients(
  model: Model,
  x: Tensor,
  s: AttentionSetup,
  options: GradientAttentionOptions,
  progress: AttentionProgress,
): Promise<{ stack: AttentionStack; grads: AttentionStack; outputs: Tensor; targets: number[] }> {
  const caller = new ModelCaller(model, options.signal);
  const target = validateTarget(model, options.target, s.n);
  if (target && target.kind !== 'index') throw new InvalidArgumentError('grad-attention takes class indices as target (not an output seed tensor)');
  const stack = emptyStack(s);
  const grads = emptyStack(s);
  const per = sizeOf(model.outputShape);
  const outputs = new Float32Array(s.n * per);
  const targets: number[] = [];
  for (const [a, b] of chunks(s)) {
    const xs = sliceRows(x, a, b);
    let idx = target?.indices.slice(a, b);
    if (!idx) {
      idx = argmaxRows(await caller.forward(xs));
      progress.step();
    }
    const res = await caller.request(xs, { seed: { kind: 'index', indices: idx }, layers: s.names });
    const acts: Record<string, Tensor> = {};
    const gs: Record<string, Tensor> = {};
    for (const name of s.names) {
      acts[name] = res.layers[name]!.activation;
      gs[name] = res.layers[name]!.gradient;
    }
    putTaps(stack, s, a, acts);
    putTaps(grads, s, a, gs);
    outputs.set(res.outputs.data, a * per);
    targets.push(...idx);
    progress.step();
  }
  return { stack, grads, outputs: { shape: [s.n, ...model.outputShape], data: outputs }, targets };
}

/** C = A·B for T×T row-major matrices. */
export function matmul(a: Float64Array, b: Float64Array, t: number): Float64Array {
  const c = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let k = 0; k < t; k++) {
      const aik = a[i * t + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < t; j++) c[i * t + j] += aik * b[k * t + j]!;
    }
  }
  return c;
}

export function identity(t: number): Float64Array {
  const m = new Float64Array(t * t);
  for (let i = 0; i < t; i++) m[i * t + i] = 1;
  return m;
}

/** The head-mean of example i, layer l, as float64 T×T. */
export function headMean(s: AttentionStack, i: number, l: number): Float64Array {
  const tt = s.tokens * s.tokens;
  const m = new Float64Array(tt);
  const heads = s.layerHeads[l]!;
  for (let h = 0; h < heads; h++) {
    const o = matrixOffset(s, i, l, h);
    for (let j = 0; j < tt; j++) m[j] += s.data[o + j]!;
  }
  for (let j = 0; j < tt; j++) m[j] /= heads;
  return m;
}

/** Assemble the result tensors from per-example T×T relevance matrices. */
export function finish(
  method: AttentionMethodId,
  s: AttentionSetup,
  stack: AttentionStack,
  relevance: readonly Float64Array[],
  outputs: Tensor,
  targets: readonly number[],
  grads?: AttentionStack,
): AttentionResult {
  const t = s.tokens;
  const rel = new Float32Array(s.n * t * t);
  const scores = new Float32Array(s.n * t);
  relevance.forEach((m, i) => {
    rel.set(m, i * t * t);
    scores.set(m.subarray(s.query * t, (s.query + 1) * t), i * t);
  });
  const shape5 = [s.n, s.layers.length, s.heads, t, t];
  return {
    method,
    layers: s.layers,
    attention: { shape: shape5, data: stack.data },
    ...(grads ? { gradients: { shape: shape5, data: grads.data } } : {}),
    relevance: { shape: [s.n, t, t], data: rel },
    scores: { shape: [s.n, t], data: scores },
    query: s.query,
    outputs,
    targets: [...targets],
  };
}

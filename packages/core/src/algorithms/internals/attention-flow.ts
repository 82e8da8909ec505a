/**
 * Attention flow (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers").
 *
 * The layered attention graph has a node per (layer boundary l = 0..L, token k); layer l's
 * head-averaged attention with the residual identity, Ã_l (see attention-rollout.ts), gives the
 * edge (l+1, a) → (l, b) the capacity Ã_l[a, b]. The flow from output token i to input token j is
 * the maximum flow from node (L, i) to node (0, j). Each output row is then normalised to sum 1
 * (as the authors' code does), so rows compare with rollout's.
 *
 * Max-flow: Edmonds–Karp (Ford–Fulkerson with breadth-first shortest augmenting paths) on a
 * dense residual-capacity matrix; O(V·E²) per pair, with V = (L+1)·T nodes and E = L·T² edges:
 * fine for the short sequences attention maps are drawn for, and exact up to float rounding.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import {
  AttentionProgress,
  chunks,
  finish,
  headMean,
  readAttention,
  setupAttention,
  type AttentionOptions,
  type AttentionResult,
} from './attention-common.js';
import { residualAttention } from './attention-rollout.js';

/** Residual capacities at or below this count as saturated (float rounding). */
const EPS = 1e-12;

/**
 * Maximum flow from `source` to `sink` in a network with `nodes` nodes and capacities
 * `capacity[u * nodes + v]` (≥ 0; not modified). Edmonds–Karp. Returns the flow value and the
 * flow on every edge (same layout; antisymmetric net flow clipped to ≥ 0).
 */
export function maxFlow(capacity: Float64Array, nodes: number, source: number, sink: number): { value: number; flow: Float64Array } {
  if (capacity.length !== nodes * nodes) throw new InvalidArgumentError(`capacity has ${capacity.length} entries for ${nodes} nodes`);
  for (const [what, v] of [['source', source], ['sink', sink]] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= nodes) throw new InvalidArgumentError(`${what} must be a node index in [0, ${nodes - 1}], got ${v}`);
  }
  for (let i = 0; i < capacity.length; i++) {
    if (!(capacity[i]! >= 0) || !Number.isFinite(capacity[i]!)) throw new InvalidArgumentError(`capacity ${i} is ${capacity[i]}; capacities must be finite and ≥ 0`);
  }
  const flow = new Float64Array(nodes * nodes);
  if (source === sink) return { value: 0, flow };
  const residual = new Float64Array(capacity);
  const parent = new Int32Array(nodes);
  const queue = new Int32Array(nodes);
  let value = 0;
  for (;;) {
    parent.fill(-1);
    parent[source] = source;
    let head = 0;
    let tail = 0;
    queue[tail++] = source;
    while (head < tail && parent[sink] === -1) {
      const u = queue[head++]!;
      for (let v = 0; v < nodes; v++) {
        if (parent[v] === -1 && residual[u * nodes + v]! > EPS) {
          parent[v] = u;
          queue[tail++] = v;
        }
      }
    }
    if (parent[sink] === -1) break;
    let push = Infinity;
    for (let v = sink; v !== source; v = parent[v]!) push = Math.min(push, residual[parent[v]! * nodes + v]!);
    for (let v = sink; v !== source; v = parent[v]!) {
      const u = parent[v]!;
      residual[u * nodes + v] -= push;
      residual[v * nodes + u] += push;
    }
    value += push;
  }
  for (let i = 0; i < flow.length; i++) flow[i] = Math.max(0, capacity[i]! - residual[i]!);
  return { value, flow };
}

/** The layered attention network of per-layer matrices (layer 0 nearest the input), nodes (l, k) = l·T + k. */
export function attentionNetwork(layers: readonly Float64Array[], t: number): Float64Array {
  const nodes = (layers.length + 1) * t;
  const cap = new Float64Array(nodes * nodes);
  layers.forEach((a, l) => {
    for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) cap[((l + 1) * t + i) * nodes + l * t + j] = a[i * t + j]!;
  });
  return cap;
}

/**
 * Max-flow values [T × T] from each output token (top layer) to each input token through the
 * layered network of `layers` (already residual-augmented / normalised as wanted).
 */
export function attentionFlowValues(layers: readonly Float64Array[], t: number): Float64Array {
  const nodes = (layers.length + 1) * t;
  const cap = attentionNetwork(layers, t);
  const out = new Float64Array(t * t);
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) out[i * t + j] = maxFlow(cap, nodes, layers.length * t + i, j).value;
  return out;
}

/** Rows normalised to sum 1 (zero rows stay 0). */
export function normalizeRows(m: Float64Array, t: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < t; i++) {
    let s = 0;
    for (let j = 0; j < t; j++) s += out[i * t + j]!;
    if (s > 0) for (let j = 0; j < t; j++) out[i * t + j] = out[i * t + j]! / s;
  }
  return out;
}

export interface FlowOptions extends AttentionOptions {
  /** Add the residual identity (0.5·A + 0.5·I) to each layer's capacities (default true). */
  readonly residual?: boolean;
}

/** Attention flow (Abnar & Zuidema 2020). */
export class AttentionFlow {
  readonly id = 'flow';
  constructor(private readonly model: Model) {}

  async attribute(x: Tensor, options: FlowOptions = {}): Promise<AttentionResult> {
    const s = setupAttention(this.model, x, options, 'attention flow', false);
    if (options.residual !== undefined && typeof options.residual !== 'boolean') throw new InvalidArgumentError('residual must be true or false');
    const progress = new AttentionProgress(chunks(s).length + s.n, options);
    const { stack, outputs } = await readAttention(this.model, x, s, options, progress);
    const rel: Float64Array[] = [];
    for (let i = 0; i < s.n; i++) {
      const layers = Array.from({ length: stack.layers }, (_, l) => residualAttention(headMean(stack, i, l), s.tokens, options.residual ?? true));
      rel.push(normalizeRows(attentionFlowValues(layers, s.tokens), s.tokens));
      progress.step();
    }
    return finish('flow', s, stack, rel, outputs, new Array<number>(s.n).fill(-1));
  }
}

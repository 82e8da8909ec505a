/**
 * Finding the attention probabilities of a transformer in an IR graph.
 *
 * An attention Softmax is a Softmax over the last axis whose input comes from a MatMul(Q, Kᵀ),
 * possibly through a scale (Mul / Div), an additive mask (Add / Sub) and shape-only ops
 * (Identity, Cast, Reshape, Squeeze, Unsqueeze). The MatMul must be data × data (no initializer
 * operand: that is a linear layer, e.g. a classifier head) and its second operand must pass
 * through a Transpose that moves the last (feature) axis away from the end (the transposed keys)
 * within a few shape / scale ops.
 *
 * Layers: the layer of an attention Softmax is 1 + the largest layer among the attention
 * Softmaxes upstream of it (0 when none), so per-head Softmaxes of one block share a layer and
 * the next block's depend on them. A Softmax output [N, Tq, Tk] is one head; [N, H, Tq, Tk] is
 * H heads.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Graph, GraphNode } from '../../ir/graph.js';
import { inferGraphShapes } from '../../ir/validate.js';

/** No attention Softmax was found (or named) in the model. */
export class AttentionNotFoundError extends InvalidArgumentError {
  constructor(message: string) {
    super(message);
  }
}

/** A named node exists but is not an attention Softmax (not a Softmax, or not over [.., Tq, Tk]). */
export class NotAttentionNodeError extends InvalidArgumentError {
  readonly node: string;
  constructor(node: string, message: string) {
    super(message);
    this.node = node;
  }
}

export interface AttentionNode {
  /** Softmax node name (the layer name to tap). */
  readonly name: string;
  /** 0-based layer (attention block) index. */
  readonly layer: number;
  /** Heads in this node's output: 1 for [N, Tq, Tk], H for [N, H, Tq, Tk]. */
  readonly heads: number;
  /** Query and key lengths. */
  readonly queries: number;
  readonly keys: number;
  /** Output shape with the batch dimension (-1 when dynamic). */
  readonly shape: readonly number[];
  /** The MatMul(Q, Kᵀ) feeding it ('' for a node named by the user and not matched). */
  readonly scores: string;
}

/** One attention layer: its nodes in head order. */
export interface AttentionLayer {
  readonly index: number;
  readonly nodes: readonly AttentionNode[];
  readonly heads: number;
  readonly queries: number;
  readonly keys: number;
}

const PASS_SCORES = new Set(['Mul', 'Div', 'Add', 'Sub', 'Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze']);
const PASS_KEYS = new Set(['Mul', 'Div', 'Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Add']);
const MAX_HOPS = 6;

function producers(graph: Graph): Map<string, GraphNode> {
  const m = new Map<string, GraphNode>();
  for (const n of graph.nodes) for (const o of n.outputs) m.set(o, n);
  return m;
}

function isData(graph: Graph, tensor: string): boolean {
  return tensor !== '' && !Object.hasOwn(graph.initializers, tensor);
}

/** Whether `tensor` is, within MAX_HOPS shape / scale ops, the output of a last-two-axes Transpose. */
function reachesTranspose(graph: Graph, prod: Map<string, GraphNode>, tensor: string, hops = 0): boolean {
  const n = prod.get(tensor);
  if (!n || hops > MAX_HOPS) return false;
  if (n.op === 'Transpose') {
    const perm = n.attrs['perm'];
    if (!Array.isArray(perm)) return true; // default: reverse all axes (swaps the last two of a matrix)
    // Keys transposed for Q·Kᵀ: the last (feature) axis moves away from the end, e.g. [0, 2, 1]
    // on [N, T, d], or [0, 2, 3, 1] on [N, T, H, d] (a head split and Kᵀ fused in one Transpose).
    const p = perm as number[];
    return p.length >= 2 && p[p.length - 1] !== p.length - 1;
  }
  if (!PASS_KEYS.has(n.op)) return false;
  return n.inputs.some((t) => isData(graph, t) && reachesTranspose(graph, prod, t, hops + 1));
}

/** The QKᵀ MatMul that feeds `tensor` through scale / mask / shape ops, if any. */
function scoresMatMul(graph: Graph, prod: Map<string, GraphNode>, tensor: string, hops = 0): GraphNode | undefined {
  const n = prod.get(tensor);
  if (!n || hops > MAX_HOPS) return undefined;
  if (n.op === 'MatMul') {
    const [q, k] = n.inputs as [string, string];
    if (isData(graph, q) && isData(graph, k) && reachesTranspose(graph, prod, k)) return n;
    return undefined;
  }
  if (!PASS_SCORES.has(n.op)) return undefined;
  for (const t of n.inputs) {
    if (!isData(graph, t)) continue;
    const m = scoresMatMul(graph, prod, t, hops + 1);
    if (m) return m;
  }
  return undefined;
}

function softmaxOverLastAxis(node: GraphNode, rank: number): boolean {
  const axis = node.attrs['axis'];
  const a = typeof axis === 'number' ? axis : -1;
  return a === -1 || a === rank - 1;
}

function describe(node: GraphNode, shape: readonly number[], layer: number, scores: string): AttentionNode {
  const heads = shape.length === 4 ? shape[1]! : 1;
  return { name: node.name, layer, heads, queries: shape[shape.length - 2]!, keys: shape[shape.length - 1]!, shape: [...shape], scores };
}

/** Layer index per attention node, from the graph's data flow (see the file comment). */
function layerDepths(graph: Graph, attention: ReadonlySet<string>): Map<string, number> {
  const depth = new Map<string, number>();
  const layers = new Map<string, number>();
  for (const n of graph.nodes) {
    let d = 0;
    for (const t of n.inputs) d = Math.max(d, depth.get(t) ?? 0);
    if (attention.has(n.name)) {
      layers.set(n.name, d);
      d += 1;
    }
    for (const o of n.outputs) depth.set(o, d);
  }
  return layers;
}

/**
 * The attention Softmax nodes of `graph`, in graph order, with their layers and shapes. Does not
 * throw when there are none (returns []); `resolveAttentionNodes` does.
 */
export function findAttentionNodes(graph: Graph): AttentionNode[] {
  const shapes = inferGraphShapes(graph);
  const prod = producers(graph);
  const found: { node: GraphNode; shape: number[]; scores: string }[] = [];
  for (const node of graph.nodes) {
    if (node.op !== 'Softmax') continue;
    const shape = shapes[node.outputs[0]!];
    if (!shape || (shape.length !== 3 && shape.length !== 4) || !softmaxOverLastAxis(node, shape.length)) continue;
    const mm = scoresMatMul(graph, prod, node.inputs[0]!);
    if (mm) found.push({ node, shape, scores: mm.name });
  }
  const layers = layerDepths(graph, new Set(found.map((f) => f.node.name)));
  return found.map((f) => describe(f.node, f.shape, layers.get(f.node.name)!, f.scores));
}

/**
 * The attention nodes to use: `names` when given (each must be a Softmax over the last axis of a
 * rank-3 or rank-4 output; layers from the graph's data flow), else the detected ones. Throws
 * AttentionNotFoundError when there are none, NotAttentionNodeError for a named node that is not
 * usable, InvalidArgumentError for an unknown name.
 */
export function resolveAttentionNodes(graph: Graph, names?: readonly string[]): AttentionNode[] {
  if (names === undefined || names.length === 0) {
    const found = findAttentionNodes(graph);
    if (found.length === 0) {
      const softmaxes = graph.nodes.filter((n) => n.op === 'Softmax').map((n) => n.name);
      throw new AttentionNotFoundError(
        `no attention Softmax (Softmax over MatMul(Q, Kᵀ)) found in graph '${graph.name}'` +
          (softmaxes.length > 0 ? `; its Softmax nodes (${softmaxes.join(', ')}) do not follow a query-key MatMul — name attention nodes explicitly if one is` : '; it has no Softmax node'),
      );
    }
    return found;
  }
  const shapes = inferGraphShapes(graph);
  const prod = producers(graph);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const picked: { node: GraphNode; shape: number[]; scores: string }[] = [];
  for (const name of names) {
    const node = byName.get(name) ?? prod.get(name);
    if (!node) throw new InvalidArgumentError(`attention node '${name}' is not a node of graph '${graph.name}'`);
    if (node.op !== 'Softmax') throw new NotAttentionNodeError(name, `attention node '${name}' is a ${node.op}, not a Softmax`);
    const shape = shapes[node.outputs[0]!]!;
    if (shape.length !== 3 && shape.length !== 4) {
      throw new NotAttentionNodeError(name, `attention node '${name}' has output shape [${shape.join(', ')}]; attention probabilities are [N, Tq, Tk] or [N, H, Tq, Tk]`);
    }
    if (!softmaxOverLastAxis(node, shape.length)) throw new NotAttentionNodeError(name, `attention node '${name}' is a Softmax over axis ${String(node.attrs['axis'])}, not over the keys (last axis)`);
    if (seen.has(node.name)) throw new InvalidArgumentError(`attention node '${name}' is named twice`);
    seen.add(node.name);
    picked.push({ node, shape, scores: scoresMatMul(graph, prod, node.inputs[0]!)?.name ?? '' });
  }
  const order = new Map(graph.nodes.map((n, i) => [n.name, i]));
  picked.sort((a, b) => order.get(a.node.name)! - order.get(b.node.name)!);
  const layers = layerDepths(graph, seen);
  return picked.map((p) => describe(p.node, p.shape, layers.get(p.node.name)!, p.scores));
}

/**
 * Attention nodes grouped by layer, heads in graph order. Every layer must have the same query
 * length, key length and (for the aggregate methods) square maps; throws ShapeError-like
 * InvalidArgumentError otherwise.
 */
export function groupAttentionLayers(nodes: readonly AttentionNode[]): AttentionLayer[] {
  const byLayer = new Map<number, AttentionNode[]>();
  for (const n of nodes) byLayer.set(n.layer, [...(byLayer.get(n.layer) ?? []), n]);
  return [...byLayer.keys()]
    .sort((a, b) => a - b)
    .map((layer, index) => {
      const list = byLayer.get(layer)!;
      const q = list[0]!.queries;
      const k = list[0]!.keys;
      const odd = list.find((n) => n.queries !== q || n.keys !== k);
      if (odd) throw new NotAttentionNodeError(odd.name, `attention nodes of layer ${index} differ in shape: '${list[0]!.name}' is ${q}×${k}, '${odd.name}' is ${odd.queries}×${odd.keys}`);
      return { index, nodes: list, heads: list.reduce((s, n) => s + n.heads, 0), queries: q, keys: k };
    });
}

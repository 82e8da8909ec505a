/**
 * Canonizers: `Graph → Graph` rewrites applied before attribution, so that rules see the
 * structure they were designed for. Each is a named object (the name keys adapter caches).
 *
 * - foldBatchNorm(): BatchNormalization y = s·x + t (inference) right after a Conv (NCHW/OIHW
 *   or NHWC/HWIO) or Gemm with constant weights is folded into that layer: W' = W·s per output
 *   channel, b' = b·s + t. The fused node keeps the LAYER's name (rules and taps naming the conv
 *   now see the post-BN output) and outputs the BN's tensor, so consumers are untouched; the BN
 *   node disappears. Only when the layer's output feeds nothing but the BN.
 * - splitResidualSums(): every Add/Sub of two non-constant tensors (a residual/skip sum) gets an
 *   explicit Identity node per summand, named `<add>/in0`, `<add>/in1`. The function is unchanged;
 *   each branch becomes a named layer whose gradient tap is that branch's share of the relevance
 *   after the sum rule (composites give residual sums the ε-rule: Rᵢ = xᵢ/(Σx)·R), and rules or
 *   overrides can target one branch. (zennit needs this to make `out += identity` a module; in
 *   the IR the sum is already a node, so this canonizer only names the branches.)
 *
 * Names: node names stay unchanged except the removed BN nodes and the added `/inK` nodes.
 */
import { InvalidArgumentError } from '../errors.js';
import { attrLayout, attrNumber } from '../ir/graph.js';
import type { Graph, GraphNode } from '../ir/graph.js';
import { presentInputs } from '../ir/validate.js';
import type { Tensor } from '../tensor.js';

export interface Canonizer {
  /** Stable id (adapters cache one executor / emitted session set per canonizer list). */
  readonly name: string;
  apply(graph: Graph): Graph;
}

/** Apply canonizers in order. */
export function applyCanonizers(graph: Graph, canonizers: readonly Canonizer[]): Graph {
  if (!Array.isArray(canonizers)) throw new InvalidArgumentError('canonizers must be a list');
  let g = graph;
  for (const c of canonizers) {
    if (!c || typeof c.apply !== 'function' || typeof c.name !== 'string') {
      throw new InvalidArgumentError('a canonizer needs a name and an apply(graph) function');
    }
    g = c.apply(g);
  }
  return g;
}

/** Cache key of a canonizer list. */
export function canonizerKey(canonizers: readonly Canonizer[] | undefined): string {
  return (canonizers ?? []).map((c) => c.name).join('|');
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

function consumers(graph: Graph, tensor: string): GraphNode[] {
  return graph.nodes.filter((n) => n.inputs.includes(tensor));
}

/** Fold BatchNormalization into a preceding Conv or Gemm (see the file comment). */
export function foldBatchNorm(): Canonizer {
  return { name: 'fold-batchnorm', apply: foldBatchNormGraph };
}

function foldBatchNormGraph(graph: Graph): Graph {
  const init: Record<string, Tensor> = { ...graph.initializers };
  const taken = new Set([...Object.keys(init), ...graph.nodes.flatMap((n) => [n.name, ...n.outputs])]);
  let nodes = [...graph.nodes];
  const folded: string[] = [];
  for (const bn of graph.nodes) {
    if (bn.op !== 'BatchNormalization') continue;
    const x = bn.inputs[0]!;
    const pi = nodes.findIndex((n) => n.outputs[0] === x);
    const p = nodes[pi];
    if (!p || (p.op !== 'Conv' && p.op !== 'Gemm')) continue;
    if (consumers({ ...graph, nodes }, x).length !== 1 || graph.outputs.includes(x)) continue;
    const params = bn.inputs.slice(1, 5).map((n) => init[n]);
    const pin = presentInputs(p);
    const w = init[pin[1] ?? ''];
    const bias = pin[2] !== undefined ? init[pin[2]] : undefined;
    if (params.some((t) => t === undefined) || !w || (pin[2] !== undefined && !bias)) continue;
    const [scale, shift, mean, variance] = params as Tensor[];
    const eps = attrNumber(bn, 'epsilon', 1e-5);
    const c = scale.shape[0]!;
    const s = Array.from({ length: c }, (_, i) => scale.data[i]! / Math.sqrt(variance.data[i]! + eps));
    const t = Array.from({ length: c }, (_, i) => shift.data[i]! - mean.data[i]! * s[i]!);
    let outAxis: number;
    let b0: (j: number) => number;
    const attrs: Record<string, number | string | readonly number[]> = { ...p.attrs };
    if (p.op === 'Conv') {
      if (attrLayout(p) !== attrLayout(bn)) continue;
      outAxis = attrLayout(p) === 'NCHW' ? 0 : 3;
      b0 = (j) => (bias ? bias.data[j]! : 0);
    } else {
      outAxis = attrNumber(p, 'transB', 0) !== 0 ? 0 : 1;
      const beta = attrNumber(p, 'beta', 1);
      if (bias && !(bias.data.length === 1 || bias.data.length === c) ) continue;
      b0 = (j) => (bias ? beta * bias.data[bias.data.length === 1 ? 0 : j]! : 0);
      attrs['beta'] = 1;
    }
    if (w.shape[outAxis] !== c) continue;
    const wData = new Float32Array(w.data.length);
    const stride = w.shape.slice(outAxis + 1).reduce((a, d) => a * d, 1);
    for (let i = 0; i < w.data.length; i++) wData[i] = w.data[i]! * s[Math.floor(i / stride) % c]!;
    const bData = Float32Array.from({ length: c }, (_, j) => b0(j) * s[j]! + t[j]!);
    const wName = uniqueName(taken, `${pin[1]}/bn_folded`);
    const bName = uniqueName(taken, `${p.name}/bn_folded_bias`);
    init[wName] = { shape: [...w.shape], data: wData };
    init[bName] = { shape: [c], data: bData };
    const fused: GraphNode = { ...p, inputs: [pin[0]!, wName, bName], outputs: [...bn.outputs], attrs };
    nodes[pi] = fused;
    nodes = nodes.filter((n) => n !== bn);
    folded.push(`${bn.name}->${p.name}`);
  }
  if (folded.length === 0) return graph;
  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const name of Object.keys(init)) if (!used.has(name)) delete init[name];
  return { ...graph, nodes, initializers: init, metadata: { ...(graph.metadata ?? {}), 'canonizer:fold-batchnorm': folded.join(',') } };
}

/** Name each summand of a residual Add/Sub with an Identity node (see the file comment). */
export function splitResidualSums(): Canonizer {
  return { name: 'split-residual-sums', apply: splitResidualSumsGraph };
}

function splitResidualSumsGraph(graph: Graph): Graph {
  const taken = new Set([...Object.keys(graph.initializers), ...graph.nodes.flatMap((n) => [n.name, ...n.outputs])]);
  const nodes: GraphNode[] = [];
  const split: string[] = [];
  for (const node of graph.nodes) {
    const ins = presentInputs(node);
    const isSum = (node.op === 'Add' || node.op === 'Sub') && ins.length === 2 && ins.every((i) => !(i in graph.initializers));
    if (!isSum) {
      nodes.push(node);
      continue;
    }
    const branches = ins.map((input, i) => {
      const name = uniqueName(taken, `${node.name}/in${i}`);
      nodes.push({ name, op: 'Identity', inputs: [input], outputs: [name], attrs: {} });
      return name;
    });
    nodes.push({ ...node, inputs: branches });
    split.push(node.name);
  }
  if (split.length === 0) return graph;
  return { ...graph, nodes, metadata: { ...(graph.metadata ?? {}), 'canonizer:split-residual-sums': split.join(',') } };
}

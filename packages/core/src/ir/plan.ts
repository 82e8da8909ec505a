/** Static analysis of a validated graph: producers, consumers and reachability sets. */
import type { Graph, GraphNode } from './graph.js';
import { presentInputs } from './validate.js';

export interface GraphPlan {
  readonly inputName: string;
  readonly outputName: string;
  readonly nodes: readonly GraphNode[];
  /** Present inputs (trailing optional '' removed) per node index. */
  readonly inputsOf: readonly (readonly string[])[];
  readonly nodeIndex: ReadonlyMap<string, number>;
}

export function makePlan(graph: Graph): GraphPlan {
  return {
    inputName: graph.inputs[0]!.name,
    outputName: graph.outputs[0]!,
    nodes: graph.nodes,
    inputsOf: graph.nodes.map(presentInputs),
    nodeIndex: new Map(graph.nodes.map((n, i) => [n.name, i])),
  };
}

/**
 * Indices of the nodes that must run to produce `targets` (tensor names), not descending into
 * nodes whose output is supplied (`supplied`: node indices of overridden nodes).
 */
export function nodesNeeded(plan: GraphPlan, targets: Iterable<string>, supplied: ReadonlySet<number>): Set<number> {
  const wanted = new Set<string>(targets);
  const needed = new Set<number>();
  for (let i = plan.nodes.length - 1; i >= 0; i--) {
    const out = plan.nodes[i]!.outputs[0]!;
    if (!wanted.has(out) || supplied.has(i)) continue;
    needed.add(i);
    for (const name of plan.inputsOf[i]!) wanted.add(name);
  }
  return needed;
}

/**
 * Tensors downstream of `sources` (tensor names), where overridden nodes (`cut`) do not pass
 * dependence from their inputs to their output (their output is a source itself when listed).
 */
export function tensorsDownstream(plan: GraphPlan, sources: Iterable<string>, cut: ReadonlySet<number>): Set<string> {
  const live = new Set<string>(sources);
  plan.nodes.forEach((node, i) => {
    if (cut.has(i)) return;
    if (plan.inputsOf[i]!.some((name) => live.has(name))) live.add(node.outputs[0]!);
  });
  return live;
}

/** Tensors from which `target` can be reached (the target included). */
export function tensorsUpstream(plan: GraphPlan, target: string): Set<string> {
  const up = new Set<string>([target]);
  for (let i = plan.nodes.length - 1; i >= 0; i--) {
    if (!up.has(plan.nodes[i]!.outputs[0]!)) continue;
    for (const name of plan.inputsOf[i]!) up.add(name);
  }
  return up;
}

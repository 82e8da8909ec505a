/**
 * Helpers for the methods that need more than an input gradient: chunked gradient requests with
 * layer taps / overrides / rules / reference inputs, access to the model's IR graph (for
 * rule assignment by node), and the capability checks that go with them.
 */
import type { GradientRequest, GradientResult, Model } from '../../model.js';
import type { Graph, GraphNode } from '../../ir/graph.js';
import type { Tensor } from '../../tensor.js';
import { CapabilityError, InvalidArgumentError } from '../../errors.js';
import { chunkRanges, seedsFor, type ModelCaller, type RowSeeds } from './caller.js';
import type { ResolvedTarget } from './common.js';

/** What a chunk of rows adds to its gradient request besides the seed. */
export type RequestExtras = Omit<GradientRequest, 'seed' | 'signal'>;

/**
 * Gradient requests over `rows` rows in chunks of at most `maxRows`: `build` makes the input
 * rows, `extras` the rest of the request (layer taps, overrides, rules, reference) for the same
 * rows; `consume` receives each chunk's result in row order. `target` is the whole expanded
 * target or lazy row seeds (expandedSeeds).
 */
export async function requestRows(
  ctx: ModelCaller,
  rows: number,
  maxRows: number,
  build: (start: number, end: number) => Tensor,
  target: ResolvedTarget | RowSeeds,
  extras: (start: number, end: number) => RequestExtras,
  consume: (start: number, end: number, res: GradientResult) => void,
): Promise<void> {
  for (const [s, e] of chunkRanges(rows, maxRows)) {
    const res = await ctx.request(build(s, e), { ...extras(s, e), seed: seedsFor(target, s, e) });
    consume(s, e, res);
  }
}

/** Throws CapabilityError unless the model can tap layers. */
export function requireLayers(model: Model, method: string): void {
  if (!model.capabilities.layers) {
    throw new CapabilityError(`${method} needs layer access (capability 'layers'), but the model (${model.backend}) does not provide it`);
  }
}

/** Throws CapabilityError unless the model honours propagation rules. */
export function requireRules(model: Model, method: string): void {
  if (!model.capabilities.rules) {
    throw new CapabilityError(`${method} needs propagation rules (capability 'rules'), but the model (${model.backend}) does not provide them`);
  }
}

/** Checks `layer` names a tappable layer; InvalidArgumentError listing the valid layers otherwise. */
export function checkLayerName(model: Model, layer: unknown, method: string, option = 'layer'): string {
  if (typeof layer !== 'string' || layer === '') {
    throw new InvalidArgumentError(`${method} needs a ${option} name (one of: ${model.layerNames.join(', ')})`);
  }
  if (!model.layerNames.includes(layer)) {
    throw new InvalidArgumentError(`${method}: unknown ${option} '${layer}'; valid layers: ${model.layerNames.join(', ')}`);
  }
  return layer;
}

/** The IR graph behind the model, when it exposes one (`model.graph` on IR-backed models). */
export function modelGraph(model: Model): Graph | undefined {
  const g = (model as { readonly graph?: unknown }).graph;
  if (g && typeof g === 'object' && Array.isArray((g as Graph).nodes)) return g as Graph;
  return undefined;
}

/** The model's IR graph, or CapabilityError naming the missing 'graph'. */
export function requireGraph(model: Model, method: string): Graph {
  const g = modelGraph(model);
  if (!g) {
    throw new CapabilityError(
      `${method} assigns rules to graph nodes and needs the model's IR graph (model.graph), which the model (${model.backend}) does not expose`,
    );
  }
  return g;
}

/** Graph nodes of the given op types, in graph order. */
export function nodesOfType(graph: Graph, ops: readonly string[]): GraphNode[] {
  return graph.nodes.filter((n) => ops.includes(n.op));
}

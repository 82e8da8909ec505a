/**
 * Gradients of a scalar defined on layer activations, on every IR-backed adapter.
 *
 * The Model contract seeds gradients at the OUTPUT. To get Σ_L ⟨S_L, ∂a_L/∂x⟩ (the input
 * gradient of any function of the layers a_L, linearised with S_L = its activation gradient), the
 * canonizer below rewrites the graph so that
 *
 *   seed_L = 0 · a_L                         (a node of a_L's shape, named `<layer>/fv_seed`)
 *   output = 0 · f(x) + Σ_L Σ (a_L ⊙ seed_L)  (broadcast to the output's shape)
 *
 * and every call passes `overrides: { '<layer>/fv_seed': S_L }` and the index seed 0: the
 * override replaces the seed node's value by S_L (a constant of the call: its own input is cut),
 * so ∂output/∂x = Σ_L S_Lᵀ ∂a_L/∂x exactly, the 0·f(x) branch contributing exact zeros (as the
 * neuron methods' canonizer, neuron-common.ts). The graph is fixed per layer list — adapters
 * build (and cache) one executor / ONNX session for it, whatever S_L is at each step. Needs
 * capabilities 'gradients', 'layers', 'rules' (canonizers) and `model.graph`.
 */
import type { Graph, GraphNode } from '../../ir/graph.js';
import type { Canonizer } from '../../rules/canonizers.js';
import { InvalidArgumentError } from '../../errors.js';
import { layerShapeOf } from '../neuron/neuron-common.js';

function takenNames(graph: Graph): Set<string> {
  return new Set([...graph.nodes.flatMap((n) => [n.name, ...n.outputs]), ...Object.keys(graph.initializers), ...graph.inputs.map((i) => i.name)]);
}

function unique(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** The canonizer and the override name of each layer's seed node. */
export function layerSeedCanonizer(graph: Graph, layers: readonly string[], outputRank: number): { canonizer: Canonizer; seedNodes: Map<string, string> } {
  const plan = (g: Graph) => {
    const taken = takenNames(g);
    return { taken, seeds: layers.map((l) => unique(taken, `${l}/fv_seed`)) };
  };
  const { seeds } = plan(graph);
  const canonizer: Canonizer = {
    name: `fv-layer-seed:${layers.join('|')}`,
    apply(g: Graph): Graph {
      const { taken, seeds: names } = plan(g);
      const zero = unique(taken, 'fv_seed/zero');
      const nodes: GraphNode[] = [];
      const mk = (op: GraphNode['op'], inputs: string[], attrs: GraphNode['attrs'], base: string): string => {
        const name = unique(taken, base);
        nodes.push({ name, op, inputs, outputs: [name], attrs });
        return name;
      };
      const sums = layers.map((layer, i) => {
        const node = g.nodes.find((n) => n.name === layer);
        if (!node) throw new InvalidArgumentError(`unknown layer '${layer}'`);
        const rank = layerShapeOf(g, layer).length;
        const a = node.outputs[0]!;
        nodes.push({ name: names[i]!, op: 'Mul', inputs: [a, zero], outputs: [names[i]!], attrs: {} });
        const prod = mk('Mul', [a, names[i]!], {}, `${layer}/fv_product`);
        return mk('ReduceSum', [prod], { axes: Array.from({ length: rank }, (_, k) => k + 1), keepdims: 0 }, `${layer}/fv_sum`);
      });
      let total = sums[0]!;
      for (const s of sums.slice(1)) total = mk('Add', [total, s], {}, 'fv_seed/total');
      const col = mk('Reshape', [total], { shape: [-1, ...new Array<number>(outputRank).fill(1)] }, 'fv_seed/column');
      const off = mk('Mul', [g.outputs[0]!, zero], {}, 'fv_seed/zero_output');
      const out = mk('Add', [off, col], {}, 'fv_seed/output');
      return {
        ...g,
        initializers: { ...g.initializers, [zero]: { shape: [1], data: new Float32Array(1) } },
        nodes: [...g.nodes, ...nodes],
        outputs: [out],
      };
    },
  };
  return { canonizer, seedNodes: new Map(layers.map((l, i) => [l, seeds[i]!])) };
}

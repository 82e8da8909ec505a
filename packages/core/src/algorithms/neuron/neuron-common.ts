/**
 * Shared machinery of the neuron methods: the neuron selector (a flat index or a multi-index
 * into the layer's per-example output), the canonizer that makes a neuron the seeded output, and
 * the validation body.
 *
 * The Model contract seeds gradients at the model OUTPUT only. A neuron's gradient ∂a_j/∂x is
 * obtained with a graph rewrite passed as `GradientRequest.canonizers` (supported by every
 * IR-backed adapter): the output becomes 0·f(x) + a_j(x), broadcast to the output's shape, so the
 * gradient of any output element is exactly ∂a_j/∂x (the 0·f(x) branch contributes exact zeros).
 * Hence the neuron methods need capabilities 'gradients', 'layers' and 'rules' (canonizers) and
 * `model.graph`.
 */
import type { Model } from '../../model.js';
import type { Graph, GraphNode } from '../../ir/graph.js';
import type { Canonizer } from '../../rules/canonizers.js';
import { inferGraphShapes } from '../../ir/validate.js';
import { sizeOf } from '../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { requireGraph, requireRules } from '../_utils/requests.js';
import { LayerMethod, type LayerOptions } from '../layer/layer-common.js';

export type NeuronSelector = number | readonly number[];

export interface NeuronOptions extends LayerOptions {
  /** Flat index into the layer's per-example output, or one index per layer dimension. */
  readonly neuron: NeuronSelector;
}

/** The layer's per-example output shape from the model's graph. */
export function layerShapeOf(graph: Graph, layer: string): number[] {
  const node = graph.nodes.find((n) => n.name === layer);
  if (!node) {
    throw new InvalidArgumentError(`unknown layer '${layer}' in the model graph; valid layers: ${graph.nodes.map((n) => n.name).join(', ')}`);
  }
  const shape = inferGraphShapes(graph)[node.outputs[0]!]!.slice(1);
  if (shape.some((d) => d < 0)) throw new ShapeError(`layer ${layer} has an unknown per-example shape [${shape.join(', ')}]`);
  return shape;
}

/** The flat index of a neuron in a layer of per-example shape `shape`. */
export function flatNeuron(neuron: unknown, shape: readonly number[]): number {
  const size = sizeOf(shape);
  if (typeof neuron === 'number') {
    if (!Number.isInteger(neuron) || neuron < 0 || neuron >= size) {
      throw new InvalidArgumentError(`neuron ${neuron} is not an integer flat index in [0, ${size}) for a layer of shape [${shape.join(', ')}]`);
    }
    return neuron;
  }
  if (Array.isArray(neuron)) {
    if (neuron.length !== shape.length) {
      throw new InvalidArgumentError(`neuron [${neuron.join(', ')}] needs ${shape.length} indices for a layer of shape [${shape.join(', ')}]`);
    }
    let flat = 0;
    neuron.forEach((v: unknown, d) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= shape[d]!) {
        throw new InvalidArgumentError(`neuron index ${String(v)} at dimension ${d} is outside [0, ${shape[d]})`);
      }
      flat = flat * shape[d]! + v;
    });
    return flat;
  }
  throw new InvalidArgumentError('neuron must be a flat index or a list of indices (one per layer dimension)');
}

function unique(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** A canonizer making the output 0·f(x) + a_j(x) (see the file comment). */
export function neuronCanonizer(layer: string, flat: number, outputRank: number): Canonizer {
  return {
    name: `neuron-output:${layer}:${flat}`,
    apply(graph: Graph): Graph {
      const node = graph.nodes.find((n) => n.name === layer);
      if (!node) throw new InvalidArgumentError(`unknown layer '${layer}'`);
      const shape = layerShapeOf(graph, layer);
      const taken = new Set([...graph.nodes.flatMap((n) => [n.name, ...n.outputs]), ...Object.keys(graph.initializers), ...graph.inputs.map((i) => i.name)]);
      const mask = unique(taken, `${layer}/neuron_mask`);
      const zero = unique(taken, `${layer}/neuron_zero`);
      const mk = (op: GraphNode['op'], inputs: string[], attrs: GraphNode['attrs'], base: string): GraphNode => {
        const name = unique(taken, base);
        return { name, op, inputs, outputs: [name], attrs };
      };
      const maskData = new Float32Array(sizeOf(shape));
      maskData[flat] = 1;
      const mul = mk('Mul', [node.outputs[0]!, mask], {}, `${layer}/neuron_select`);
      const sum = mk('ReduceSum', [mul.outputs[0]!], { axes: shape.map((_, i) => i + 1), keepdims: 0 }, `${layer}/neuron_value`);
      const col = mk('Reshape', [sum.outputs[0]!], { shape: [-1, ...new Array<number>(outputRank).fill(1)] }, `${layer}/neuron_column`);
      const off = mk('Mul', [graph.outputs[0]!, zero], {}, `${layer}/neuron_zero_output`);
      const out = mk('Add', [off.outputs[0]!, col.outputs[0]!], {}, `${layer}/neuron_output`);
      return {
        ...graph,
        initializers: { ...graph.initializers, [mask]: { shape: [1, ...shape], data: maskData }, [zero]: { shape: [1], data: new Float32Array(1) } },
        nodes: [...graph.nodes, mul, sum, col, off, out],
        outputs: [out.outputs[0]!],
      };
    },
  };
}

/** Base of the neuron methods: the layer checks plus 'rules', the graph and the neuron. */
export abstract class NeuronMethod<O extends NeuronOptions> extends LayerMethod<O> {
  /** Set by validateOptions: the neuron's flat index and its canonizer. */
  protected neuronOf(model: Model, options: O): { flat: number; canonizer: Canonizer; layerSize: number } {
    const graph = requireGraph(model, this.id);
    const shape = layerShapeOf(graph, options.layer);
    const flat = flatNeuron(options.neuron, shape);
    return { flat, canonizer: neuronCanonizer(options.layer, flat, model.outputShape.length), layerSize: sizeOf(shape) };
  }

  validateOptions(options: O): void {
    requireRules(this.model, this.id);
    this.neuronOf(this.model, options);
    this.validateMore(options);
  }

  protected validateMore(_options: O): void {}
}

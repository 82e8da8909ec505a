/**
 * Floating-point operations of a graph, per example, counted from the IR's inferred shapes: what
 * one forward pass costs, and what one backward pass to the input costs (the vector–Jacobian
 * product every gradient method runs). Benchmarks divide these counts by measured time to report
 * achieved GFLOP/s against the machine's own peak.
 *
 * Convention (docs/benchmarks.md, "FLOPs"):
 * - One multiply-add is 2 FLOPs. `multiplyAdds` also reports the multiply-adds of the linear ops
 *   alone (Conv, ConvTranspose, Gemm, MatMul): the figure torchvision and most papers print as
 *   "GFLOPS" (torchvision's ResNet-18 "1.81 GFLOPS" is 1.81 G multiply-adds = 3.6 GFLOP here).
 * - A bias, an element-wise op (add, compare, transcendental alike) is 1 FLOP per output element;
 *   BatchNormalization (inference) 2, Softmax 5, LayerNormalization 8 per element; MaxPool one
 *   compare per window element; average pooling one add per window element. Shape and copy ops
 *   (Reshape, Flatten, Transpose, Concat, Slice, Gather, Pad, Identity, Dropout, Cast, ...) are 0.
 * - Backward counts the input-gradient VJP only: Glasswing never computes weight gradients. A
 *   convolution's input gradient is a transposed convolution of the same multiply-adds (depthwise
 *   and grouped included); Gemm/MatMul's is one product of the same size per input that depends on
 *   the graph input (2 for attention-style MatMul of two activations). Element-wise and pooling
 *   VJPs cost ≈ 1 FLOP per element they touch (Softmax 4, LayerNormalization 8). Nodes that do not
 *   depend on the graph input have no backward. Bias gradients are not counted (not needed).
 * These are estimates of arithmetic, not of memory traffic: element-wise ops are usually memory
 * bound, so FLOP/s is meaningful for Conv/Gemm-heavy graphs.
 */
import { InvalidArgumentError } from '../errors.js';
import { attrInts, attrLayout, attrNumber, type Graph, type GraphNode, type OpType } from './graph.js';
import { presentInputs, inferGraphShapes } from './validate.js';

export interface NodeFlops {
  readonly node: string;
  readonly op: OpType;
  /** FLOPs of the node's forward, per example. */
  readonly forward: number;
  /** FLOPs of the node's input-gradient VJP, per example (0 when it does not depend on the input). */
  readonly backward: number;
  /** Multiply-adds of a linear op (Conv, ConvTranspose, Gemm, MatMul) per example; 0 otherwise. */
  readonly multiplyAdds: number;
}

export interface GraphFlops {
  /** Forward FLOPs per example. */
  readonly forward: number;
  /** Input-gradient (VJP) FLOPs per example; a gradient call costs forward + backward. */
  readonly backward: number;
  /** Multiply-adds of the linear ops per example (the figure papers call "FLOPs" / "MACs"). */
  readonly multiplyAdds: number;
  /** Per node, in graph order. */
  readonly nodes: readonly NodeFlops[];
  /** Totals per op type. */
  readonly byOp: Readonly<Partial<Record<OpType, { forward: number; backward: number }>>>;
}

export interface FlopOptions {
  /**
   * Per-example input shape (without the batch dimension), for graphs whose input has dynamic
   * dimensions (-1). Default: the graph input's own shape.
   */
  readonly inputShape?: readonly number[];
}

const ZERO_COST: ReadonlySet<OpType> = new Set<OpType>([
  'Flatten',
  'Reshape',
  'Transpose',
  'Concat',
  'Identity',
  'Dropout',
  'Squeeze',
  'Unsqueeze',
  'Slice',
  'Gather',
  'Pad',
  'Cast',
]);

const size = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/** Forward, backward and multiply-adds of one node, from its input and output shapes (batch 1). */
function nodeCost(node: GraphNode, ins: readonly (readonly number[])[], outs: readonly (readonly number[])[], live: readonly boolean[]): Omit<NodeFlops, 'node' | 'op'> {
  const out = outs[0] ?? [];
  const outN = size(out);
  const inN = ins[0] ? size(ins[0]) : 0;
  const liveData = live[0] === true;
  switch (node.op) {
    case 'Conv': {
      const w = ins[1]!;
      const nchw = attrLayout(node) === 'NCHW';
      const cinPerGroup = nchw ? w[1]! : w[2]!;
      const k = nchw ? w[2]! * w[3]! : w[0]! * w[1]!;
      const macs = outN * cinPerGroup * k;
      return { forward: 2 * macs + (ins[2] ? outN : 0), backward: liveData ? 2 * macs : 0, multiplyAdds: macs };
    }
    case 'ConvTranspose': {
      const w = ins[1]!;
      const nchw = attrLayout(node) === 'NCHW';
      const coutPerGroup = nchw ? w[1]! : w[2]!;
      const k = nchw ? w[2]! * w[3]! : w[0]! * w[1]!;
      const macs = inN * coutPerGroup * k;
      return { forward: 2 * macs + (ins[2] ? outN : 0), backward: liveData ? 2 * macs : 0, multiplyAdds: macs };
    }
    case 'Gemm': {
      const a = ins[0]!;
      const transA = attrNumber(node, 'transA', 0) !== 0;
      const kDim = transA ? a[0]! : a[1]!;
      const macs = outN * kDim;
      const grads = (live[0] ? 1 : 0) + (live[1] ? 1 : 0);
      return { forward: 2 * macs + (ins[2] ? outN : 0), backward: 2 * macs * grads, multiplyAdds: macs };
    }
    case 'MatMul': {
      const a = ins[0]!;
      const kDim = a[a.length - 1]!;
      const macs = outN * kDim;
      const grads = (live[0] ? 1 : 0) + (live[1] ? 1 : 0);
      return { forward: 2 * macs, backward: 2 * macs * grads, multiplyAdds: macs };
    }
    case 'MaxPool':
    case 'AveragePool': {
      const [kh, kw] = attrInts(node, 'kernel_shape', [1, 1]);
      const window = kh! * kw!;
      const back = node.op === 'MaxPool' ? outN : outN * window;
      return { forward: outN * window, backward: liveData ? back : 0, multiplyAdds: 0 };
    }
    case 'GlobalAveragePool':
    case 'ReduceMean':
    case 'ReduceSum':
      return { forward: inN, backward: liveData ? inN : 0, multiplyAdds: 0 };
    case 'BatchNormalization':
      return { forward: 2 * outN, backward: liveData ? outN : 0, multiplyAdds: 0 };
    case 'Softmax':
    case 'LogSoftmax':
      return { forward: 5 * outN, backward: liveData ? 4 * outN : 0, multiplyAdds: 0 };
    case 'LayerNormalization':
      return { forward: 8 * outN, backward: liveData ? 8 * outN : 0, multiplyAdds: 0 };
    default: {
      if (ZERO_COST.has(node.op)) return { forward: 0, backward: 0, multiplyAdds: 0 };
      // Element-wise (unary activations and binary arithmetic): 1 FLOP per output element, and
      // ≈ 1 per output element for each input that carries a gradient.
      const grads = live.filter(Boolean).length;
      return { forward: outN, backward: outN * grads, multiplyAdds: 0 };
    }
  }
}

/**
 * FLOPs per example of a graph's forward pass and of its input-gradient backward pass (see the
 * header for the convention). Throws InvalidArgumentError when a per-example dimension is unknown
 * (pass `inputShape`) or `inputShape` is malformed.
 */
export function countFlops(graph: Graph, options: FlopOptions = {}): GraphFlops {
  const input = graph.inputs[0];
  if (!input) throw new InvalidArgumentError('countFlops: the graph has no input');
  const perExample = options.inputShape ?? input.shape.slice(1);
  if (perExample.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(
      options.inputShape
        ? `countFlops: inputShape must be positive integers, got [${perExample.join(', ')}]`
        : `countFlops: the graph input ${input.name} has unknown dimensions [${input.shape.join(', ')}]; pass inputShape (per example, without the batch)`,
    );
  }
  if (options.inputShape && options.inputShape.length !== input.shape.length - 1) {
    throw new InvalidArgumentError(
      `countFlops: inputShape [${perExample.join(', ')}] must have ${input.shape.length - 1} dimensions (the graph input is [${input.shape.join(', ')}])`,
    );
  }
  const fixed: Graph = { ...graph, inputs: [{ name: input.name, shape: [1, ...perExample] }, ...graph.inputs.slice(1)] };
  const shapes = inferGraphShapes(fixed);
  const liveTensors = new Set<string>([input.name]);
  const nodes: NodeFlops[] = [];
  const byOp: Partial<Record<OpType, { forward: number; backward: number }>> = {};
  let forward = 0;
  let backward = 0;
  let multiplyAdds = 0;
  for (const node of graph.nodes) {
    const names = presentInputs(node);
    const live = names.map((n) => liveTensors.has(n));
    if (live.some(Boolean)) for (const o of node.outputs) liveTensors.add(o);
    const cost = nodeCost(
      node,
      names.map((n) => shapes[n]!),
      node.outputs.map((o) => shapes[o] ?? []),
      live,
    );
    nodes.push({ node: node.name, op: node.op, ...cost });
    forward += cost.forward;
    backward += cost.backward;
    multiplyAdds += cost.multiplyAdds;
    const entry = (byOp[node.op] ??= { forward: 0, backward: 0 });
    entry.forward += cost.forward;
    entry.backward += cost.backward;
  }
  return { forward, backward, multiplyAdds, nodes, byOp };
}

import type { Graph } from '@glasswing/core';

/** One graph of the conformance suite, with what the checks need to know about it. */
export interface ConformanceGraph {
  /** Short stable id, used in test names (`<id>/<check>`). */
  readonly id: string;
  readonly description: string;
  readonly graph: Graph;
  /** Per-example input shape (no batch dimension). */
  readonly inputShape: readonly number[];
  /** Per-example output size (flattened). */
  readonly outputSize: number;
  /** Layers (node names) tapped by the layer checks. */
  readonly taps: readonly string[];
  /** A layer every input→output path passes through: overriding it determines the output. */
  readonly cut: string;
  /** The graph's Relu nodes (targets of the guided-ReLU rule). */
  readonly reluNodes: readonly string[];
  /**
   * The attention Softmax nodes planted in the graph, in layer order (graphs with attention only):
   * `findAttentionNodes` must find exactly these.
   */
  readonly attentionNodes?: readonly string[];
}

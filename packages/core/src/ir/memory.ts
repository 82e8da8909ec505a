/**
 * Activation memory of a graph, from its inferred shapes: what one example (row) of a model call
 * keeps alive. Adapters size their default chunk from it and a per-backend budget, so that no
 * default call exhausts the backend's memory (docs/architecture.md, "Memory bounds").
 */
import type { Graph } from './graph.js';
import { inferGraphShapes } from './validate.js';
import { InvalidArgumentError } from '../errors.js';

/** Values of each node output for one row (unknown non-batch dimensions count as 1). */
function outputValuesPerRow(graph: Graph): number[] {
  const shapes = inferGraphShapes(graph);
  const sizes: number[] = [];
  for (const node of graph.nodes) {
    for (const out of node.outputs) {
      const s = shapes[out];
      if (s) sizes.push(s.slice(1).reduce((a, d) => a * Math.max(d, 1), 1));
    }
  }
  return sizes;
}

/** Bytes of every node output (float32) for one row; unknown non-batch dimensions count as 1. */
export function activationBytesPerRow(graph: Graph): number {
  return outputValuesPerRow(graph).reduce((a, v) => a + v, 0) * 4;
}

/** Values (elements) of the largest single node output for one row: what a backend bounding tensor sizes must fit. */
export function largestOutputPerRow(graph: Graph): number {
  return outputValuesPerRow(graph).reduce((a, v) => Math.max(a, v), 1);
}

export interface RowBudget {
  /** Bytes one call may use. */
  readonly budgetBytes: number;
  /** Peak bytes of a call per byte of node outputs (a gradient call keeps the forward values and its own). */
  readonly factor: number;
  /** Most rows whatever the memory (default: unlimited). */
  readonly maxRows?: number;
}

/** Rows per call that keep `factor × activationBytesPerRow(graph)` per row within the budget (at least 1). */
export function rowsWithinBudget(graph: Graph, budget: RowBudget): number {
  const { budgetBytes, factor } = budget;
  if (!(budgetBytes > 0) || !(factor > 0)) throw new InvalidArgumentError(`a row budget needs positive bytes and factor, got ${budgetBytes} and ${factor}`);
  const perRow = Math.max(1, activationBytesPerRow(graph) * factor);
  return Math.max(1, Math.min(budget.maxRows ?? Infinity, Math.floor(budgetBytes / perRow)));
}

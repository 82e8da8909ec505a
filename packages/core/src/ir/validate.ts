import type { Graph } from './graph.js';

export function validateGraph(_graph: Graph): void {
  throw new Error('not implemented yet');
}

export function inferGraphShapes(_graph: Graph): Record<string, number[]> {
  throw new Error('not implemented yet');
}

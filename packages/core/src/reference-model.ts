import type { Graph } from './ir/graph.js';
import type { Model } from './model.js';

/** A Model over the pure-JS reference kernels. */
export function createReferenceModel(_graph: Graph): Model {
  throw new Error('not implemented yet');
}

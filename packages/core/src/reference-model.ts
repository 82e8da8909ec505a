/** A Model over the pure-JS reference kernels (host tensors; no memory scoping needed). */
import { GraphModel } from './graph-model.js';
import type { Graph } from './ir/graph.js';
import type { Model } from './model.js';
import { referenceKernels } from './reference/index.js';

export function createReferenceModel(graph: Graph): Model {
  return new GraphModel(graph, { kernels: referenceKernels, name: 'reference' });
}

/**
 * A Model over the pure-JS reference kernels (host tensors; no memory scoping needed), in chunks of
 * at most `maxBatch` rows (default: as many as keep REFERENCE_ROW_FACTOR × the node outputs per row
 * within REFERENCE_ROW_BUDGET_BYTES; results do not depend on it).
 */
import { ChunkedModel } from './chunked-model.js';
import { GraphModel } from './graph-model.js';
import type { Graph } from './ir/graph.js';
import { rowsWithinBudget } from './ir/memory.js';
import type { Model } from './model.js';
import { referenceKernels } from './reference/index.js';

/** JS heap (Float32Arrays) one reference call may use by default. */
export const REFERENCE_ROW_BUDGET_BYTES = 2 ** 31;
/**
 * Peak bytes of a reference gradient call per byte of node outputs, rounded up: measured 1.7–1.8
 * (nsfwjs MobileNetV2 / InceptionV3, IG over 8 rows: 145 / 220 MB a row).
 */
export const REFERENCE_ROW_FACTOR = 2;
/** Most rows per call whatever the memory. */
const REFERENCE_MAX_ROWS = 16_384;

export interface ReferenceModelOptions {
  /** Rows per executor call; larger calls are chunked (default: from the activation memory). */
  readonly maxBatch?: number;
}

export function createReferenceModel(graph: Graph, options: ReferenceModelOptions = {}): Model {
  const inner = new GraphModel(graph, { kernels: referenceKernels, name: 'reference' });
  const maxBatch =
    options.maxBatch ?? rowsWithinBudget(graph, { budgetBytes: REFERENCE_ROW_BUDGET_BYTES, factor: REFERENCE_ROW_FACTOR, maxRows: REFERENCE_MAX_ROWS });
  return new ChunkedModel(inner, maxBatch);
}

/** A Glasswing Model running a core Graph on TensorFlow.js through core's GraphModel. */
import { GraphModel, inferGraphShapes, type Graph, type Model } from '@glasswing/core';
import { initTfjsBackend, type TfjsBackendName } from './backend.js';
import { tfjsBinding } from './binding.js';
import { ChunkedModel } from './chunked-model.js';

export interface TfjsModelOptions {
  /** Default 'cpu'. The backend is initialised (and made the active tfjs backend). */
  readonly backend?: TfjsBackendName;
  /**
   * Larger batches run in chunks of this many examples (results are identical). Bounds memory and
   * is faster on wasm. Default: 128, or fewer for large graphs (`defaultMaxBatch`).
   */
  readonly maxBatch?: number;
}

export const DEFAULT_MAX_BATCH = 128;

/** Activation memory one chunk may keep alive by default (wasm heaps end at 4 GiB). */
export const DEFAULT_CHUNK_BYTES = 2 ** 30;

/**
 * A gradient call keeps every value of the forward and backward pass alive until it ends (one
 * tf.tidy): measured ~16× the node outputs (VJP values and kernel temporaries; e.g. 1.3 GB of wasm
 * heap for one 224×224 MobileNetV2 example, 72 MB of node outputs).
 */
const LIVE_FACTOR = 16;

/** 128, or as many examples as keep one chunk's activations within DEFAULT_CHUNK_BYTES (at least 1). */
export function defaultMaxBatch(graph: Graph): number {
  const shapes = inferGraphShapes(graph);
  let floats = 0;
  for (const node of graph.nodes) {
    for (const o of node.outputs) {
      const s = shapes[o];
      if (s) floats += s.slice(1).reduce((a, d) => a * Math.max(d, 1), 1);
    }
  }
  const perExample = Math.max(1, floats * 4 * LIVE_FACTOR);
  return Math.max(1, Math.min(DEFAULT_MAX_BATCH, Math.floor(DEFAULT_CHUNK_BYTES / perExample)));
}

/** GraphModel whose dispose also frees the kernels' cached transformed weights. */
class TfjsGraphModel extends GraphModel<import('@tensorflow/tfjs-core').Tensor> {
  private readonly freeCache: () => void;
  constructor(graph: Graph, backend: TfjsBackendName) {
    const binding = tfjsBinding(backend);
    super(graph, binding);
    this.freeCache = () => binding.kernels.dispose();
  }
  override dispose(): void {
    super.dispose();
    this.freeCache();
  }
}

export async function createTfjsModel(graph: Graph, options: TfjsModelOptions = {}): Promise<Model> {
  const backend = options.backend ?? 'cpu';
  await initTfjsBackend(backend);
  return new ChunkedModel(new TfjsGraphModel(graph, backend), options.maxBatch ?? defaultMaxBatch(graph));
}

/** A Glasswing Model running a core Graph on TensorFlow.js through core's GraphModel. */
import { GraphModel, type Graph, type Model } from '@glasswing/core';
import { initTfjsBackend, type TfjsBackendName } from './backend.js';
import { tfjsBinding } from './binding.js';
import { ChunkedModel } from './chunked-model.js';

export interface TfjsModelOptions {
  /** Default 'cpu'. The backend is initialised (and made the active tfjs backend). */
  readonly backend?: TfjsBackendName;
  /**
   * Larger batches run in chunks of this many examples (default 128; results are identical).
   * Bounds memory and is faster on wasm.
   */
  readonly maxBatch?: number;
}

export const DEFAULT_MAX_BATCH = 128;

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
  return new ChunkedModel(new TfjsGraphModel(graph, backend), options.maxBatch ?? DEFAULT_MAX_BATCH);
}

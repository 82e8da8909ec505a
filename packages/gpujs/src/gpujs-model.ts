/** A Glasswing Model running a core Graph on gpu.js through core's GraphModel. */
import { ChunkedModel, GraphModel, largestOutputPerRow, type Graph } from '@glasswing/core';
import { MAX_EXACT_INDEX } from './kernels/source.js';
import { gpujsBinding } from './binding.js';
import type { GpujsModeRequest } from './modes.js';
import { GpujsRuntime } from './runtime.js';
import type { GpuTensor } from './tensor.js';

export interface GpujsModelOptions {
  /**
   * gpu.js mode: 'auto' (default) picks the best that starts here (headlessgl / webgl2 / webgl,
   * then webasm, then cpu) and reports it as `model.backend` ('gpujs-webasm'); an explicit mode
   * that cannot start throws GpujsModeError.
   */
  readonly mode?: GpujsModeRequest;
  /** Compiled kernels kept (default 256); all are destroyed on dispose. */
  readonly maxKernels?: number;
  /**
   * Rows per kernel call; larger calls are chunked (results do not depend on it). Default: as many
   * as keep every tensor within gpu.js' exact float32 index range (2^24 elements) with a 2x margin
   * for the backward pass's intermediates — nsfwjs InceptionV3 299: 6 rows, MobileNetV2 224: 10.
   */
  readonly maxBatch?: number;
}

/** Headroom over the largest node output for intermediates (padded inputs, upsampled gradients). */
export const GPUJS_ROW_FACTOR = 2;

/** Default rows per call: every tensor stays within 2^24 elements (at least 1 row; bigger rows are refused by the kernels with a CapabilityError). */
export function gpujsRowsPerCall(graph: Graph): number {
  return Math.max(1, Math.floor(MAX_EXACT_INDEX / (GPUJS_ROW_FACTOR * largestOutputPerRow(graph))));
}

/** GraphModel whose dispose also destroys its compiled kernels and the gpu.js instance. */
export class GpujsGraphModel extends GraphModel<GpuTensor> {
  readonly runtime: GpujsRuntime;
  constructor(graph: Graph, runtime: GpujsRuntime) {
    super(graph, gpujsBinding(runtime));
    this.runtime = runtime;
  }
  override dispose(): void {
    super.dispose();
    this.runtime.dispose();
  }
}

/** What `createGpujsModel` returns: the graph model in chunks of `maxRowsPerCall` rows, with its gpu.js runtime (mode, onDevice). */
export class GpujsModel extends ChunkedModel {
  readonly runtime: GpujsRuntime;
  constructor(inner: GpujsGraphModel, maxBatch: number) {
    super(inner, maxBatch);
    this.runtime = inner.runtime;
  }
}

export async function createGpujsModel(graph: Graph, options: GpujsModelOptions = {}): Promise<GpujsModel> {
  const runtime = new GpujsRuntime({ mode: options.mode ?? 'auto', ...(options.maxKernels ? { maxKernels: options.maxKernels } : {}) });
  try {
    return new GpujsModel(new GpujsGraphModel(graph, runtime), options.maxBatch ?? gpujsRowsPerCall(graph));
  } catch (e) {
    runtime.dispose();
    throw e;
  }
}

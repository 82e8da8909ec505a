/** A Glasswing Model running a core Graph on gpu.js through core's GraphModel. */
import { GraphModel, type Graph, type Model } from '@glasswing/core';
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

export async function createGpujsModel(graph: Graph, options: GpujsModelOptions = {}): Promise<Model> {
  const runtime = new GpujsRuntime({ mode: options.mode ?? 'auto', ...(options.maxKernels ? { maxKernels: options.maxKernels } : {}) });
  try {
    return new GpujsGraphModel(graph, runtime);
  } catch (e) {
    runtime.dispose();
    throw e;
  }
}

/**
 * The BackendBinding that runs core's GraphModel on gpu.js: our kernels over GpuTensor, `scope`
 * frees the textures a call allocated except those it returns, `release` frees returned ones
 * once read. On cpu / webasm values are plain arrays and both are no-ops (GC).
 */
import type { BackendBinding, Tensor } from '@glasswing/core';
import { createGpujsKernels, type GpujsKernels } from './kernels/index.js';
import type { GpujsRuntime } from './runtime.js';
import type { GpuTensor } from './tensor.js';

export interface GpujsBinding extends BackendBinding<GpuTensor> {
  readonly kernels: GpujsKernels;
  readonly runtime: GpujsRuntime;
}

export function gpujsBinding(runtime: GpujsRuntime): GpujsBinding {
  const kernels = createGpujsKernels(runtime);
  return {
    kernels,
    runtime,
    name: `gpujs-${runtime.mode}`,
    scope: <R>(fn: () => R): R => runtime.scope(fn),
    read: (t: GpuTensor): Promise<Tensor> => Promise.resolve(kernels.toHost(t)),
    release: (value: unknown) => runtime.release(value),
  };
}

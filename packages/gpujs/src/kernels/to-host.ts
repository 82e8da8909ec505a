/** Device tensor back to the host (the only read back; everything else stays on the device). */
import type { Tensor } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';

export function toHost(rt: GpujsRuntime, t: GpuTensor): Tensor {
  return { shape: [...t.shape], data: rt.download(t) };
}

/** Host tensor onto the device (a texture on GL modes). */
import { ShapeError, type Tensor } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { checkSize, fmt } from './source.js';

export function fromHost(rt: GpujsRuntime, t: Tensor): GpuTensor {
  const n = checkSize('fromHost', t.shape);
  if (!(t.data instanceof Float32Array) || t.data.length !== n) {
    throw new ShapeError(`fromHost: data of length ${t.data?.length} does not fill shape ${fmt(t.shape)}`);
  }
  return rt.upload([...t.shape], t.data);
}

/** The adapter's device value: a shape and its float32 data (a gpu.js Texture on GL modes, a Float32Array otherwise). */
import type { Texture } from 'gpu.js';

export type GpuData = Float32Array | Texture;

export class GpuTensor {
  /** Elements (product of the shape). */
  readonly size: number;
  constructor(
    readonly shape: readonly number[],
    /** null only for tensors with no elements. */
    readonly data: GpuData | null,
  ) {
    this.size = shape.reduce((a, d) => a * d, 1);
  }
}

export function isTexture(d: GpuData | null): d is Texture {
  return d !== null && !(d instanceof Float32Array);
}

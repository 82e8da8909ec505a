import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@glasswing/core';

/** Synchronous read back as a float32 host tensor (a copy: backends may hand out their own buffer). */
export function toHost(t: tf.Tensor): Tensor {
  const values = t.dataSync();
  return { shape: [...t.shape], data: Float32Array.from(values) };
}

/** Asynchronous read back (what the binding uses). */
export async function readHost(t: tf.Tensor): Promise<Tensor> {
  const values = await t.data();
  return { shape: [...t.shape], data: Float32Array.from(values) };
}

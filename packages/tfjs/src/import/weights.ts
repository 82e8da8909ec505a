/** Decode the weight manifest + weight bytes into host tensors (float32 only, little-endian). */
import { ModelFormatError, type Tensor } from '@glasswing/core';
import type { LayersArtifacts } from './artifacts.js';

export function decodeWeights(artifacts: LayersArtifacts): Map<string, Tensor> {
  const where = artifacts.source ? ` in ${artifacts.source}` : '';
  const specs = artifacts.weightSpecs;
  if (!Array.isArray(specs)) throw new ModelFormatError(`weight specs${where} must be a list`);
  const raw = artifacts.weightData;
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Tensor>();
  let offset = 0;
  for (const spec of specs as readonly unknown[]) {
    const s = spec as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown };
    if (typeof s?.name !== 'string') throw new ModelFormatError(`a weight spec${where} has no name`);
    const shape = s.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      throw new ModelFormatError(`weight ${s.name}${where} has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (s.quantization != null) {
      throw new ModelFormatError(`weight ${s.name}${where} is quantized; only float32 weights are supported`);
    }
    if (s.dtype !== 'float32') {
      throw new ModelFormatError(`weight ${s.name}${where} has dtype ${String(s.dtype)}; only float32 weights are supported`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const need = offset + 4 * count;
    if (need > bytes.byteLength) {
      throw new ModelFormatError(
        `weight data${where} is truncated: weight ${s.name} needs bytes ${offset}..${need} but only ${bytes.byteLength} bytes are present`,
      );
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    if (out.has(s.name)) throw new ModelFormatError(`weight ${s.name}${where} appears twice in the manifest`);
    out.set(s.name, { shape: [...(shape as number[])], data });
    offset = need;
  }
  if (offset !== bytes.byteLength) {
    throw new ModelFormatError(
      `weight data${where} has ${bytes.byteLength} bytes but the manifest describes ${offset}; the files do not match`,
    );
  }
  return out;
}

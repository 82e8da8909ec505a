/**
 * Decode the weight manifest + weight bytes into host float32 tensors, exactly as tfjs-core's
 * `tf.io.decodeWeights` does:
 * - float32 (and int32, converted to float when exactly representable), little-endian;
 * - affine-quantized uint8 / uint16 (`quantization: {dtype, scale, min}`): v = q·scale + min,
 *   computed in double precision and rounded to float32 (int32 weights: rounded to an integer);
 * - float16 (`quantization: {dtype: 'float16'}`), decoded bit-exactly with tfjs' lookup tables.
 * The weights of all manifest groups follow each other in the bytes, in manifest order (the shards
 * of one group, then the next group's), so several groups and several shards per group are one
 * concatenated byte string.
 */
import { ModelFormatError, type Tensor } from '@glasswing/core';
import type { LayersArtifacts } from './artifacts.js';

type Quantized = 'uint8' | 'uint16' | 'float16';
const QUANTIZED_BYTES: Readonly<Record<Quantized, number>> = { uint8: 1, uint16: 2, float16: 2 };
const PLAIN_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4 };

interface Quantization {
  readonly dtype: Quantized;
  readonly scale: number;
  readonly min: number;
}

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
    const name = s.name;
    const shape = s.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      throw new ModelFormatError(`weight ${name}${where} has an invalid shape ${JSON.stringify(shape)}`);
    }
    const dtype = s.dtype;
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new ModelFormatError(`weight ${name}${where} has dtype ${String(dtype)}; supported weight dtypes are float32 and int32`);
    }
    const q = s.quantization == null ? undefined : quantizationOf(name, where, dtype, s.quantization);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = q ? QUANTIZED_BYTES[q.dtype] : PLAIN_BYTES[dtype]!;
    const need = offset + width * count;
    if (need > bytes.byteLength) {
      throw new ModelFormatError(
        `weight data${where} is truncated: weight ${name} needs bytes ${offset}..${need} but only ${bytes.byteLength} bytes are present`,
      );
    }
    const data = q ? dequantize(view, offset, count, q, dtype) : plain(view, offset, count, dtype, name, where);
    if (out.has(name)) throw new ModelFormatError(`weight ${name}${where} appears twice in the manifest`);
    out.set(name, { shape: [...(shape as number[])], data });
    offset = need;
  }
  if (offset !== bytes.byteLength) {
    throw new ModelFormatError(
      `weight data${where} has ${bytes.byteLength} bytes but the manifest describes ${offset}; the files do not match`,
    );
  }
  return out;
}

function quantizationOf(name: string, where: string, dtype: 'float32' | 'int32', raw: unknown): Quantization {
  const q = raw as { dtype?: unknown; scale?: unknown; min?: unknown; original_dtype?: unknown };
  if (typeof q !== 'object' || q === null) throw new ModelFormatError(`weight ${name}${where} has a malformed quantization entry`);
  const qd = q.dtype;
  if (qd !== 'uint8' && qd !== 'uint16' && qd !== 'float16') {
    throw new ModelFormatError(
      `weight ${name}${where} has unknown quantization dtype ${JSON.stringify(qd)}; supported: 'uint8', 'uint16', 'float16'`,
    );
  }
  // Newer converters also record the dtype the weight had before quantization.
  if (q.original_dtype !== undefined && q.original_dtype !== dtype) {
    throw new ModelFormatError(`weight ${name}${where} has dtype ${dtype} but quantization.original_dtype ${JSON.stringify(q.original_dtype)}`);
  }
  if (qd === 'float16') {
    if (dtype !== 'float32') throw new ModelFormatError(`weight ${name}${where} is float16-quantized, which only supports float32 weights (not ${dtype})`);
    return { dtype: qd, scale: 1, min: 0 };
  }
  if (typeof q.scale !== 'number' || typeof q.min !== 'number' || !Number.isFinite(q.scale) || !Number.isFinite(q.min)) {
    throw new ModelFormatError(`weight ${name}${where} with quantization ${qd} needs finite numbers 'scale' and 'min'`);
  }
  return { dtype: qd, scale: q.scale, min: q.min };
}

function dequantize(view: DataView, offset: number, count: number, q: Quantization, dtype: 'float32' | 'int32'): Float32Array {
  const data = new Float32Array(count);
  if (q.dtype === 'float16') {
    for (let i = 0; i < count; i++) data[i] = float16ToFloat32(view.getUint16(offset + 2 * i, true));
    return data;
  }
  const round = dtype === 'int32';
  for (let i = 0; i < count; i++) {
    const v = q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
    const x = v * q.scale + q.min;
    data[i] = round ? Math.round(x) : x;
  }
  return data;
}

function plain(view: DataView, offset: number, count: number, dtype: 'float32' | 'int32', name: string, where: string): Float32Array {
  const data = new Float32Array(count);
  if (dtype === 'float32') {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    return data;
  }
  for (let i = 0; i < count; i++) {
    const v = view.getInt32(offset + 4 * i, true);
    if (Math.abs(v) > 2 ** 24) throw new ModelFormatError(`int32 weight ${name}${where} holds ${v}, which float32 cannot represent exactly`);
    data[i] = v;
  }
  return data;
}

/** IEEE half -> float (bit-exact, as tfjs' table decoder: subnormals, ±0, ±Inf and NaN payloads kept). */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function float16ToFloat32(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  let bits: number;
  if (exp === 0) {
    if (mant === 0) bits = sign;
    else {
      // Subnormal: normalise.
      let e = 113; // 127 − 15 + 1
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      bits = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp === 31) bits = sign | 0x7f800000 | (mant << 13);
  else bits = sign | ((exp + 112) << 23) | (mant << 13);
  u32[0] = bits >>> 0;
  return f32[0]!;
}

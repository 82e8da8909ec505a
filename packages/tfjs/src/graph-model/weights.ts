/**
 * Weights of a graph model: every Const node's value, by node name. float32 / int32 weights (plain
 * or quantized) are decoded by the LayersModel decoder (../import/weights.ts); bool weights (one
 * byte each) and string weights (uint32 length + bytes each) are cut out of the byte stream first.
 */
import { ModelFormatError } from '@glasswing/core';
import type { WeightSpec } from '../import/artifacts.js';
import { decodeWeights } from '../import/weights.js';
import type { GraphModelArtifacts } from './artifacts.js';
import { arr, sizeOf, type ConstArr } from './values.js';

const QUANT_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

function widthOf(s: WeightSpec, where: string): number | undefined {
  const q = s.quantization as { dtype?: unknown } | undefined | null;
  if (q != null) {
    const w = QUANT_BYTES[String(q.dtype)];
    if (w === undefined) return undefined; // let decodeWeights name the problem
    return w;
  }
  if (s.dtype === 'float32' || s.dtype === 'int32') return 4;
  if (s.dtype === 'bool') return 1;
  throw new ModelFormatError(`weight ${s.name}${where} has dtype ${String(s.dtype)}; graph-model weights must be float32, int32, bool or string`);
}

export function decodeGraphWeights(artifacts: GraphModelArtifacts): Map<string, ConstArr> {
  const where = artifacts.source ? ` in ${artifacts.source}` : '';
  const raw = artifacts.weightData;
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const numeric: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const others = new Map<string, ConstArr | null>();
  let offset = 0;
  for (const s of artifacts.weightSpecs) {
    if (!Array.isArray(s?.shape)) throw new ModelFormatError(`weight ${String(s?.name)}${where} has an invalid shape`);
    const count = sizeOf(s.shape);
    if (s.dtype === 'string') {
      for (let i = 0; i < count; i++) {
        if (offset + 4 > bytes.byteLength) throw new ModelFormatError(`weight data${where} is truncated in string weight ${s.name}`);
        offset += 4 + view.getUint32(offset, true);
      }
      others.set(s.name, null);
      continue;
    }
    const width = widthOf(s, where);
    if (width === undefined) {
      numeric.push(s); // decodeWeights rejects it with the reason
      continue;
    }
    const need = offset + width * count;
    if (need > bytes.byteLength) {
      throw new ModelFormatError(`weight data${where} is truncated: weight ${s.name} needs bytes ${offset}..${need} but only ${bytes.byteLength} are present`);
    }
    if (s.dtype === 'bool' && s.quantization == null) {
      others.set(s.name, arr('bool', s.shape, Array.from(bytes.subarray(offset, need), (b) => (b !== 0 ? 1 : 0))));
    } else {
      numeric.push(s);
      chunks.push(bytes.subarray(offset, need));
    }
    offset = need;
  }
  if (offset !== bytes.byteLength && numeric.length === chunks.length) {
    throw new ModelFormatError(`weight data${where} has ${bytes.byteLength} bytes but the manifest describes ${offset}; the files do not match`);
  }
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.byteLength;
  }
  const decoded = decodeWeights({ modelTopology: null, weightSpecs: numeric, weightData: joined, ...(artifacts.source ? { source: artifacts.source } : {}) });
  const out = new Map<string, ConstArr>();
  for (const s of numeric) {
    const t = decoded.get(s.name)!;
    out.set(s.name, s.dtype === 'int32' ? arr('int', t.shape, t.data) : { kind: 'float', shape: [...t.shape], data: t.data });
  }
  for (const [name, v] of others) if (v !== null) out.set(name, v);
  return out;
}

/** Names of the string weights (resources, vocabularies): a Const reading one cannot be imported. */
export function stringWeights(artifacts: GraphModelArtifacts): Set<string> {
  return new Set(artifacts.weightSpecs.filter((s) => s.dtype === 'string').map((s) => s.name));
}

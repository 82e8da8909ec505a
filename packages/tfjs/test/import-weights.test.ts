/**
 * Weight decoding: float32 / int32, affine-quantized uint8 / uint16, float16; hand-made values,
 * bit-equality with tfjs-core's own `tf.io.decodeWeights` on the same bytes, and manifests with
 * several groups and several shards per group (a weight split across a shard boundary).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts, type LayersArtifacts, type WeightSpec } from '../src/index.js';
import { decodeWeights, float16ToFloat32 } from '../src/import/weights.js';
import { rng } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const arts = (weightSpecs: WeightSpec[], bytes: Uint8Array): LayersArtifacts => ({ modelTopology: {}, weightSpecs, weightData: bytes });
const u16le = (vals: number[]): Uint8Array => {
  const b = new Uint8Array(2 * vals.length);
  const v = new DataView(b.buffer);
  vals.forEach((x, i) => v.setUint16(2 * i, x, true));
  return b;
};
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
};
const bitsOf = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/** tfjs-core's decoding of the same bytes, as float32 arrays per name. */
async function tfjsDecode(specs: WeightSpec[], bytes: Uint8Array): Promise<Record<string, Float32Array>> {
  const copy = bytes.slice().buffer;
  const decoded = tf.io.decodeWeights(copy, specs as tf.io.WeightsManifestEntry[]);
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(decoded)) {
    out[name] = Float32Array.from(await t.data());
    t.dispose();
  }
  return out;
}

describe('weight decoding', () => {
  it('uint8 and uint16 affine quantization: v = q·scale + min (hand values)', () => {
    const specs: WeightSpec[] = [
      { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 2 } },
      { name: 'c', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.3, min: 0 } },
    ];
    const bytes = cat(new Uint8Array([0, 1, 255]), u16le([0, 65535]), new Uint8Array([1, 5]));
    const w = decodeWeights(arts(specs, bytes));
    expect([...w.get('a')!.data]).toEqual([-1, -0.5, 126.5]);
    expect([...w.get('b')!.data]).toEqual([2, 2 + 65535 * 0.25]);
    expect([...w.get('c')!.data]).toEqual([0, 2]); // round(0.3), round(1.5)
    expect(w.get('a')!.shape).toEqual([3]);
  });

  it('float16: hand values (±0, 1, −2, max, smallest subnormal, ±Inf)', () => {
    const halves = [0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x3555];
    const expected = [0, -0, 1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity, 0.333251953125];
    const w = decodeWeights(arts([{ name: 'h', shape: [halves.length], dtype: 'float32', quantization: { dtype: 'float16' } }], u16le(halves)));
    expect([...w.get('h')!.data]).toEqual(expected);
    expect(Object.is(w.get('h')!.data[1], -0)).toBe(true);
    expect(Number.isNaN(float16ToFloat32(0x7e00))).toBe(true);
  });

  it('float16: every one of the 65536 bit patterns equals tfjs-core decodeWeights bit for bit', async () => {
    const all = Array.from({ length: 65536 }, (_, i) => i);
    const spec: WeightSpec[] = [{ name: 'h', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } }];
    const bytes = u16le(all);
    const ours = decodeWeights(arts(spec, bytes)).get('h')!.data as Float32Array;
    const theirs = (await tfjsDecode(spec, bytes))['h']!;
    const a = bitsOf(ours);
    const b = bitsOf(theirs);
    for (let i = 0; i < 65536; i++) {
      const nan = Number.isNaN(ours[i]!);
      if (nan) expect(Number.isNaN(theirs[i]!)).toBe(true);
      else if (a[i] !== b[i]) expect.fail(`half 0x${i.toString(16)}: ours ${ours[i]} vs tfjs ${theirs[i]}`);
    }
  });

  it('mixed float32 / int32 / uint8 / uint16 / float16 manifest equals tfjs-core decodeWeights bit for bit', async () => {
    const r = rng(7);
    const specs: WeightSpec[] = [
      { name: 'f', shape: [5, 3], dtype: 'float32' },
      { name: 'q8', shape: [7, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.0066667566, min: -0.873345116 } },
      { name: 'i', shape: [4], dtype: 'int32' },
      { name: 'q16', shape: [9], dtype: 'float32', quantization: { dtype: 'uint16', scale: 1.2671144e-5, min: -0.16725910831900204 } },
      { name: 'h', shape: [3, 3], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'q8i', shape: [3], dtype: 'int32', quantization: { dtype: 'uint8', scale: 1.7, min: -3 } },
    ];
    const f = new Float32Array(15).map(() => r() * 4 - 2);
    const q8 = new Uint8Array(14).map(() => Math.floor(r() * 256));
    const ints = new Int32Array([-5, 0, 7, 123456]);
    const q16 = Array.from({ length: 9 }, () => Math.floor(r() * 65536));
    const h = Array.from({ length: 9 }, () => Math.floor(r() * 0x7c00)); // finite positive halves
    const q8i = new Uint8Array([0, 3, 250]);
    const bytes = cat(new Uint8Array(f.buffer), q8, new Uint8Array(ints.buffer), u16le(q16), u16le(h), q8i);
    const ours = decodeWeights(arts(specs, bytes));
    const theirs = await tfjsDecode(specs, bytes);
    for (const s of specs) {
      expect(ours.get(s.name)!.shape, s.name).toEqual(s.shape);
      expect(bitsOf(ours.get(s.name)!.data as Float32Array), s.name).toEqual(bitsOf(theirs[s.name]!));
    }
  });

  it('several groups, several shards per group, a weight split across shards: loads as tfjs lays it out', async () => {
    const r = rng(11);
    // tiny_additive's Dense layers (fc1 6→4, fc2 4→2) with quantized weights in two groups of two shards.
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'q',
        layers: [
          { class_name: 'Dense', config: { name: 'fc1', units: 4, batch_input_shape: [null, 6], activation: 'relu' } },
          { class_name: 'Dense', config: { name: 'fc2', units: 2, activation: 'linear' } },
        ],
      },
    };
    const g1: WeightSpec[] = [
      { name: 'fc1/kernel', shape: [6, 4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1.2 } },
      { name: 'fc1/bias', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
    ];
    const g2: WeightSpec[] = [
      { name: 'fc2/kernel', shape: [4, 2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 3e-5, min: -0.9 } },
      { name: 'fc2/bias', shape: [2], dtype: 'float32' },
    ];
    const k1 = new Uint8Array(24).map(() => Math.floor(r() * 256));
    const b1 = u16le([0x3c00, 0xb800, 0x0000, 0x3266]);
    const k2 = u16le(Array.from({ length: 8 }, () => Math.floor(r() * 65536)));
    const b2 = new Uint8Array(new Float32Array([0.25, -0.75]).buffer);
    const group1 = cat(k1, b1); // 32 bytes, split at 13 (inside fc1/kernel)
    const group2 = cat(k2, b2); // 24 bytes, split at 15 (inside a uint16)
    const dir = mkdtempSync(join(tmpdir(), 'gw-tfjs-q-'));
    const shards: [string, Uint8Array][] = [
      ['group1-shard1of2.bin', group1.subarray(0, 13)],
      ['group1-shard2of2.bin', group1.subarray(13)],
      ['group2-shard1of2.bin', group2.subarray(0, 15)],
      ['group2-shard2of2.bin', group2.subarray(15)],
    ];
    for (const [n, b] of shards) writeFileSync(join(dir, n), b);
    const manifest = [
      { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: g1 },
      { paths: ['group2-shard1of2.bin', 'group2-shard2of2.bin'], weights: g2 },
    ];
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: manifest }));
    const loaded = await loadLayersArtifacts(dir);
    const graph = importLayersModel(loaded);
    // tfjs decodes each group's concatenated shards on its own.
    const t1 = await tfjsDecode(g1, group1);
    const t2 = await tfjsDecode(g2, group2);
    const expected = { ...t1, ...t2 };
    for (const name of ['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias']) {
      expect(bitsOf(graph.initializers[name]!.data as Float32Array), name).toEqual(bitsOf(expected[name]!));
    }
    expect([...graph.initializers['fc1/bias']!.data]).toEqual([1, -0.5, 0, Math.fround(0.199951171875)]);
  });

  it('malformed quantization -> ModelFormatError naming the weight', () => {
    const one = (q: unknown, dtype = 'float32'): LayersArtifacts =>
      arts([{ name: 'w', shape: [2], dtype, quantization: q }], new Uint8Array(2));
    expect(() => decodeWeights(one({ dtype: 'int4', scale: 1, min: 0 }))).toThrow(/weight w has unknown quantization dtype "int4"/);
    expect(() => decodeWeights(one({ dtype: 'uint8', min: 0 }))).toThrow(/weight w with quantization uint8 needs finite numbers 'scale' and 'min'/);
    expect(() => decodeWeights(arts([{ name: 'w', shape: [2], dtype: 'int32', quantization: { dtype: 'float16' } }], new Uint8Array(4)))).toThrow(
      /float16-quantized, which only supports float32/,
    );
    expect(() => decodeWeights(one({ dtype: 'uint8', scale: 1, min: 0, original_dtype: 'int32' }))).toThrow(/original_dtype "int32"/);
    expect(decodeWeights(one({ dtype: 'uint8', scale: 1, min: 0, original_dtype: 'float32' })).get('w')!.data.length).toBe(2);
    expect(() => decodeWeights(arts([{ name: 'w', shape: [2], dtype: 'bool' }], new Uint8Array(2)))).toThrow(ModelFormatError);
    // Truncation is measured in quantized bytes.
    expect(() => decodeWeights(one({ dtype: 'uint16', scale: 1, min: 0 }))).toThrow(/truncated: weight w needs bytes 0\.\.4 but only 2/);
  });
});

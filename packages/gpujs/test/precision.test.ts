/**
 * Where float32 and the 2^24 index range bite, on every mode (GL textures are float32; index
 * arithmetic on the GPU is float arithmetic). Expected values are IEEE float32 facts, derived by
 * hand: 2^24 + 1 is not a float32, so 2^24 + 1 rounds to 2^24; exp(89) overflows float32 (max
 * ≈ 3.4028e38 < e^89 ≈ 4.49e38); tensors over 2^24 elements are refused before anything runs;
 * index decomposition stays exact up to 2^23 elements with non-power-of-two dims. (Mesa's
 * llvmpipe and SwiftShader divide correctly rounded, so this last check passes there even without
 * the exact-division correction in kernels/source.ts; it guards GPUs whose division is approximate.)
 */
import { describe, expect, it } from 'vitest';
import { CapabilityError, createReferenceModel, type Graph } from '@glasswing/core';
import { createGpujsKernels, createGpujsModel, GPUJS_ROW_FACTOR, gpujsRowsPerCall, GpujsRuntime } from '../src/index.js';
import { MODES } from './helpers.js';

for (const mode of MODES) {
  describe(`precision limits: gpujs-${mode}`, () => {
    it('integers above 2^24 are not exact: 2^24 + 1 = 2^24, 2^24 + 2 exact; exp(89) = Infinity', () => {
      const rt = new GpujsRuntime({ mode });
      const k = createGpujsKernels(rt);
      const big = k.fill([3], 2 ** 24);
      const one = k.fromHost({ shape: [3], data: new Float32Array([1, 2, 3]) });
      expect([...k.toHost(k.add(big, one)).data]).toEqual([2 ** 24, 2 ** 24 + 2, 2 ** 24 + 4]); // +3 rounds to even (+4)
      expect([...k.toHost(k.exp(k.fill([1], 89))).data]).toEqual([Infinity]);
      expect(Number.isFinite(k.toHost(k.exp(k.fill([1], 88))).data[0])).toBe(true);
      rt.dispose();
    });

    it('a tensor above 2^24 elements is a CapabilityError naming the limit (nothing is allocated)', () => {
      const rt = new GpujsRuntime({ mode });
      const k = createGpujsKernels(rt);
      expect(() => k.fill([4097, 4097], 0)).toThrow(CapabilityError);
      expect(() => k.fill([4097, 4097], 0)).toThrow(/2\^24/);
      expect(rt.compiledKernels).toBe(0);
      rt.dispose();
    });

    it('index math is exact near 2^23 elements with non-power-of-two dims (transpose of [2047, 4093])', () => {
      const rt = new GpujsRuntime({ mode });
      const k = createGpujsKernels(rt);
      const [R, C] = [2047, 4093];
      const data = new Float32Array(R * C);
      for (let i = 0; i < data.length; i++) data[i] = i; // < 2^24: every value exact
      const t = k.toHost(k.transpose(k.fromHost({ shape: [R, C], data }), [1, 0])).data;
      // t[c, r] = r * C + c: check the corners, the last rows and a stride of cells across the whole range.
      const cells: [number, number][] = [[0, 0], [C - 1, R - 1], [C - 1, 0], [0, R - 1], [C - 2, R - 2]];
      for (let j = 0; j < 4000; j++) cells.push([(j * 7919) % C, (j * 104729) % R]);
      const bad = cells.filter(([c, r]) => t[c * R + r] !== r * C + c).slice(0, 5);
      expect(bad).toEqual([]);
      rt.dispose();
    });
  });
}

describe('models chunk their rows to stay within 2^24 elements', () => {
  // One row of this graph holds 2^20 values per tensor: 2^24 / (GPUJS_ROW_FACTOR · 2^20) = 8 rows a call.
  const graph: Graph = {
    name: 'wide_relu',
    inputs: [{ name: 'x', shape: [-1, 1024, 1024] }],
    outputs: ['y'],
    initializers: {},
    nodes: [{ name: 'relu', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} }],
  };
  const rows = 20; // 20 · 2^20 > 2^24: one kernel call over every row would be refused
  const x = { shape: [rows, 1024, 1024], data: Float32Array.from({ length: rows * 2 ** 20 }, (_, i) => ((i * 7919) % 13) - 6) };

  it('by default: a batch over 2^24 elements runs in chunks and equals the reference executor', async () => {
    expect(gpujsRowsPerCall(graph)).toBe(2 ** 24 / (GPUJS_ROW_FACTOR * 2 ** 20));
    const model = await createGpujsModel(graph, { mode: 'cpu' });
    expect(model.maxRowsPerCall).toBe(8);
    const y = await model.forward(x);
    const want = await createReferenceModel(graph).forward(x);
    expect(y.shape).toEqual([rows, 1024, 1024]);
    expect(Buffer.from(y.data.buffer).equals(Buffer.from(want.data.buffer))).toBe(true);
    await model.dispose();
  });

  it('with maxBatch over the limit the kernel refuses with a CapabilityError, not a wrong answer', async () => {
    const model = await createGpujsModel(graph, { mode: 'cpu', maxBatch: rows });
    await expect(model.forward(x)).rejects.toThrow(CapabilityError);
    await model.dispose();
  });
});

/**
 * Texture lifetime across kernel-cache eviction (the cause of the headlessgl conformance failures:
 * gpu.js' WebGLKernel.destroy() deletes every texture in its own cache, including the first output
 * texture it rendered, which a live result may still hold once the kernel has moved on to a fresh
 * one). Runs on every mode; on cpu / webasm results are host arrays and must of course survive too.
 */
import { describe, expect, it } from 'vitest';
import { createGpujsKernels, GpujsRuntime } from '../src/index.js';
import { MODES } from './helpers.js';

for (const mode of MODES) {
  describe(`texture lifetime: gpujs-${mode}`, () => {
    it('tensors made by an evicted kernel keep their values (uploads of one size share a kernel)', () => {
      const rt = new GpujsRuntime({ mode, maxKernels: 1 });
      const k = createGpujsKernels(rt);
      // Two uploads of one size run one kernel twice: the first lands in the kernel's cached texture.
      const a = k.fromHost({ shape: [4], data: new Float32Array([1, 2, 3, 4]) });
      const b = k.fromHost({ shape: [4], data: new Float32Array([5, 6, 7, 8]) });
      // A different kernel evicts (destroys) the upload kernel.
      const c = k.exp(k.fromHost({ shape: [3], data: new Float32Array([0, 1, 2]) }));
      expect(rt.cachedKernels).toBe(1);
      expect([...k.toHost(a).data]).toEqual([1, 2, 3, 4]);
      expect([...k.toHost(b).data]).toEqual([5, 6, 7, 8]);
      expect(k.toHost(c).data[1]).toBeCloseTo(Math.E, 5);
      // Still usable as inputs after eviction, and freeable.
      expect([...k.toHost(k.add(a, b)).data]).toEqual([6, 8, 10, 12]);
      rt.release([a, b, c]);
      rt.dispose();
    });

    it('results inside a scope survive eviction of the kernels that made them', () => {
      const rt = new GpujsRuntime({ mode, maxKernels: 2 });
      const k = createGpujsKernels(rt);
      const x = k.fromHost({ shape: [5], data: new Float32Array([-2, -1, 0, 1, 2]) });
      const kept = rt.scope(() => {
        const r1 = k.relu(x);
        const r2 = k.relu(k.neg(x)); // relu runs again: r1 keeps the kernel's first texture
        for (let n = 1; n <= 4; n++) k.exp(k.fromHost({ shape: [n], data: new Float32Array(n) })); // evict relu
        return [r1, r2];
      });
      expect([...k.toHost(kept[0]!).data]).toEqual([0, 0, 0, 1, 2]);
      expect([...k.toHost(kept[1]!).data]).toEqual([2, 1, 0, 0, 0]);
      rt.dispose();
    });
  });
}

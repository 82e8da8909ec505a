/** Mode selection (typed errors, no silent fallback) and the bounded compile cache. */
import { describe, expect, it } from 'vitest';
import { CapabilityError } from '@glasswing/core';
import { availableGpujsModes, createGpujsKernels, GpujsModeError, GpujsRuntime } from '../src/index.js';
import { MODES, randomTensor } from './helpers.js';

describe('gpu.js modes', () => {
  it('cpu and webasm are always available; auto picks the first available and reports it', () => {
    const modes = availableGpujsModes();
    expect(modes).toContain('cpu');
    expect(modes).toContain('webasm');
    const rt = new GpujsRuntime({ mode: 'auto' });
    expect(rt.mode).toBe(modes[0]);
    rt.dispose();
  });

  it('a browser mode requested in Node is a GpujsModeError naming it', () => {
    expect(() => new GpujsRuntime({ mode: 'webgl2' })).toThrow(GpujsModeError);
    expect(() => new GpujsRuntime({ mode: 'webgl' })).toThrow(/'webgl' cannot run here/);
    expect(() => new GpujsRuntime({ mode: 'gpu' as never })).toThrow(/unknown mode/);
  });

  it.runIf(!availableGpujsModes().includes('headlessgl'))('headlessgl without the built gl package says how to get it', () => {
    expect(() => new GpujsRuntime({ mode: 'headlessgl' })).toThrow(/setup-headlessgl/);
  });
});

describe('kernel cache', () => {
  it.each(MODES)('%s: one source and output size on inputs of different sizes compiles per input size (DenseNet\'s Concat gradient)', (mode) => {
    const rt = new GpujsRuntime({ mode });
    try {
      const head = 'function(x) { return x[this.thread.x] * 2; }';
      const a = rt.upload([8], Float32Array.from({ length: 8 }, (_, i) => i));
      const b = rt.upload([6], Float32Array.from({ length: 6 }, (_, i) => 10 + i));
      expect(Array.from(rt.download(rt.run(head, [2], [a.data!])))).toEqual([0, 2]);
      // gpu.js fixes argument sizes when it compiles: webasm and GL modes threw "argument changed size" here.
      expect(Array.from(rt.download(rt.run(head, [2], [b.data!])))).toEqual([20, 22]);
      expect(Array.from(rt.download(rt.run(head, [2], [a.data!])))).toEqual([0, 2]);
    } finally {
      rt.dispose();
    }
  });

  it('compiles once per (kernel, shape), stays within maxKernels and is freed on dispose', () => {
    const rt = new GpujsRuntime({ mode: 'cpu', maxKernels: 2 });
    const k = createGpujsKernels(rt);
    const run = (n: number) => k.toHost(k.exp(k.fromHost(randomTensor([n], n))));
    run(3);
    run(3);
    expect(rt.compiledKernels).toBe(1);
    run(4);
    run(5);
    expect(rt.compiledKernels).toBe(3);
    expect(rt.cachedKernels).toBe(2);
    const got = run(5);
    expect(rt.compiledKernels).toBe(3);
    expect(got.data[0]).toBeCloseTo(Math.exp(randomTensor([5], 5).data[0]!), 5);
    rt.dispose();
    expect(rt.cachedKernels).toBe(0);
    expect(() => run(6)).toThrow(CapabilityError);
  });
});

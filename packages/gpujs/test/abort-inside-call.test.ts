/**
 * Abort inside one model call on gpu.js (issue 16): with a signal, core's GraphModel runs each
 * graph node in its own runtime scope and yields to the event loop between nodes, so a 20 ms abort
 * of a call that takes hundreds of ms rejects with AbortError after a small part of its kernel
 * launches (counted, not timed). No texture leaks on GL modes (live textures unchanged), and the
 * model stays usable: the next call equals an un-aborted one bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, epsilon, rescale, type GradientRequest, type Tensor } from '@glasswing/core';
import { abortInsideCall, deepMlpGraph, sameGradientBits } from '@glasswing/core/testing';
import { createGpujsModel, type GpujsModel } from '../src/index.js';
import { MODES, randomTensor } from './helpers.js';

const graph = deepMlpGraph({ depth: 24, width: 192 });
type Request = Omit<GradientRequest, 'signal'>;
const seed = (rows: number) => ({ kind: 'index', indices: Array.from({ length: rows }, (_, i) => i % 4) }) as const;
const requests: Record<string, (rows: number) => Request> = {
  'plain VJP': (rows) => ({ seed: seed(rows) }),
  'rule-modified VJP (ε on Gemm, Rescale on Relu with a reference), layer taps': (rows) => ({
    seed: seed(rows),
    rules: Object.fromEntries(graph.nodes.map((n) => [n.name, n.op === 'Gemm' ? epsilon(1e-6) : rescale()])),
    reference: { shape: [rows, 192], data: new Float32Array(rows * 192) },
    layers: ['dense3', 'relu20'],
  }),
};

/**
 * 16 rows, or 4× more until one call takes ≥ 200 ms (GL modes can be fast): the 20 ms abort must
 * land well inside the call. Also warms the kernel cache up.
 */
async function slowCall(model: GpujsModel, request: (rows: number) => Request): Promise<{ x: Tensor; req: Request }> {
  for (let rows = 16; ; rows *= 4) {
    const x = randomTensor([rows, 192], 7);
    const req = request(rows);
    const t0 = performance.now();
    await model.gradient(x, req);
    if (performance.now() - t0 >= 200 || rows >= 4096) return { x, req };
  }
}

for (const mode of MODES) {
  describe(`abort inside one model call (gpujs-${mode})`, () => {
    let model: GpujsModel;
    let launched = 0;
    beforeAll(async () => {
      model = await createGpujsModel(graph, { mode });
      const rt = model.runtime;
      const run = rt.run.bind(rt);
      rt.run = (...args: Parameters<typeof run>) => {
        launched++;
        return run(...args);
      };
    });
    afterAll(() => model.dispose());

    for (const [name, request] of Object.entries(requests)) {
      it(`${name}: a 20 ms abort rejects long before the call's work is done; no texture leaks; same bits after`, async () => {
        const { x, req } = await slowCall(model, request);
        const textures = model.runtime.liveTextures;
        const r = await abortInsideCall(model, x, req, () => launched, 20);
        expect(r.error).toBeInstanceOf(AbortError);
        expect(r.fullWork).toBeGreaterThan(100);
        expect(r.abortedWork).toBeLessThan(r.fullWork / 2);
        expect(sameGradientBits(r.withSignal, r.plain)).toBe(true);
        expect(sameGradientBits(r.after, r.plain)).toBe(true);
        expect(model.runtime.liveTextures).toBe(textures);
      });
    }
  });
}

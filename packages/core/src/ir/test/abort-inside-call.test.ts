/**
 * Abort inside one model call (issue 16): with a signal, GraphModel runs the graph one node per
 * step and yields to the event loop every ABORT_YIELD_MS, so an abort fired by a timer 20 ms into
 * a call that takes hundreds of ms rejects after a small part of the call's work — the backend's
 * kernel launches are counted, not the wall time. Without the node-by-node path the call runs to
 * its end (all its kernel launches) and resolves. The model stays usable: the next call equals an
 * un-aborted one bit for bit, and a signal never aborted changes no bit.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../errors.js';
import { GraphModel } from '../../graph-model.js';
import type { Kernels } from '../kernels.js';
import type { GradientRequest } from '../../model.js';
import { createReferenceModel } from '../../reference-model.js';
import { referenceKernels } from '../../reference/index.js';
import { epsilon, rescale } from '../../rules/presets.js';
import type { Tensor } from '../../tensor.js';
import { abortInsideCall, deepMlpGraph, sameGradientBits } from '../../testing/index.js';
import { randomTensor } from './helpers.js';

const graph = deepMlpGraph({ depth: 40, width: 256 });
const x = randomTensor([32, 256], 7);

/** The reference kernels, counting every kernel call. */
function countingKernels(): { kernels: Kernels<Tensor>; launched: () => number } {
  let n = 0;
  const entries = Object.entries(referenceKernels).map(([name, v]) => [
    name,
    typeof v === 'function' && name !== 'shape' ? (...a: unknown[]) => (n++, (v as (...b: unknown[]) => unknown).apply(referenceKernels, a)) : v,
  ]);
  return { kernels: Object.fromEntries(entries) as Kernels<Tensor>, launched: () => n };
}

function countingModel(): { model: GraphModel<Tensor>; launched: () => number } {
  const { kernels, launched } = countingKernels();
  return { model: new GraphModel(graph, { kernels, name: 'reference' }), launched };
}

const requests: Record<string, Omit<GradientRequest, 'signal'>> = {
  'plain VJP': { seed: { kind: 'index', indices: Array.from({ length: 32 }, (_, i) => i % 4) } },
  'rule-modified VJP (ε on Gemm, Rescale on Relu with a reference), layer taps': {
    seed: { kind: 'index', indices: Array.from({ length: 32 }, (_, i) => (i + 1) % 4) },
    rules: Object.fromEntries(graph.nodes.map((n) => [n.name, n.op === 'Gemm' ? epsilon(1e-6) : rescale()])),
    reference: { shape: [32, 256], data: new Float32Array(32 * 256) },
    layers: ['dense3', 'relu30'],
  },
};

describe('abort inside one model call (reference executor)', () => {
  for (const [name, request] of Object.entries(requests)) {
    it(`${name}: a 20 ms abort rejects with AbortError long before the call's work is done; the model stays usable`, async () => {
      const { model, launched } = countingModel();
      const r = await abortInsideCall(model, x, request, launched, 20);
      expect(r.error).toBeInstanceOf(AbortError);
      expect(r.fullWork).toBeGreaterThan(200);
      expect(r.abortedWork).toBeLessThan(r.fullWork / 2);
      expect(sameGradientBits(r.withSignal, r.plain)).toBe(true);
      expect(sameGradientBits(r.after, r.plain)).toBe(true);
    });
  }

  it('forward and activations with a signal: aborted inside the call, same bits when not aborted', async () => {
    const { model, launched } = countingModel();
    const out = await model.forward(x);
    const acts = await model.activations(x, ['relu5']);
    const ok = new AbortController().signal;
    expect(await model.forward(x, { signal: ok })).toEqual(out);
    expect(await model.activations(x, ['relu5'], { signal: ok })).toEqual(acts);
    for (const call of [(s: AbortSignal) => model.forward(x, { signal: s }), (s: AbortSignal) => model.activations(x, ['relu5'], { signal: s })]) {
      const w0 = launched();
      await call(ok);
      const full = launched() - w0;
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), 1);
      const w1 = launched();
      await expect(call(ctrl.signal)).rejects.toBeInstanceOf(AbortError);
      clearTimeout(timer);
      expect(launched() - w1).toBeLessThan(full);
    }
    expect(await model.forward(x)).toEqual(out);
  });

  it('createReferenceModel (chunked) passes the signal into each chunk: a 20 ms abort rejects', async () => {
    const model = createReferenceModel(graph, { maxBatch: 16 });
    const request = requests['plain VJP']!;
    const plain = await model.gradient(x, request);
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 20);
    await expect(model.gradient(x, { ...request, signal: ctrl.signal })).rejects.toBeInstanceOf(AbortError);
    clearTimeout(timer);
    expect(sameGradientBits(await model.gradient(x, request), plain)).toBe(true);
  });

  it('an error inside a step (a bad rule) still rejects with the typed error, not a hang', async () => {
    const { model } = countingModel();
    const bad = { seed: requests['plain VJP']!.seed, rules: { relu3: rescale() } };
    await expect(model.gradient(x, { ...bad, signal: new AbortController().signal })).rejects.toThrow(/reference/);
  });
});

/**
 * The randomisation sanity checks (issue 14, Adebayo et al. 2018) on the trained demo CNN
 * (apps/demo/model: 20×20 images, conv1 → conv2 → fc1 → logits):
 *   - the literature's result — gradient maps change under cascading model-parameter
 *     randomisation (Spearman of |maps| with the trained model's map falls well below 1), while the
 *     edge-detector control, which ignores the model, stays identical (similarity exactly 1);
 *   - the same cascading run agrees across adapters (rebuild = createModel(graph, adapter)).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { METHODS, edgeExplainer, modelParameterRandomisation, randomLogit, type Explainer, type Graph, type Model, type Tensor } from '@glasswing/core';
import { randomisationStripPng, randomisationStripSvg } from '@glasswing/viz';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, loadGraphFile, type AdapterId } from '../model-file.js';
import { pngSize, tempDir } from './helpers.js';

const DEMO = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));

async function demoImages(count: number, seed: number): Promise<Tensor> {
  const url = new URL('../../../../apps/demo/scripts/dataset.mjs', import.meta.url).href;
  const { generateDataset } = (await import(url)) as { generateDataset: (o: { count: number; seed: number }) => { images: Float32Array } };
  return { shape: [count, 20, 20, 1], data: generateDataset({ count, seed }).images };
}

const method =
  (id: string, options: Record<string, unknown> = {}): Explainer =>
  async (model, x, o) =>
    (await METHODS[id]!.run(model, x, { ...options, ...(o.target !== undefined ? { target: o.target } : {}), ...(o.signal ? { signal: o.signal } : {}) })).attributions;

async function withModel<T>(graph: Graph, adapter: AdapterId, f: (m: Model) => Promise<T>): Promise<T> {
  const m = await createModel(graph, adapter);
  try {
    return await f(m);
  } finally {
    await m.dispose();
  }
}

describe('randomisation sanity checks on the demo CNN', () => {
  it('cascading randomisation: saliency maps change (Spearman < 0.2), integrated gradients less, the edge detector not at all', async () => {
    const { graph } = await loadGraphFile(DEMO);
    const x = await demoImages(4, 21);
    await withModel(graph, 'reference', async (model) => {
      const rebuild = (g: Graph) => createModel(g, 'reference');
      const lines: string[] = [];
      const results: Record<string, number[][]> = {};
      for (const [id, explain] of [
        ['saliency', method('saliency')],
        ['integrated-gradients', method('integrated-gradients', { steps: 16 })],
      ] as const) {
        const attributions = await explain(model, x, {});
        const r = await modelParameterRandomisation({ model, x, attributions, explain, rebuild }, { seed: 0 });
        const curve = r.curves![0]!;
        expect(curve.xNames).toEqual(['logits', 'fc1', 'conv2', 'conv1']);
        const meanAt = (s: number) => curve.y.reduce((a, row) => a + row[s]!, 0) / curve.y.length;
        lines.push(`${id}: ${curve.xNames!.map((n, s) => `${n} ${meanAt(s).toFixed(3)}`).join(', ')}; score ${r.mean.toFixed(3)}`);
        // After every layer is random, the |map| ranking is far from the trained model's, for every example.
        results[id] = curve.y.map((row) => [...row]);
        if (id === 'saliency') {
          // Adebayo's figure for example 0: input, original map, then the map after each cascading step.
          const per = 20 * 20;
          const first = (t: Tensor): Tensor => ({ shape: [20, 20, 1], data: t.data.slice(0, per) });
          const kept = await modelParameterRandomisation({ model, x, attributions, explain, rebuild }, { seed: 0, keepMaps: true });
          const stepMaps = kept.details!['maps'] as Tensor[];
          expect(kept.curves![0]!.y).toEqual(curve.y);
          const full = {
            image: first(x),
            maps: [first(attributions), ...stepMaps.map(first)],
            labels: ['original', ...curve.xNames!],
            similarities: curve.y[0]!,
            title: 'Cascading randomisation (top layer first): saliency, example 0',
          };
          const dir = tempDir();
          const png = randomisationStripPng(full);
          writeFileSync(join(dir, 'randomisation.png'), png);
          writeFileSync(join(dir, 'randomisation.svg'), randomisationStripSvg(full));
          lines.push(`picture: ${join(dir, 'randomisation.png')}`);
          expect(pngSize(png).width).toBeGreaterThan(6 * 96);
          const svg = randomisationStripSvg(full);
          for (const name of curve.xNames!) expect(svg).toContain(`>${name} rho `);
        }
        // Every layer randomised: the |map| has changed (far from the trained model's).
        for (const row of curve.y) expect(row[3]!).toBeLessThan(id === 'saliency' ? 0.2 : 0.75);
        // The first randomised layer (the logits) already moves it.
        expect(meanAt(0)).toBeLessThan(id === 'saliency' ? 0.5 : 0.8);
      }
      // As Adebayo et al. (Fig. 2) report for Integrated Gradients and Gradient ⊙ Input: a map that
      // multiplies by the input keeps the input's structure, so it stays closer to the original
      // than the plain gradient does at every step, for every example.
      results['integrated-gradients']!.forEach((row, i) => row.forEach((v, s) => expect(v).toBeGreaterThan(results['saliency']![i]![s]!)));
      const edges = edgeExplainer('NHWC');
      const edgeMaps = await edges(model, x, {});
      for (const similarity of ['spearman', 'ssim'] as const) {
        const e = await modelParameterRandomisation({ model, x, attributions: edgeMaps, explain: edges, rebuild }, { seed: 0, similarity });
        for (const row of e.curves![0]!.y) for (const v of row) expect(v).toBe(1);
      }
      lines.push('edge detector: 1 at every step (spearman, ssim)');
      // Random logit: the saliency of another class differs from the target's; the edge detector's does not.
      const sal = method('saliency');
      const rl = await randomLogit({ model, x, attributions: await sal(model, x, {}), explain: sal }, { seed: 0 });
      const rlEdge = await randomLogit({ model, x, attributions: edgeMaps, explain: edges }, { seed: 0 });
      expect(rl.mean).toBeLessThan(0.9);
      expect(rlEdge.mean).toBe(1);
      lines.push(`random-logit ssim: saliency ${rl.mean.toFixed(3)}, edge ${rlEdge.mean}`);
      console.log(lines.join('\n'));
    });
  }, 120_000);

  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'] as const)('%s: the cascading curve agrees with reference (same seed)', async (adapter) => {
    const { graph } = await loadGraphFile(DEMO);
    const x = await demoImages(2, 5);
    const explain = method('saliency', { abs: false });
    const run = (a: AdapterId) =>
      withModel(graph, a, async (model) => {
        const attributions = await explain(model, x, {});
        return modelParameterRandomisation({ model, x, attributions, explain, rebuild: (g) => createModel(g, a) }, { seed: 3 });
      });
    const ref = await run('reference');
    const got = await run(adapter);
    if (adapter === 'tfjs-cpu' || adapter === 'tfjs-wasm') {
      // Every randomised model built on the adapter is disposed: a second run leaves no tensor behind.
      const before = tf.memory().numTensors;
      await run(adapter);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(got.curves![0]!.xNames).toEqual(ref.curves![0]!.xNames);
    // Spearman of 400 float32 gradients: near-ties may swap order between backends; the ranks
    // move by little, so the correlations agree to 1e-3.
    got.curves![0]!.y.forEach((row, i) => row.forEach((v, s) => expect(Math.abs(v - ref.curves![0]!.y[i]![s]!)).toBeLessThan(1e-3)));
  }, 120_000);
});

/**
 * The bundled model is the artifact the demo stands on: check it on fresh data (seeds never used
 * in training) and check that an attribution method finds the decisive region.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegratedGradients, argmaxRows, createReferenceModel } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, REGION, generateDataset, regionMask } from '../scripts/dataset.mjs';
import { AREA_SHARE, MODEL_PATH, regionShares, runDemo } from '../scripts/run-demo.mjs';

const META = JSON.parse(readFileSync(new URL('../model/meta.json', import.meta.url), 'utf8'));

let model;
beforeAll(async () => {
  const graph = importLayersModel(await loadLayersArtifacts(MODEL_PATH));
  model = createReferenceModel(graph);
});

function perExampleShares(attr) {
  const mask = regionMask();
  const per = IMAGE_SIZE * IMAGE_SIZE;
  const n = attr.shape[0];
  return Array.from({ length: n }, (_, i) => {
    let inside = 0;
    let total = 0;
    for (let k = 0; k < per; k++) {
      const v = Math.abs(attr.data[i * per + k]);
      total += v;
      if (mask[k]) inside += v;
    }
    return inside / total;
  });
}

describe('bundled demo model', () => {
  it('meta.json describes the dataset the generator makes', () => {
    expect(META.inputShape).toEqual([IMAGE_SIZE, IMAGE_SIZE, 1]);
    expect(META.decisiveRegion.top).toBe(REGION.top);
    expect(META.decisiveRegion.left).toBe(REGION.left);
    expect(META.decisiveRegion.size).toBe(REGION.size);
    expect(META.heldOut.accuracy).toBeGreaterThan(0.95);
    expect(model.inputShape).toEqual([IMAGE_SIZE, IMAGE_SIZE, 1]);
    expect(model.outputShape).toEqual([3]);
  });

  it('is accurate on a fresh seeded set (reference adapter)', async () => {
    const ds = generateDataset({ count: 300, seed: 4 });
    const out = await model.forward({ shape: ds.shape, data: ds.images });
    const pred = argmaxRows(out);
    const correct = pred.filter((p, i) => p === ds.labels[i]).length;
    expect(correct / 300).toBeGreaterThan(0.95);
  });

  it('integrated gradients puts > 3x the area share of |attribution| into the decisive region', async () => {
    const ds = generateDataset({ count: 8, seed: 5 });
    const res = await new IntegratedGradients(model).attribute(
      { shape: ds.shape, data: ds.images },
      { target: Array.from(ds.labels), steps: 32 },
    );
    const shares = perExampleShares(res.attributions);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(mean).toBeGreaterThan(3 * AREA_SHARE);
    // and the region is not just lucky on average: most examples clear the bar on their own
    expect(shares.filter((s) => s > 2 * AREA_SHARE).length).toBeGreaterThanOrEqual(6);
  });

  it('a model that ignores the region fails the same check (the test can fail)', () => {
    // uniform attribution: exactly the area share
    const uniform = [Array.from({ length: IMAGE_SIZE }, () => Array.from({ length: IMAGE_SIZE }, () => [1]))];
    expect(regionShares(uniform)[0]).toBeCloseTo(AREA_SHARE, 10);
    expect(regionShares(uniform)[0]).toBeLessThan(3 * AREA_SHARE);
  });
});

describe('demo main job', () => {
  it('runs the CLI for each method and reports region shares', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'glasswing-demo-'));
    const lines = [];
    const { rows } = await runDemo({ outDir, adapter: 'tfjs-cpu', count: 2, seed: 3, methods: ['saliency', 'integrated-gradients'], log: (l) => lines.push(l) });
    expect(rows.map((r) => r.method)).toEqual(['saliency', 'integrated-gradients']);
    for (const r of rows) expect(r.ratio).toBeGreaterThan(1);
    expect(lines.join('\n')).toContain('|attr| in region');
    expect(readFileSync(join(outDir, 'integrated-gradients', 'example-0.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

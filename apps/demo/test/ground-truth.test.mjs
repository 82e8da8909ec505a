/**
 * The ground-truth tasks bundled with the CLI (packages/cli/ground-truth/, made by
 * scripts/ground-truth.mjs) are what `glasswing evaluate --task` scores explanations against:
 * check the masks against the generators' constants, the files against the generators, and that
 * the tabular model's decisive features are the ones that actually decide.
 */
import { readFileSync } from 'node:fs';
import { argmaxRows, createReferenceModel } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, REGION, createUniform, generateDataset } from '../scripts/dataset.mjs';
import { TABULAR_DECISIVE, TABULAR_DECOY, TABULAR_FEATURES, TABULAR_NOISE, generateTabular, tabularRule } from '../scripts/ground-truth-data.mjs';
import { seededOrder } from '../scripts/train-common.mjs';

const root = new URL('../../../packages/cli/ground-truth/', import.meta.url);
const read = (p) => readFileSync(new URL(p, root));
const json = (p) => JSON.parse(read(p).toString('utf8'));
const F = TABULAR_FEATURES.length;

describe('ground-truth image task', () => {
  it('the mask is the decisive region of dataset.mjs: rows 3–8, columns 11–16, every example', () => {
    expect(REGION).toEqual({ top: 3, left: 11, size: 6 });
    const masks = json('image/masks.json');
    const n = masks.shape[0];
    expect(masks.shape).toEqual([n, IMAGE_SIZE, IMAGE_SIZE, 1]);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < IMAGE_SIZE; r++) {
        for (let c = 0; c < IMAGE_SIZE; c++) {
          const inside = r >= 3 && r <= 8 && c >= 11 && c <= 16;
          expect(masks.data[(i * IMAGE_SIZE + r) * IMAGE_SIZE + c]).toBe(inside ? 1 : 0);
        }
      }
    }
  });

  it('inputs and labels are the generator’s, the model is the demo model byte for byte', () => {
    const meta = json('image/meta.json');
    const inputs = json('image/inputs.json');
    const ds = generateDataset({ count: meta.examples.count, seed: meta.examples.seed });
    expect(inputs.shape).toEqual(ds.shape);
    expect(Float32Array.from(inputs.data)).toEqual(ds.images);
    expect(json('image/labels.json')).toEqual(Array.from(ds.labels));
    for (const f of ['model.json', 'weights.bin']) expect(read(`image/${f}`).equals(readFileSync(new URL(`../model/${f}`, import.meta.url)))).toBe(true);
  });
});

describe('ground-truth tabular task', () => {
  let model;
  let test;
  beforeAll(async () => {
    model = createReferenceModel(importLayersModel(await loadLayersArtifacts(new URL('tabular/model.json', root).pathname)));
    test = generateTabular({ count: 1000, seed: 501 });
  });
  const accuracy = async (x) => {
    const pred = argmaxRows(await model.forward({ shape: [test.count, F], data: x }));
    return pred.filter((p, i) => p === test.labels[i]).length / test.count;
  };
  /** x with column j shuffled across rows (seeded). */
  const permuted = (j, seed) => {
    const order = seededOrder(createUniform(seed), test.count);
    const x = Float32Array.from(test.x);
    for (let i = 0; i < test.count; i++) x[i * F + j] = test.x[order[i] * F + j];
    return x;
  };

  it('mask = the three features of the rule; inputs, labels and mask match the generator', () => {
    expect(TABULAR_DECISIVE.map((j) => TABULAR_FEATURES[j])).toEqual(['signal_a', 'signal_b', 'signal_c']);
    const meta = json('tabular/meta.json');
    const inputs = json('tabular/inputs.json');
    const ds = generateTabular({ count: meta.examples.count, seed: meta.examples.seed });
    expect(Float32Array.from(inputs.data)).toEqual(ds.x);
    expect(json('tabular/labels.json')).toEqual(Array.from(ds.labels));
    const masks = json('tabular/masks.json');
    for (let i = 0; i < masks.shape[0]; i++) {
      expect(masks.data.slice(i * F, (i + 1) * F)).toEqual(TABULAR_FEATURES.map((_, j) => (TABULAR_DECISIVE.includes(j) ? 1 : 0)));
    }
    // The rule reads only the decisive columns: changing every other column never changes a label.
    const row = Array.from(ds.x.subarray(0, F));
    const other = row.map((v, j) => (TABULAR_DECISIVE.includes(j) ? v : v + 3));
    expect(tabularRule(other)).toBe(tabularRule(row));
  });

  it('the model learned the rule: ≥ 93% on fresh rows', async () => {
    expect(await accuracy(test.x)).toBeGreaterThanOrEqual(0.93);
  });

  it('permuting the noise features or the decoy leaves accuracy unchanged (±2 points); permuting a decisive one drops it ≥ 10 points', async () => {
    const base = await accuracy(test.x);
    for (const j of [...TABULAR_NOISE, TABULAR_DECOY]) {
      expect(Math.abs((await accuracy(permuted(j, 7 + j))) - base), TABULAR_FEATURES[j]).toBeLessThanOrEqual(0.02);
    }
    for (const j of TABULAR_DECISIVE) expect(base - (await accuracy(permuted(j, 7 + j))), TABULAR_FEATURES[j]).toBeGreaterThanOrEqual(0.1);
  });
});

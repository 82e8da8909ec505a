/**
 * Activation clustering against independent truth: k-means iterations equal ml-kmeans' from the
 * same initial centroids; the silhouette equals a brute-force evaluation of its definition on a
 * hand-sized example; PCA axes and variances equal ml-matrix's eigendecomposition of the
 * covariance; on a hand-built graph whose `fc1` activations are planted groups, the clusters
 * recover the groups (purity ≥ 0.95) and the silhouette picks the planted k.
 */
import { describe, expect, it } from 'vitest';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { createReferenceModel } from '../../../reference-model.js';
import { graphFromJSON } from '../../../ir/serialize.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { createRng } from '../../../random/prng.js';
import { kmeans, kmeansPlusPlus, lloyd, silhouette, type Points } from '../../_utils/cluster/kmeans.js';
import { pca } from '../../_utils/cluster/pca.js';
import { activationClustering } from '../activation-clustering.js';
import { clusterGraphJson, plantedClusterInputs } from './concept-models.js';

function blobs(n: number, dim: number, k: number, seed: number, spread = 1): Points {
  const rng = createRng(seed);
  const data = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) data[i * dim + j] = (j === i % k ? 3 : 0) + spread * rng.normal();
  return { n, dim, data };
}
const rowsOf = (p: Points) => Array.from({ length: p.n }, (_, i) => Array.from(p.data.subarray(i * p.dim, (i + 1) * p.dim)));

describe('k-means, silhouette, PCA', () => {
  it('Lloyd iterations match ml-kmeans from the same initial centroids', () => {
    for (const [seed, k] of [[1, 3], [2, 4], [3, 5]] as const) {
      const p = blobs(90, 4, 4, seed, 1.2);
      const init = kmeansPlusPlus(p, k, createRng(seed));
      const initRows = Array.from({ length: k }, (_, m) => Array.from(init.subarray(m * 4, (m + 1) * 4)));
      const ref = mlKmeans(rowsOf(p), k, { initialization: initRows, maxIterations: 300, tolerance: 1e-6 });
      const ours = lloyd(p, init, k, 300, 1e-6);
      expect(Array.from(ours.assignments)).toEqual(ref.clusters);
      ref.centroids.forEach((c, m) => c.forEach((v, j) => expect(ours.centroids[m * 4 + j]).toBeCloseTo(v, 10)));
      expect(ours.iterations).toBe(ref.iterations);
    }
  });

  it('silhouette equals its definition evaluated by hand', () => {
    // Points on a line: {0, 1} and {4, 6, 7}.
    const p: Points = { n: 5, dim: 1, data: Float64Array.from([0, 1, 4, 6, 7]) };
    const assign = Int32Array.from([0, 0, 1, 1, 1]);
    const s = [
      (17 / 3 - 1) / (17 / 3), // a = 1, b = mean(4, 6, 7)
      (14 / 3 - 1) / (14 / 3), // a = 1, b = mean(3, 5, 6)
      (3.5 - 2.5) / 3.5, // a = mean(2, 3), b = mean(4, 3)
      (5.5 - 1.5) / 5.5, // a = mean(2, 1), b = mean(6, 5)
      (6.5 - 2) / 6.5, // a = mean(3, 1), b = mean(7, 6)
    ];
    expect(silhouette(p, assign, 2)).toBeCloseTo(s.reduce((a, b) => a + b, 0) / 5, 12);
    // A sample of rows scores only those.
    expect(silhouette(p, assign, 2, [2, 4])).toBeCloseTo((s[2]! + s[4]!) / 2, 12);
  });

  it('PCA matches the covariance eigendecomposition (ml-matrix)', () => {
    const rng = createRng(4);
    const n = 60, dim = 5;
    const data = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      const a = 3 * rng.normal(), b = rng.normal();
      for (let j = 0; j < dim; j++) data[i * dim + j] = a * [1, 0.5, -0.2, 0, 0.3][j]! + b * [0, 1, 1, -1, 0][j]! + 0.1 * rng.normal();
    }
    const fit = pca({ n, dim, data }, 2);
    const X = new Matrix(Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim))));
    const centred = X.clone().subRowVector(X.mean('column'));
    const cov = centred.transpose().mmul(centred).div(n - 1);
    const eig = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
    const order = eig.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
    for (let c = 0; c < 2; c++) {
      const [lambda, idx] = order[c]!;
      expect(fit.variances[c]).toBeCloseTo(lambda, 6);
      const v = eig.eigenvectorMatrix.getColumn(idx);
      const dot = v.reduce((s, x, j) => s + x * fit.components[c]![j]!, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
    const total = eig.realEigenvalues.reduce((a, b) => a + b, 0);
    expect(fit.explainedRatio[0]).toBeCloseTo(order[0]![0] / total, 6);
    // Projection of row 0 = centred row · component.
    const p0 = centred.getRow(0).reduce((s, x, j) => s + x * fit.components[1]![j]!, 0);
    expect(fit.projections[1]).toBeCloseTo(p0, 8);
  });

  it('k-means is seeded and picks the lowest-inertia start', () => {
    const p = blobs(60, 3, 3, 9);
    const a = kmeans(p, 3, createRng(1));
    const b = kmeans(p, 3, createRng(1));
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    for (let r = 0; r < 4; r++) expect(a.inertia).toBeLessThanOrEqual(lloyd(p, kmeansPlusPlus(p, 3, createRng(1).derive(r)), 3).inertia);
  });
});

describe('activation clustering on planted groups', () => {
  const model = createReferenceModel(graphFromJSON(clusterGraphJson()));

  it('recovers the planted clusters (purity ≥ 0.95) and the silhouette picks the planted k', async () => {
    for (const k of [3, 4]) {
      const { x, labels } = plantedClusterInputs(120, k, 10 + k);
      const seen: number[] = [];
      const r = await activationClustering(model, x, { layer: 'fc1', labels, seed: 3, kRange: [2, 7], onProgress: (p) => seen.push(p.done / p.total) });
      expect(r.k).toBe(k);
      expect(r.purity).toBeGreaterThanOrEqual(0.95);
      expect(r.silhouettes.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(r.silhouette).toBe(Math.max(...r.silhouettes.map((s) => s.silhouette)));
      expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(120);
      // Exemplars belong to their cluster, nearest first.
      r.exemplars.forEach((ex, m) => {
        expect(ex.length).toBe(5);
        ex.forEach((i) => expect(r.assignments[i]).toBe(m));
      });
      expect(r.map.points.length).toBe(240);
      expect(seen.at(-1)).toBe(1);
    }
  });

  it('given k, streamed in small batches: same clusters as one call', async () => {
    const { x, labels } = plantedClusterInputs(60, 3, 5);
    const a = await activationClustering(model, x, { layer: 'fc1', k: 3, labels, seed: 1 });
    const b = await activationClustering(model, x, { layer: 'fc1', k: 3, labels, seed: 1, internalBatchSize: 7 });
    expect(b.assignments).toEqual(a.assignments);
    expect(b.modelCalls).toBe(9);
    expect(a.silhouettes).toHaveLength(1);
  });

  it('typed errors and abort', async () => {
    const { x } = plantedClusterInputs(20, 2, 1);
    await expect(activationClustering(model, x, { layer: 'nope' })).rejects.toThrow(InvalidArgumentError);
    await expect(activationClustering(model, { shape: [3, 5], data: new Float32Array(15) }, { layer: 'fc1' })).rejects.toThrow(ShapeError);
    await expect(activationClustering(model, { shape: [1, 6], data: new Float32Array(6) }, { layer: 'fc1' })).rejects.toThrow(/at least 2 examples/);
    await expect(activationClustering(model, x, { layer: 'fc1', k: 50 })).rejects.toThrow(/k must be/);
    await expect(activationClustering(model, x, { layer: 'fc1', labels: [1, 2] })).rejects.toThrow(/labels/);
    const ac = new AbortController();
    ac.abort();
    await expect(activationClustering(model, x, { layer: 'fc1', signal: ac.signal })).rejects.toThrow(AbortError);
  });
});

/**
 * `glasswing concepts` (TCAV) and `glasswing clusters` on hand-built graphs with known answers,
 * and their agreement across adapters: reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web and
 * gpujs-cpu give the same CAVs (1e-4), TCAV scores, p-values and cluster assignments as the
 * reference executor for the same seed.
 *
 * Planted concept graph: x ∈ ℝ⁴ → fc1 (identity) → relu → fc2, y₀ = u·relu(h), u₀ = 1, so the
 * class-0 derivative along e₀ is +1 on inputs with x₀ > 0 (concept "e0": x₀ ≈ 3): TCAV ≈ 1,
 * significant. Cluster graph: 3 planted groups of inputs whose fc1 activations stay separated.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '@glasswing/core';
import { run, tempDir, writeJson } from './helpers.js';

const U = [1, 0.5, -0.5, 0.3];
function gemmGraph(name: string, w1: number[][], w2: number[][]): unknown {
  return {
    format: 'glasswing-graph', version: 1, name,
    inputs: [{ name: 'x', shape: [-1, w1[0]!.length] }], outputs: ['y'],
    nodes: [
      { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
      { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
      { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: {
      w1: { shape: [w1.length, w1[0]!.length], data: w1.flat() },
      b1: { shape: [w1.length], data: w1.map(() => 0) },
      w2: { shape: [w2.length, w2[0]!.length], data: w2.flat() },
      b2: { shape: [w2.length], data: w2.map(() => 0) },
    },
    metadata: {},
  };
}
function rows(n: number, d: number, seed: number, f: (i: number, j: number, z: number) => number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => f(i, j, rng.normal())));
}

const dir = tempDir();
const tcavModel = writeJson(dir, 'planted.graph.json', gemmGraph('planted', [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [U, U.map((v) => -v)]));
const inputs = writeJson(dir, 'inputs.json', rows(30, 4, 1, (i, j, z) => (j === 0 ? 0.5 + (2 * ((i * 7) % 30)) / 30 : z)));
const concept = writeJson(dir, 'e0.json', rows(40, 4, 2, (_i, j, z) => (j === 0 ? 3 + 0.5 * z : z)));
const random = writeJson(dir, 'random.json', rows(300, 4, 3, (_i, _j, z) => z));
const W1 = [[1, 0, 0, 0.5, 0, 0], [0, 1, 0, 0, 0.5, 0], [0, 0, 1, 0, 0, 0.5], [0.5, 0, 0, 1, 0, 0], [0, 0.5, 0, 0, 1, 0]];
const clusterModel = writeJson(dir, 'clusters.graph.json', gemmGraph('clusters', W1, Array.from({ length: 3 }, (_, a) => Array.from({ length: 5 }, (_, b) => Math.sin(a * 5 + b + 1)))));
const clusterX = rows(60, 6, 4, (i, j, z) => 0.3 * z + (j === (i % 3) * 2 ? 4 : 0));
const clusterData = writeJson(dir, 'cx.json', clusterX);
const clusterLabels = writeJson(dir, 'labels.json', clusterX.map((_, i) => i % 3));

interface TcavOut {
  adapter: string;
  results: { concept: string; layer: string; mean: number; scores: number[]; accuracies: number[]; pValue: number; significant: boolean; cavs: number[][] }[];
  random: { layer: string; scores: number[] }[];
}
async function concepts(adapter: string, extra: string[] = []): Promise<TcavOut> {
  const r = await run(['concepts', '--model', tcavModel, '--layer', 'fc1', '--layer', 'relu', '--concept', `e0=${concept}`, '--random', random, '--input', inputs, '--target', '0', '--seed', '3', '--cavs', '--adapter', adapter, ...extra]);
  expect(r.stderr).toMatch(/^concepts: 1 concept\(s\) × 2 layer\(s\), 10 random runs/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TcavOut;
}
interface ClusterOut {
  k: number;
  purity: number;
  assignments: number[];
  silhouette: number;
  exemplars: number[][];
  map: { points: number[][] };
}
async function clusters(adapter: string, extra: string[] = [], labels = clusterLabels): Promise<ClusterOut> {
  const r = await run(['clusters', '--model', clusterModel, '--layer', 'fc1', '--input', clusterData, '--labels', labels, '--seed', '2', '--adapter', adapter, ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ClusterOut;
}

describe('glasswing concepts', () => {
  it('recovers the planted concept on the reference adapter; writes the chart', async () => {
    const png = join(dir, 'tcav.png');
    const svg = join(dir, 'tcav.svg');
    const out = await concepts('reference', ['--png', png, '--svg', svg]);
    for (const c of out.results) {
      expect(c.mean).toBeGreaterThanOrEqual(0.95);
      expect(c.significant).toBe(true);
      expect(c.pValue).toBeLessThan(0.05);
      expect(c.cavs).toHaveLength(10);
    }
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(svg, 'utf8')).toContain('>e0</text>');
  });

  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'])('%s agrees with reference (same seed: CAVs, scores, p-values)', async (adapter) => {
    const want = await concepts('reference');
    const got = await concepts(adapter);
    expect(got.adapter).toBe(adapter);
    got.results.forEach((c, i) => {
      const w = want.results[i]!;
      expect(c.scores).toEqual(w.scores);
      expect(c.accuracies).toEqual(w.accuracies);
      expect(c.pValue).toBeCloseTo(w.pValue, 8);
      c.cavs.forEach((v, r) => v.forEach((x, j) => expect(Math.abs(x - w.cavs[r]![j]!)).toBeLessThan(1e-4 * (1 + Math.abs(w.cavs[r]![j]!)))));
    });
    got.random.forEach((b, i) => expect(b.scores).toEqual(want.random[i]!.scores));
  });

  it('default random pool (noise), --help, usage and typed errors', async () => {
    const r = await run(['concepts', '--model', tcavModel, '--layer', 'fc1', '--concept', `e0=${concept}`, '--input', inputs, '--target', '0', '--random-runs', '5', '--adapter', 'reference']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TcavOut).results[0]!.scores).toHaveLength(5);
    const help = await run(['concepts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--random-runs');
    expect((await run(['concepts', '--model', tcavModel, '--input', inputs, '--target', '0', '--concept', `e0=${concept}`])).stderr).toMatch(/missing required option --layer/);
    expect((await run(['concepts', '--model', tcavModel, '--layer', 'fc1', '--input', inputs, '--target', '0', '--concept', 'e0'])).code).toBe(2);
    const bad = await run(['concepts', '--model', tcavModel, '--layer', 'nope', '--concept', `e0=${concept}`, '--input', inputs, '--target', '0', '--adapter', 'reference']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nope/);
    const one = writeJson(dir, 'one.json', [[1, 2, 3, 4]]);
    const few = await run(['concepts', '--model', tcavModel, '--layer', 'fc1', '--concept', `c=${one}`, '--input', inputs, '--target', '0', '--adapter', 'reference']);
    expect(few.stderr).toMatch(/too few examples/);
    const wrong = writeJson(dir, 'wrong.json', [[1, 2, 3], [4, 5, 6]]);
    const shape = await run(['concepts', '--model', tcavModel, '--layer', 'fc1', '--concept', `c=${wrong}`, '--input', inputs, '--target', '0', '--adapter', 'reference']);
    expect(shape.stderr).toMatch(/shape/);
  });
});

describe('glasswing clusters', () => {
  it('recovers the planted clusters; silhouette picks k = 3; writes the map', async () => {
    const png = join(dir, 'map.png');
    const out = await clusters('reference', ['--png', png, '--svg', join(dir, 'map.svg'), '--label-names', 'a,b,c']);
    expect(out.k).toBe(3);
    expect(out.purity).toBeGreaterThanOrEqual(0.95);
    expect(out.map.points).toHaveLength(60);
    expect(existsSync(png)).toBe(true);
  });

  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'])('%s agrees with reference (same assignments)', async (adapter) => {
    const want = await clusters('reference');
    const got = await clusters(adapter);
    expect(got.assignments).toEqual(want.assignments);
    expect(got.exemplars).toEqual(want.exemplars);
    expect(got.silhouette).toBeCloseTo(want.silhouette, 5);
  });

  it('--k, --map umap (seeded), csv labels, errors', async () => {
    const a = await clusters('reference', ['--k', '4', '--map', 'umap']);
    const b = await clusters('reference', ['--k', '4', '--map', 'umap']);
    expect(a.k).toBe(4);
    expect(a.map.points).toEqual(b.map.points);
    const csv = join(dir, 'labels.csv');
    writeJson(dir, 'labels.csv', 'label\n' + clusterX.map((_, i) => i % 3).join('\n'));
    expect((await clusters('reference', [], csv)).purity).toBeGreaterThanOrEqual(0.95);
    expect((await run(['clusters', '--model', clusterModel, '--layer', 'fc1', '--input', clusterData, '--k', '3', '--k-range', '2..4'])).code).toBe(2);
    const short = writeJson(dir, 'short.json', [0, 1]);
    const r = await run(['clusters', '--model', clusterModel, '--layer', 'fc1', '--input', clusterData, '--labels', short, '--adapter', 'reference']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 labels for 60 examples/);
    expect((await run(['clusters', '--help'])).stdout).toContain('--k-range');
  });
});

describe('glasswing report: internals sections', () => {
  it('adds Activation clusters always and Concepts (TCAV) with --concept', async () => {
    const out = join(dir, 'report.html');
    const r = await run(['report', '--model', tcavModel, '--input', inputs, '--examples', '6', '--concept', `e0=${concept}`, '--concept-random', random, '--target', '0', '--adapter', 'reference', '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h2>Activation clusters');
    expect(html).toContain('<h2>Concepts (TCAV)');
    expect(html).toMatch(/<td>e0<\/td><td class="num">0<\/td><td class="num">30<\/td><td class="num">1<\/td>/);
    const plain = join(dir, 'plain.html');
    expect((await run(['report', '--model', clusterModel, '--input', clusterData, '--adapter', 'reference', '--out', plain, '--no-progress'])).code).toBe(0);
    const h2 = readFileSync(plain, 'utf8');
    expect(h2).toContain('<h2>Activation clusters');
    expect(h2).not.toContain('<h2>Concepts (TCAV)');
  });
});

describe('glasswing clusters on the demo CNN (NHWC images)', () => {
  const DEMO = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
  /** 36 images: the decisive stroke (0 h-bar, 1 v-bar, 2 plus) in the region, faint noise. */
  const images = (() => {
    const rng = createRng(9);
    const data: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 36; i++) {
      const kind = i % 3;
      const img = Array.from({ length: 400 }, () => 0.15 * rng.uniform());
      for (let k = -1; k <= 6; k++) for (const [r, c] of [[2, 11 + k], [9, 11 + k], [3 + k, 10], [3 + k, 17]] as const) if (r >= 0 && c >= 0) img[r * 20 + c] = 0.35;
      const r0 = 3 + rng.int(3), c0 = 11 + rng.int(3);
      for (let k = 0; k < 4; k++) {
        if (kind !== 1) img[(r0 + (kind === 2 ? 1 : 0)) * 20 + c0 + k] = 0.9;
        if (kind !== 0) img[(r0 + k) * 20 + c0 + (kind === 2 ? 1 : 0)] = 0.9;
      }
      data.push(...img);
      labels.push(kind);
    }
    return { x: writeJson(dir, 'demo-x.json', { shape: [36, 20, 20, 1], data }), labels: writeJson(dir, 'demo-labels.json', labels) };
  })();

  it('clusters relu3 by class and draws the exemplar grid; spatial-mean pooling on a conv layer', async () => {
    const grid = join(dir, 'exemplars.png');
    const r = await run(['clusters', '--model', DEMO, '--layer', 'relu3', '--input', images.x, '--labels', images.labels, '--k', '3', '--exemplars-png', grid, '--exemplars-svg', join(dir, 'ex.svg'), '--adapter', 'reference']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as ClusterOut & { dim: number };
    expect(out.purity).toBeGreaterThanOrEqual(0.9);
    expect(out.dim).toBe(32);
    expect(readFileSync(grid).subarray(1, 4).toString()).toBe('PNG');
    const pooled = await run(['clusters', '--model', DEMO, '--layer', 'relu2', '--pool', 'spatial-mean', '--input', images.x, '--k', '3', '--adapter', 'reference']);
    expect(pooled.code).toBe(0);
    expect((JSON.parse(pooled.stdout) as { dim: number }).dim).toBe(8);
  });
});

/**
 * Long integrations (issue 10): every path method gives the same attributions and deltas
 * whatever the chunking (internalBatchSize 1, 7, unset); no model call carries more rows than
 * the chunk (never the steps × N expanded batch), with the default chunk bounding a call when
 * internalBatchSize is unset; planned progress totals stay exact; a 10⁶-step Gauss–Legendre IG
 * reaches its first gradient call with the right nodes without computing the others.
 */
import { describe, expect, it } from 'vitest';
import type { GradientRequest, Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import type { Graph } from '../../ir/graph.js';
import { AbortError, InvalidArgumentError } from '../../errors.js';
import { linearModel } from '../../testing/index.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import { NoiseTunnel } from '../gradient/noise-tunnel.js';
import { GradientShap } from '../gradient/gradient-shap.js';
import { Saliency } from '../gradient/saliency.js';
import { LayerIntegratedGradients } from '../layer/layer-integrated-gradients.js';
import { LayerConductance } from '../layer/layer-conductance.js';
import { NeuronIntegratedGradients } from '../neuron/neuron-integrated-gradients.js';
import { NeuronConductance } from '../neuron/neuron-conductance.js';
import { PATH_CHUNK_ROWS, PATH_CHUNK_VALUES, pathBatchSize, samplesPerPartition } from '../_utils/path.js';
import { lazyQuadratureRule } from '../_utils/approximation.js';
import type { AttributionResult, Progress } from '../_utils/types.js';
import { inputsTensor, loadFixture, loadGraphJson } from './fixtures.js';

interface Call {
  readonly kind: 'forward' | 'gradient' | 'activations';
  readonly rows: number;
  /** Rows the gradient seed covers (must equal `rows`). */
  readonly seedRows?: number;
  /** The first input row (gradient calls). */
  readonly first?: Float32Array;
}

/** The model with every call recorded (rows per call); keeps `graph` and the rest of the model. */
function counted(m: Model): { model: Model; calls: Call[] } {
  const calls: Call[] = [];
  const per = (x: Tensor) => x.data.length / x.shape[0]!;
  const seedRows = (r: GradientRequest) => (r.seed.kind === 'index' ? r.seed.indices.length : r.seed.seed.shape[0]!);
  const model = Object.create(m, {
    forward: { value: (x: Tensor, o?: unknown) => (calls.push({ kind: 'forward', rows: x.shape[0]! }), m.forward(x, o as never)) },
    activations: {
      value: (x: Tensor, l: readonly string[], o?: unknown) => (calls.push({ kind: 'activations', rows: x.shape[0]! }), m.activations(x, l, o as never)),
    },
    gradient: {
      value: (x: Tensor, r: GradientRequest) => {
        calls.push({ kind: 'gradient', rows: x.shape[0]!, seedRows: seedRows(r), first: x.data.slice(0, per(x)) });
        return m.gradient(x, r);
      },
    },
  }) as Model;
  return { model, calls };
}

function withGraph(graph: Graph): Model {
  const m = createReferenceModel(graph);
  return 'graph' in m ? m : (Object.create(m, { graph: { value: graph } }) as Model);
}

const tiny = withGraph(graphFromJSON(loadGraphJson('tiny_additive')));
const x = inputsTensor(loadFixture('tiny_additive')); // [4, 6]
const baselines = { shape: [6], data: Float32Array.from([0.1, -0.2, 0.3, 0, 0.5, -0.4]) };

type Run = (m: Model, internalBatchSize: number | undefined, onProgress: (p: Progress) => void) => Promise<AttributionResult>;

const CASES: ReadonlyArray<[string, Run]> = [
  ['integrated-gradients (13 GL)', (m, b, p) => new IntegratedGradients(m).attribute(x, { target: 1, baselines, steps: 13, internalBatchSize: b, onProgress: p })],
  ['integrated-gradients (150 GL: the O(1)-per-node rule)', (m, b, p) => new IntegratedGradients(m).attribute(x, { baselines, steps: 150, internalBatchSize: b, onProgress: p })],
  ['integrated-gradients (9 trapezoid)', (m, b, p) => new IntegratedGradients(m).attribute(x, { target: 0, steps: 9, quadrature: 'riemann_trapezoid', internalBatchSize: b, onProgress: p })],
  ['layer-integrated-gradients', (m, b, p) => new LayerIntegratedGradients(m).attribute(x, { layer: 'fc1', target: 0, baselines, steps: 13, internalBatchSize: b, onProgress: p })],
  ['layer-conductance', (m, b, p) => new LayerConductance(m).attribute(x, { layer: 'relu1', target: 1, baselines, steps: 12, internalBatchSize: b, onProgress: p })],
  ['neuron-integrated-gradients', (m, b, p) => new NeuronIntegratedGradients(m).attribute(x, { layer: 'fc1', neuron: 2, baselines, steps: 13, internalBatchSize: b, onProgress: p })],
  ['neuron-conductance', (m, b, p) => new NeuronConductance(m).attribute(x, { layer: 'fc1', neuron: 1, target: 0, baselines, steps: 13, internalBatchSize: b, onProgress: p })],
  [
    'smoothgrad:integrated-gradients',
    (m, b, p) => new NoiseTunnel(new IntegratedGradients(m)).attribute(x, { target: 1, nSamples: 3, stdevs: 0.1, steps: 6, baselines, internalBatchSize: b, onProgress: p }),
  ],
  [
    'vargrad:integrated-gradients (2 partitions)',
    (m, b, p) => new NoiseTunnel(new IntegratedGradients(m)).attribute(x, { ntType: 'vargrad', nSamples: 5, nSamplesBatchSize: 3, stdevs: 0.5, steps: 4, internalBatchSize: b, onProgress: p }),
  ],
  [
    'gradient-shap',
    (m, b, p) =>
      new GradientShap(m).attribute(x, {
        target: 1,
        nSamples: 9,
        stdevs: 0.05,
        baselines: { shape: [3, 6], data: Float32Array.from({ length: 18 }, (_, k) => Math.sin(k) / 2) },
        internalBatchSize: b,
        onProgress: p,
      }),
  ],
];

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('path methods: chunk invariance and bounded calls', () => {
  it.each(CASES)('%s: internalBatchSize 1, 7 and unset agree; calls ≤ chunk; progress total fixed', async (_name, run) => {
    const results: AttributionResult[] = [];
    for (const b of [1, 7, undefined]) {
      const { model, calls } = counted(tiny);
      const totals: number[] = [];
      const res = await run(model, b, (p) => totals.push(p.total));
      const chunk = b ?? pathBatchSize(undefined, 6);
      expect(Math.max(...calls.map((c) => c.rows))).toBeLessThanOrEqual(chunk);
      for (const c of calls) if (c.kind === 'gradient') expect(c.seedRows).toBe(c.rows);
      expect(calls.length).toBe(res.modelCalls);
      expect(new Set(totals)).toEqual(new Set([res.modelCalls]));
      results.push(res);
    }
    const [one, seven, unset] = results as [AttributionResult, AttributionResult, AttributionResult];
    const scale = maxAbs(unset.attributions.data);
    expect(scale).toBeGreaterThan(1e-3);
    for (const other of [one, seven]) {
      expect(other.attributions.shape).toEqual(unset.attributions.shape);
      const a = other.attributions.data;
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - unset.attributions.data[k]!)).toBeLessThanOrEqual(1e-6 * scale);
      expect(other.delta === undefined).toBe(unset.delta === undefined);
      if (other.delta) {
        expect(other.delta.length).toBe(unset.delta!.length);
        for (let k = 0; k < other.delta.length; k++) expect(Math.abs(other.delta[k]! - unset.delta![k]!)).toBeLessThanOrEqual(1e-6 * scale);
      }
    }
  });
});

describe('default chunk when internalBatchSize is unset', () => {
  it('pathBatchSize: at most 16,384 rows and 2²² input values a call, at least one row', () => {
    expect(PATH_CHUNK_ROWS).toBe(16_384);
    expect(PATH_CHUNK_VALUES).toBe(4_194_304);
    expect(pathBatchSize(undefined, 10)).toBe(16_384);
    expect(pathBatchSize(undefined, 784)).toBe(5_349);
    expect(pathBatchSize(undefined, 3 * 224 * 224)).toBe(27);
    expect(pathBatchSize(undefined, 2 ** 23)).toBe(1);
    expect(pathBatchSize(7, 2 ** 23)).toBe(7);
    expect(() => pathBatchSize(0, 10)).toThrow(InvalidArgumentError);
    expect(samplesPerPartition(25, 10)).toBe(25);
    expect(samplesPerPartition(100, 2 ** 16)).toBe(64);
    expect(samplesPerPartition(5, 2 ** 23)).toBe(1);
  });

  it('the default 50 steps on a small batch stay one forward and one gradient call', async () => {
    const { model, calls } = counted(tiny);
    const res = await new IntegratedGradients(model).attribute(x, { target: 0 });
    expect(calls.map((c) => [c.kind, c.rows])).toEqual([
      ['forward', 8],
      ['gradient', 200],
    ]);
    expect(res.modelCalls).toBe(2);
  });

  it('IG with 100,000 steps (2 × 10⁵ rows): 13 gradient calls of ≤ 16,384 rows covering every row once', async () => {
    const { model, calls } = counted(tiny);
    const x2: Tensor = { shape: [2, 6], data: x.data.slice(0, 12) };
    const totals: number[] = [];
    const res = await new IntegratedGradients(model).attribute(x2, { target: 1, baselines, steps: 100_000, quadrature: 'riemann_middle', onProgress: (p) => totals.push(p.total) });
    const grads = calls.filter((c) => c.kind === 'gradient');
    expect(grads.length).toBe(Math.ceil(200_000 / 16_384));
    expect(Math.max(...grads.map((c) => c.rows))).toBe(16_384);
    expect(grads.reduce((s, c) => s + c.rows, 0)).toBe(200_000);
    expect(new Set(totals)).toEqual(new Set([1 + grads.length]));
    // Completeness of a fine Riemann sum on a piecewise-linear network.
    const gap = maxAbs(res.attributions.data);
    for (const d of res.delta!) expect(Math.abs(d)).toBeLessThan(1e-3 * Math.max(1, gap));
    // And the same integral as a 2,000-step Gauss–Legendre rule (the O(1)-per-node path), chunked.
    const gl = await new IntegratedGradients(tiny).attribute(x2, { target: 1, baselines, steps: 2000, internalBatchSize: 999 });
    for (let k = 0; k < 12; k++) expect(Math.abs(gl.attributions.data[k]! - res.attributions.data[k]!)).toBeLessThan(2e-3 * Math.max(1, gap));
  });

  it('IG with 10⁶ Gauss–Legendre steps reaches its first gradient call at the rule\'s first node (then aborts)', async () => {
    const lin = linearModel([[0.5, -1, 2, 0.25, 1, -0.5], [1, 1, 1, 1, 1, 1]]);
    const { model, calls } = counted(lin);
    const ac = new AbortController();
    const seen: Progress[] = [];
    const x2: Tensor = { shape: [2, 6], data: x.data.slice(0, 12) };
    await expect(
      new IntegratedGradients(model).attribute(x2, {
        target: 0,
        steps: 1_000_000,
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.done === 2) ac.abort();
        },
      }),
    ).rejects.toBeInstanceOf(AbortError);
    const planned = 1 + Math.ceil(2_000_000 / 16_384);
    expect(seen).toEqual([
      { done: 1, total: planned },
      { done: 2, total: planned },
    ]);
    expect(calls.map((c) => [c.kind, c.rows])).toEqual([
      ['forward', 4],
      ['gradient', 16_384],
    ]);
    const a0 = lazyQuadratureRule('gausslegendre', 1_000_000).slice(0, 1).alphas[0]!;
    expect(a0).toBeGreaterThan(1.44e-12);
    expect(a0).toBeLessThan(1.45e-12);
    expect(Array.from(calls[1]!.first!)).toEqual(Array.from(x2.data.slice(0, 6), (v) => Math.fround(0 + a0 * v)));
  });

  it('GradientSHAP with 20,000 samples streams its draws: ≤ 16,384 rows a call, exact on a linear model', async () => {
    const w = [0.5, -1, 2, 0.25, 1, -0.5];
    const { model, calls } = counted(linearModel([w, [1, 1, 1, 1, 1, 1]]));
    const x2: Tensor = { shape: [2, 6], data: x.data.slice(0, 12) };
    const res = await new GradientShap(model).attribute(x2, { target: 0, nSamples: 20_000, baselines });
    expect(Math.max(...calls.map((c) => c.rows))).toBeLessThanOrEqual(16_384);
    expect(calls.filter((c) => c.kind === 'forward').reduce((s, c) => s + c.rows, 0)).toBe(2 + 2 * 40_000);
    expect(calls.filter((c) => c.kind === 'gradient').reduce((s, c) => s + c.rows, 0)).toBe(40_000);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 6; j++) {
        expect(res.attributions.data[i * 6 + j]).toBeCloseTo(w[j]! * (x2.data[i * 6 + j]! - baselines.data[j]!), 5);
      }
    }
    expect(res.delta!.length).toBe(40_000);
    expect(maxAbs(res.delta!)).toBeLessThan(1e-5);
  });

  it('NoiseTunnel partitions its noisy copies when N × nSamples × values exceeds 2²², with the same result', async () => {
    const per = 2 ** 16;
    const big = linearModel({ shape: [1, per], data: Float32Array.from({ length: per }, (_, k) => Math.cos(k)) });
    const xb: Tensor = { shape: [1, per], data: Float32Array.from({ length: per }, (_, k) => Math.sin(k * 0.37)) };
    const { model, calls } = counted(big);
    // stdevs 0 (plain copies: drawing 6.5 M normals would dominate the test); partitioning with
    // noise is bit-identical too (stochastic.test.ts).
    const auto = await new NoiseTunnel(new Saliency(model)).attribute(xb, { target: 0, nSamples: 100, stdevs: 0, abs: false });
    expect(calls.map((c) => [c.kind, c.rows])).toEqual([
      ['forward', 1],
      ['gradient', 64],
      ['gradient', 36],
    ]);
    const whole = await new NoiseTunnel(new Saliency(big)).attribute(xb, { target: 0, nSamples: 100, stdevs: 0, abs: false, nSamplesBatchSize: 100 });
    let same = 0;
    for (let k = 0; k < per; k++) if (auto.attributions.data[k] === whole.attributions.data[k]) same++;
    expect(same).toBe(per); // bit-identical
  });
});

/**
 * Model-level checks of the explanation-quality metrics (issue 14), run once per adapter:
 * - `metrics-agree`: EVERY `METRICS` entry (so a metric added later is checked without a line here)
 *   gives, on the conformance CNN (NHWC) built on this adapter, the scores and curves it gives on the
 *   reference executor — same inputs, same maps, same seed, randomised models rebuilt on the same
 *   adapter (`createModel` is the metric's `rebuild`). Sample counts are cut to ≤ 8 to keep it cheap.
 * - `metrics-linear-truth`: on a linear model f(x) = W x (one Gemm) against closed forms computed
 *   here, not by the metric code: the MoRF deletion AUC of a = W_t ⊙ x is the trapezoid of the
 *   partial sums of a; infidelity of the gradient map a = W_t is 0 (f(x) − f(x − I) = W_t·I = Iᵀa for
 *   every perturbation I); sensitivity-max of Saliency is 0 (its map |W_t| does not depend on x);
 *   faithfulness correlation of a = W_t ⊙ x with a zero baseline is 1 (the output drop of a subset
 *   is exactly the subset's attribution sum).
 */
import { METHODS, METRICS, createReferenceModel, type Explainer, type Graph, type MetricInput, type MetricResult, type Model, type Tensor } from '@glasswing/core';
import { GraphBuilder } from '../graph-builder.js';
import { cnnNhwcGraph } from '../graphs/index.js';
import { ConformanceError, type Tolerance } from '../numeric.js';
import { suiteRng } from '../rng.js';
import type { ModelLevelCheck } from './internals-model.js';

/** Options that set how many samples / steps a metric draws: cut to keep the check cheap. */
const COUNT_OPTIONS = ['nPerturbSamples', 'nSamples', 'nRuns', 'steps'];

function cheapOptions(defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const o: Record<string, unknown> = { seed: 3 };
  for (const k of COUNT_OPTIONS) if (typeof defaults[k] === 'number') o[k] = Math.min(defaults[k] as number, 8);
  return o;
}

const saliency: Explainer = async (model, x, o) => (await METHODS['saliency']!.run(model, x, { target: o.target, signal: o.signal })).attributions;

function close(a: number, e: number, tol: Tolerance, scale: number): boolean {
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.max(Math.abs(e), scale);
}

function compareResults(id: string, a: MetricResult, e: MetricResult, tol: Tolerance): void {
  const scale = Math.max(...e.scores.map(Math.abs), 0);
  a.scores.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new ConformanceError(`metric '${id}': example ${i} scored ${v} on this adapter`);
    if (!close(v, e.scores[i]!, tol, scale)) throw new ConformanceError(`metric '${id}': example ${i} scored ${v} here, ${e.scores[i]} on the reference executor`);
  });
  for (const [c, curve] of (e.curves ?? []).entries()) {
    const mine = a.curves?.[c];
    if (!mine) throw new ConformanceError(`metric '${id}': curve '${curve.label}' missing on this adapter`);
    const cs = Math.max(...curve.y.flat().map(Math.abs), 0);
    curve.y.forEach((row, i) =>
      row.forEach((v, j) => {
        if (!close(mine.y[i]![j]!, v, tol, cs)) throw new ConformanceError(`metric '${id}': curve '${curve.label}' example ${i} point ${j} is ${mine.y[i]![j]} here, ${v} on the reference executor`);
      }),
    );
  }
}

export const METRICS_AGREE_TEST_ID = 'metrics-agree';

export const metricsAgreeCheck: ModelLevelCheck = {
  id: METRICS_AGREE_TEST_ID,
  title: 'every METRICS entry (maps from Saliency, seeded, ≤ 8 samples) equals the reference executor on the conformance CNN',
  requires: { gradients: true },
  async run(createModel, tolerance) {
    const spec = cnnNhwcGraph();
    const model = await createModel(spec.graph);
    const reference = createReferenceModel(spec.graph);
    const tol = tolerance.metrics;
    try {
      const n = 2;
      const size = spec.inputShape.reduce((p, d) => p * d, 1);
      const rng = suiteRng(1401);
      const x: Tensor = { shape: [n, ...spec.inputShape], data: Float32Array.from({ length: n * size }, () => rng.uniform()) };
      const y = await reference.forward(x);
      const out = y.data.length / n;
      const target = Array.from({ length: n }, (_, i) => {
        const row = y.data.subarray(i * out, (i + 1) * out);
        return row.indexOf(Math.max(...row));
      });
      const attributions = await saliency(reference, x, { target });
      // Ground truth: the top-left quarter of every image (all channels).
      const [h, w, c] = spec.inputShape as [number, number, number];
      const masks: Tensor = { shape: x.shape, data: Float32Array.from({ length: n * size }, (_, k) => {
        const p = Math.floor((k % size) / c);
        return Math.floor(p / w) < h / 2 && p % w < w / 2 ? 1 : 0;
      }) };
      const input = (m: Model, rebuild: (g: Graph) => Promise<Model>): MetricInput => ({ model: m, x, attributions, target, masks, explain: saliency, rebuild });
      for (const [id, metric] of Object.entries(METRICS)) {
        if (metric.needs.rebuild && !model.graph) continue;
        const options = cheapOptions(metric.defaults);
        let mine: MetricResult;
        try {
          mine = await metric.run(input(model, createModel), options);
        } catch (e) {
          throw new ConformanceError(`metric '${id}' failed on this adapter: ${(e as Error).name}: ${(e as Error).message}`);
        }
        const expected = await metric.run(input(reference, async (g) => createReferenceModel(g)), options);
        compareResults(id, mine, expected, tol);
      }
    } finally {
      await model.dispose();
      await reference.dispose();
    }
  },
};

export const METRICS_LINEAR_TEST_ID = 'metrics-linear-truth';

/** f(x) = W x, x ∈ R⁶, 3 outputs, W fixed. */
export function linearMetricGraph(): { graph: Graph; w: Float32Array } {
  const w = Float32Array.from([0.9, -0.4, 0.3, 1.2, -0.7, 0.5, -0.2, 0.8, -1.1, 0.4, 0.6, -0.3, 0.7, 0.1, 0.5, -0.6, 0.2, 1.0]);
  const b = new GraphBuilder(suiteRng(1402));
  const out = b.node('out', 'Gemm', [b.input, b.constant('w', [3, 6], w)], { transB: 1 });
  return { graph: b.build('conformance-metrics-linear', [6], out), w };
}

export const metricsLinearTruthCheck: ModelLevelCheck = {
  id: METRICS_LINEAR_TEST_ID,
  title: 'deletion AUC, infidelity, sensitivity-max and faithfulness correlation equal their closed forms on a linear model',
  requires: { gradients: true },
  async run(createModel) {
    const { graph, w } = linearMetricGraph();
    const model = await createModel(graph);
    try {
      const xs = [0.5, 1.5, -1.0, 0.8, 0.3, -0.6, 1.1, -0.2, 0.4, 0.9, -1.3, 0.7];
      const x: Tensor = { shape: [2, 6], data: Float32Array.from(xs) };
      const t = 1;
      const wt = Array.from(w.subarray(t * 6, t * 6 + 6));
      const ixg = Float32Array.from(xs, (v, k) => v * wt[k % 6]!);
      const tol = { atol: 1e-4, rtol: 1e-4 };
      const check = (what: string, got: number, want: number) => {
        if (!close(got, want, tol, 1)) throw new ConformanceError(`${what}: ${got}, closed form ${want}`);
      };
      // Deletion, MoRF, baseline 0, steps = 6 (one feature a step): y_k = Σ of a over the features not yet removed.
      const del = await METRICS['deletion']!.run({ model, x, attributions: { shape: [2, 6], data: ixg }, target: [t, t] }, { steps: 6 });
      for (let i = 0; i < 2; i++) {
        const a = Array.from(ixg.subarray(i * 6, i * 6 + 6));
        const order = a.map((v, k) => [v, k] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).map(([, k]) => k);
        const ys = [a.reduce((s, v) => s + v, 0)];
        for (const k of order) ys.push(ys[ys.length - 1]! - a[k]!);
        const auc = ys.slice(1).reduce((s, v, k) => s + (v + ys[k]!) / 2 / 6, 0);
        check(`deletion AUC of example ${i}`, del.scores[i]!, auc);
      }
      const grad: Tensor = { shape: [2, 6], data: Float32Array.from([...wt, ...wt]) };
      const inf = await METRICS['infidelity']!.run({ model, x, attributions: grad, target: [t, t] }, { seed: 5, nPerturbSamples: 8, noiseStd: 0.1 });
      inf.scores.forEach((v, i) => check(`infidelity of the gradient map, example ${i}`, v, 0));
      const sal = await saliency(model, x, { target: [t, t] });
      const sens = await METRICS['sensitivity-max']!.run({ model, x, attributions: sal, target: [t, t], explain: saliency }, { seed: 5, nPerturbSamples: 4 });
      sens.scores.forEach((v, i) => check(`sensitivity-max of Saliency, example ${i}`, v, 0));
      const fc = await METRICS['faithfulness-correlation']!.run({ model, x, attributions: { shape: [2, 6], data: ixg }, target: [t, t] }, { seed: 5, nRuns: 8, subsetSize: 3, baseline: 0 });
      fc.scores.forEach((v, i) => check(`faithfulness correlation of W⊙x, example ${i}`, v, 1));
    } finally {
      await model.dispose();
    }
  },
};

export const METRICS_MODEL_CHECKS: readonly ModelLevelCheck[] = [metricsLinearTruthCheck, metricsAgreeCheck];

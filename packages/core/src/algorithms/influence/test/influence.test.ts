/**
 * Influence against independent truth:
 * - the closed-form last-layer gradient product equals the inner product of the loss gradients
 *   w.r.t. the last layer's (W, b) computed by central finite differences on the graph's weights
 *   (logit and softmax-ended graphs);
 * - TracIn over checkpoints of an MLP trained here by plain gradient descent (backprop written
 *   in this file) ranks the planted mislabeled examples first by self-influence and the planted
 *   duplicate of a test example first among its proponents;
 * - streaming (small batches, async batches, k small) equals exact all-at-once enumeration;
 *   Σ η_i over checkpoints is the η-weighted sum of the single-checkpoint scores;
 * - nearest neighbours equal brute force over activations; typed errors, progress and abort.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../../reference-model.js';
import { graphFromJSON } from '../../../ir/serialize.js';
import type { Model } from '../../../model.js';
import { tensor, type Tensor } from '../../../tensor.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, CapabilityError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { fromFunction } from '../../../function-model.js';
import { ActivationNeighbours, TracIn, penultimateLayer } from '../index.js';

interface Mlp { w1: number[]; b1: number[]; w2: number[]; b2: number[]; i: number; h: number; c: number }

function mlpModel(p: Mlp, softmax = false): Model {
  return createReferenceModel(
    graphFromJSON({
      format: 'glasswing-graph', version: 1, name: 'mlp',
      inputs: [{ name: 'x', shape: [-1, p.i] }], outputs: [softmax ? 'p' : 'y'],
      nodes: [
        { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
        { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
        { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
        ...(softmax ? [{ name: 'sm', op: 'Softmax', inputs: ['y'], outputs: ['p'], attrs: { axis: -1 } }] : []),
      ],
      initializers: {
        w1: { shape: [p.h, p.i], data: p.w1 }, b1: { shape: [p.h], data: p.b1 },
        w2: { shape: [p.c, p.h], data: p.w2 }, b2: { shape: [p.c], data: p.b2 },
      },
      metadata: {},
    }),
  );
}

function randomMlp(seed: number, i: number, h: number, c: number, scale = 0.7): Mlp {
  const r = createRng(seed);
  const v = (n: number) => Array.from({ length: n }, () => scale * r.normal());
  return { w1: v(h * i), b1: v(h).map((x) => x * 0.3 + 0.2), w2: v(c * h), b2: v(c).map((x) => x * 0.3), i, h, c };
}

/** Forward in float64 (the training here): hidden relu, logits, softmax. */
function fwd(p: Mlp, x: readonly number[]): { r: number[]; prob: number[] } {
  const r = Array.from({ length: p.h }, (_, u) => Math.max(0, p.b1[u]! + x.reduce((s, xv, j) => s + p.w1[u * p.i + j]! * xv, 0)));
  const z = Array.from({ length: p.c }, (_, k) => p.b2[k]! + r.reduce((s, rv, u) => s + p.w2[k * p.h + u]! * rv, 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return { r, prob: e.map((v) => v / s) };
}

/** Full-batch gradient descent on mean cross-entropy, backprop by hand; a checkpoint every `every` steps. */
function train(p0: Mlp, xs: number[][], ys: number[], lr: number, steps: number, every: number): Mlp[] {
  const p: Mlp = { ...p0, w1: [...p0.w1], b1: [...p0.b1], w2: [...p0.w2], b2: [...p0.b2] };
  const cps: Mlp[] = [];
  for (let step = 0; step < steps; step++) {
    if (step % every === 0) cps.push({ ...p, w1: [...p.w1], b1: [...p.b1], w2: [...p.w2], b2: [...p.b2] });
    const g = { w1: p.w1.map(() => 0), b1: p.b1.map(() => 0), w2: p.w2.map(() => 0), b2: p.b2.map(() => 0) };
    xs.forEach((x, n) => {
      const { r, prob } = fwd(p, x);
      const dz = prob.map((v, k) => (v - (k === ys[n] ? 1 : 0)) / xs.length);
      const dr = r.map((_, u) => dz.reduce((s, d, k) => s + d * p.w2[k * p.h + u]!, 0) * (r[u]! > 0 ? 1 : 0));
      dz.forEach((d, k) => {
        g.b2[k]! += d;
        r.forEach((rv, u) => (g.w2[k * p.h + u]! += d * rv));
      });
      dr.forEach((d, u) => {
        g.b1[u]! += d;
        x.forEach((xv, j) => (g.w1[u * p.i + j]! += d * xv));
      });
    });
    (['w1', 'b1', 'w2', 'b2'] as const).forEach((key) => p[key].forEach((_, q) => (p[key][q]! -= lr * g[key][q]!)));
  }
  return cps;
}

/** ∂ℓ/∂(w2, b2) of one example by central differences on the reference model (float32 executor). */
async function fdGradient(p: Mlp, x: readonly number[], y: number, softmax: boolean): Promise<number[]> {
  const loss = async (q: Mlp) => {
    const out = (await mlpModel(q, softmax).forward(tensor(x, [1, p.i]))).data;
    if (softmax) return -Math.log(out[y]!);
    const m = Math.max(...out);
    return -(out[y]! - m - Math.log([...out].reduce((s, v) => s + Math.exp(v - m), 0)));
  };
  const h = 1e-2;
  const g: number[] = [];
  for (const key of ['w2', 'b2'] as const) {
    for (let q = 0; q < p[key].length; q++) {
      const up = { ...p, [key]: p[key].map((v, j) => (j === q ? v + h : v)) };
      const dn = { ...p, [key]: p[key].map((v, j) => (j === q ? v - h : v)) };
      g.push(((await loss(up)) - (await loss(dn))) / (2 * h));
    }
  }
  return g;
}
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, j) => s + v * b[j]!, 0);

describe('TracIn last-layer closed form', () => {
  it.each([false, true])('equals finite-difference gradient products (softmax-ended graph: %s)', async (softmax) => {
    const p = randomMlp(5, 3, 4, 3);
    const model = mlpModel(p, softmax);
    const xs = [[0.5, -1, 0.3], [1.2, 0.4, -0.7], [-0.3, 0.8, 1.1]];
    const ys = [2, 0, 1];
    const test = [0.1, 0.9, -0.4];
    const res = await new TracIn(model).influence(tensor(xs.flat(), [3, 3]), ys, tensor(test, [1, 3]), { testLabels: [1], k: 3 });
    expect(res.layer).toBe('relu');
    const gTest = await fdGradient(p, test, 1, softmax);
    const want = await Promise.all(xs.map(async (x, i) => dot(await fdGradient(p, x, ys[i]!, softmax), gTest)));
    const got = new Map([...res.tests[0]!.proponents, ...res.tests[0]!.opponents].map((e) => [e.index, e.score]));
    expect(got.size).toBe(3);
    want.forEach((w, i) => expect(got.get(i)!).toBeCloseTo(w, 2));
    const self = await new TracIn(model).selfInfluence(tensor(xs.flat(), [3, 3]), ys);
    for (let i = 0; i < 3; i++) {
      const g = await fdGradient(p, xs[i]!, ys[i]!, softmax);
      expect(self.scores[i]!).toBeCloseTo(dot(g, g), 2);
    }
    // Reading a softmax model's probabilities as logits gives a different (wrong) answer.
    if (softmax) {
      const wrong = await new TracIn(model).selfInfluence(tensor(xs.flat(), [3, 3]), ys, { outputs: 'logits' });
      expect(Math.abs(wrong.scores[0]! - self.scores[0]!)).toBeGreaterThan(1e-3);
    }
  });

  it('finds the penultimate layer behind Softmax and Flatten', () => {
    const g = graphFromJSON({
      format: 'glasswing-graph', version: 1, name: 'g', inputs: [{ name: 'x', shape: [-1, 2] }], outputs: ['p'],
      nodes: [
        { name: 'a', op: 'Relu', inputs: ['x'], outputs: ['a'], attrs: {} },
        { name: 'f', op: 'Flatten', inputs: ['a'], outputs: ['f'], attrs: {} },
        { name: 'mm', op: 'MatMul', inputs: ['f', 'w'], outputs: ['z'], attrs: {} },
        { name: 'add', op: 'Add', inputs: ['z', 'b'], outputs: ['y'], attrs: {} },
        { name: 'sm', op: 'Softmax', inputs: ['y'], outputs: ['p'], attrs: {} },
      ],
      initializers: { w: { shape: [2, 2], data: [1, 0, 0, 1] }, b: { shape: [2], data: [0, 0] } }, metadata: {},
    });
    expect(penultimateLayer(g, 't')).toEqual({ layer: 'a', dense: 'mm', softmax: true });
  });
});

describe('TracIn on a model trained in the test', () => {
  // Three Gaussian blobs; 4 labels flipped (planted mislabels); the test example duplicates row D.
  const rng = createRng(21);
  const centers = [[-2, 0], [2, 0], [0, 2.5]];
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let n = 0; n < 90; n++) {
    const c = n % 3;
    xs.push([centers[c]![0]! + 0.6 * rng.normal(), centers[c]![1]! + 0.6 * rng.normal()]);
    ys.push(c);
  }
  const FLIPPED = [7, 31, 50, 74];
  for (const i of FLIPPED) ys[i] = (ys[i]! + 1) % 3;
  // The duplicate: an atypical class-2 example far out on the class-0 side (one of a kind, as
  // duplicated test examples are in TracIn's own evaluation). For a typical example of a dense
  // blob the duplicate need not come first: TracIn scores grow with activation norms and losses.
  const D = 90;
  xs.push([-3.5, 2.5]);
  ys.push(2);
  const cps = train(randomMlp(3, 2, 8, 3, 0.5), xs, ys, 0.5, 240, 40);
  const models = cps.map((p) => mlpModel(p));
  const checkpoints = models.map((model) => ({ model, learningRate: 0.5 }));
  const final = models[models.length - 1]!;
  const X = tensor(xs.flat(), [91, 2]);

  it('ranks the planted mislabeled examples first by self-influence', async () => {
    // The 90 blob rows (without the atypical row D, whose self-influence is high too).
    const X90 = tensor(xs.slice(0, 90).flat(), [90, 2]);
    const res = await new TracIn(final).selfInfluence(X90, ys.slice(0, 90), { checkpoints, k: 4, batchSize: 16 });
    expect(res.top.map((e) => e.index).sort((a, b) => a - b)).toEqual(FLIPPED);
    expect(res.checkpoints).toBe(6);
    // Sanity that it can fail: with the clean labels the flipped rows are not on top.
    const clean = ys.slice(0, 90).map((y, i) => (FLIPPED.includes(i) ? (y + 2) % 3 : y));
    const res2 = await new TracIn(final).selfInfluence(X90, clean, { checkpoints, k: 4 });
    expect(res2.top.map((e) => e.index).sort((a, b) => a - b)).not.toEqual(FLIPPED);
  });

  it('ranks the duplicate of the test example first among its proponents', async () => {
    const res = await new TracIn(final).influence(X, ys, tensor(xs[D]!, [1, 2]), { checkpoints, k: 5 });
    expect(res.tests[0]!.proponents[0]!.index).toBe(D);
    expect(res.tests[0]!.predicted).toBe(ys[D]);
    expect(res.tests[0]!.proponents[0]!.score).toBeGreaterThan(2 * res.tests[0]!.proponents[1]!.score);
  });

  it('streaming equals exact all-at-once enumeration; checkpoints sum η-weighted', async () => {
    const test = tensor([...xs[3]!, ...xs[50]!, 0, 1], [3, 2]);
    const all = await new TracIn(final).influence(X, ys, test, { checkpoints, k: 91, batchSize: 91 });
    async function* stream() {
      for (let s = 0; s < 91; s += 7) yield tensor(xs.slice(s, s + 7).flat(), [Math.min(7, 91 - s), 2]);
    }
    const streamed = await new TracIn(final).influence(stream(), ys, test, { checkpoints, k: 3, batchSize: 5 });
    expect(streamed.seen).toBe(91);
    all.tests.forEach((t, j) => {
      const full = [...t.proponents, ...t.opponents];
      const sorted = [...full].sort((a, b) => b.score - a.score || a.index - b.index);
      expect(streamed.tests[j]!.proponents.map((e) => e.index)).toEqual(sorted.slice(0, 3).map((e) => e.index));
      expect(streamed.tests[j]!.opponents.map((e) => e.index)).toEqual(sorted.reverse().slice(0, 3).map((e) => e.index));
    });
    const one = await Promise.all([0, 5].map((c) => new TracIn(final).influence(X, ys, test, { checkpoints: [{ model: models[c]!, learningRate: 1 }], k: 91 })));
    const two = await new TracIn(final).influence(X, ys, test, { checkpoints: [{ model: models[0]!, learningRate: 0.3 }, { model: models[5]!, learningRate: 2 }], k: 91 });
    const byIndex = (t: { proponents: readonly { index: number; score: number }[]; opponents: readonly { index: number; score: number }[] }) => new Map([...t.proponents, ...t.opponents].map((e) => [e.index, e.score]));
    const a = byIndex(one[0]!.tests[1]!);
    const b = byIndex(one[1]!.tests[1]!);
    for (const [i, s] of byIndex(two.tests[1]!)) expect(s).toBeCloseTo(0.3 * (a.get(i) ?? 0) + 2 * (b.get(i) ?? 0), 4);
  });

  it('nearest neighbours equal brute force (cosine and l2)', async () => {
    const acts = (await final.activations(X, ['relu'])).layers['relu']!.data;
    const test = tensor([...xs[10]!, 0.2, 0.3], [2, 2]);
    const ta = (await final.activations(test, ['relu'])).layers['relu']!.data;
    for (const metric of ['cosine', 'l2'] as const) {
      const res = await new ActivationNeighbours(final).neighbours(X, test, { metric, k: 4, batchSize: 13 });
      for (let t = 0; t < 2; t++) {
        const q = Array.from(ta.slice(t * 8, t * 8 + 8));
        const scores = Array.from({ length: 91 }, (_, i) => {
          const r = Array.from(acts.slice(i * 8, i * 8 + 8));
          if (metric === 'l2') return Math.hypot(...r.map((v, j) => v - q[j]!));
          const nr = Math.hypot(...r);
          const nq = Math.hypot(...q);
          return nr > 0 && nq > 0 ? dot(r, q) / (nr * nq) : 0;
        });
        const order = scores.map((s, i) => ({ s, i })).sort((u, v) => (metric === 'l2' ? u.s - v.s : v.s - u.s) || u.i - v.i);
        expect(res.tests[t]!.map((e) => e.index)).toEqual(order.slice(0, 4).map((o) => o.i));
        res.tests[t]!.forEach((e, j) => expect(e.score).toBeCloseTo(order[j]!.s, 5));
      }
    }
    expect((await new ActivationNeighbours(final).neighbours(X, tensor(xs[10]!, [1, 2]), { k: 1 })).tests[0]![0]!.index).toBe(10);
  });

  it('typed errors, progress and abort', async () => {
    const t = new TracIn(final);
    const x1 = tensor(xs[0]!, [1, 2]);
    await expect(t.influence(X, ys.slice(0, 10), x1)).rejects.toThrow(InvalidArgumentError);
    await expect(t.influence(X, ys.map(() => 3), x1)).rejects.toThrow(/not a class index/);
    await expect(t.influence(X, ys, x1, { k: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(t.influence(X, ys, x1, { layer: 'nope' })).rejects.toThrow(/not a layer/);
    await expect(t.influence(X, ys, x1, { checkpoints: [{ model: final, learningRate: -1 }] })).rejects.toThrow(/learningRate/);
    await expect(t.influence(tensor([1, 2, 3], [1, 3]), ys, x1)).rejects.toThrow(ShapeError);
    const opaque = fromFunction(async (x) => tensor([...x.data, 0], [1, 3]), { inputShape: [2], outputShape: [3] });
    await expect(new TracIn(opaque).influence(X, ys, x1)).rejects.toThrow(CapabilityError);
    const seen: [number, number][] = [];
    await t.influence(X, ys, x1, { checkpoints, batchSize: 30, onProgress: (p) => seen.push([p.done, p.total]) });
    expect(seen.at(-1)).toEqual([1 + 6 + 6 * 4, 1 + 6 + 6 * 4]);
    expect(seen.every(([d, n]) => d <= n)).toBe(true);
    const ac = new AbortController();
    ac.abort();
    await expect(t.influence(X, ys, x1, { signal: ac.signal })).rejects.toThrow(AbortError);
    // Aborted in the middle of the stream (after the third model call).
    const mid = new AbortController();
    await expect(t.selfInfluence(X, ys, { checkpoints, batchSize: 10, signal: mid.signal, onProgress: (p) => p.done === 3 && mid.abort() })).rejects.toThrow(AbortError);
    // A streamed set: the progress total comes from trainSize.
    async function* two() {
      yield tensor(xs.slice(0, 50).flat(), [50, 2]);
      yield tensor(xs.slice(50).flat(), [41, 2]);
    }
    const totals: number[] = [];
    await new ActivationNeighbours(final).neighbours(two(), x1, { trainSize: 91, batchSize: 50, onProgress: (p) => totals.push(p.total) });
    expect(totals).toEqual([3, 3, 3]);
  });
});

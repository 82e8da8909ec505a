/**
 * Attention internals against independent truth: hand-computed rollout products and max-flows,
 * Chefer's relevance by hand, attention probabilities recomputed in plain JS from the weights,
 * attention gradients by finite differences (layer overrides), detection of exactly the planted
 * Softmaxes, and, on the in-repo transformer, the known decisive token ranked first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AbortError, CapabilityError, InvalidArgumentError } from '../../errors.js';
import type { Graph, GraphNode } from '../../ir/graph.js';
import { graphFromJSON } from '../../ir/serialize.js';
import { createRng } from '../../random/prng.js';
import { createReferenceModel } from '../../reference-model.js';
import type { Tensor } from '../../tensor.js';
import {
  AttentionFlow,
  AttentionNotFoundError,
  AttentionRollout,
  GradientWeightedAttention,
  NotAttentionNodeError,
  RawAttention,
  attentionFlowValues,
  cheferRelevance,
  findAttentionNodes,
  maxFlow,
  rolloutMatrices,
} from './index.js';

const T = 3;
const W = [0.5, -1, 0.25, 1, 0.5, -0.5, 0, 1.5, 1]; // head b's query weights, row-major 3×3
const WC = [1, -1, 0.5, 0.3, -0.2, 0.8]; // classifier Gemm weights [2, 3]

function n(name: string, op: GraphNode['op'], inputs: string[], attrs: GraphNode['attrs'] = {}): GraphNode {
  return { name, op, inputs, outputs: [name], attrs };
}

/**
 * Input x [N, 3, 3]. Layer 0: head a A = softmax(x·xᵀ), head b A = softmax((x·W)·xᵀ / 2);
 * h1 = A_a·x + A_b·x. Layer 1: A = softmax(h1·h1ᵀ). Then a decoy Softmax over x·W (a linear
 * layer, not attention) and a classifier Softmax(Gemm(mean_t h2)).
 */
function tinyGraph(): Graph {
  const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
  return {
    name: 'tiny_attention',
    inputs: [{ name: 'x', shape: [-1, T, T] }],
    outputs: ['probs'],
    initializers: { W: t(W, [3, 3]), half: t([0.5], [1]), 'cls.w': t(WC, [2, 3]), 'cls.b': t([0, 0], [2]) },
    nodes: [
      n('xt', 'Transpose', ['x'], { perm: [0, 2, 1] }),
      n('a.qk', 'MatMul', ['x', 'xt']),
      n('a.attn', 'Softmax', ['a.qk'], { axis: -1 }),
      n('a.ctx', 'MatMul', ['a.attn', 'x']),
      n('b.q', 'MatMul', ['x', 'W']),
      n('b.qk', 'MatMul', ['b.q', 'xt']),
      n('b.scaled', 'Mul', ['b.qk', 'half']),
      n('b.attn', 'Softmax', ['b.scaled'], { axis: 2 }),
      n('b.ctx', 'MatMul', ['b.attn', 'x']),
      n('h1', 'Add', ['a.ctx', 'b.ctx']),
      n('h1t', 'Transpose', ['h1'], { perm: [0, 2, 1] }),
      n('c.qk', 'MatMul', ['h1', 'h1t']),
      n('c.attn', 'Softmax', ['c.qk'], { axis: -1 }),
      n('h2', 'MatMul', ['c.attn', 'h1']),
      n('decoy.lin', 'MatMul', ['h2', 'W']),
      n('decoy', 'Softmax', ['decoy.lin'], { axis: -1 }),
      n('pool', 'ReduceMean', ['decoy'], { axes: [1], keepdims: 0 }),
      n('logits', 'Gemm', ['pool', 'cls.w', 'cls.b'], { transB: 1 }),
      n('probs', 'Softmax', ['logits'], { axis: -1 }),
    ],
  };
}

// ---- plain-JS recomputation of the tiny graph's attention (independent of the executor) ----
type M = number[][];
const mat = (flat: ArrayLike<number>, r: number, c: number): M => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => flat[i * c + j]!));
const mul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const softmaxRows = (a: M): M => a.map((row) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
});
const add = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
const scaleM = (a: M, k: number): M => a.map((row) => row.map((v) => v * k));
const eye = (t: number): M => Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (i === j ? 1 : 0)));

function handAttention(x: M): { a: M; b: M; c: M } {
  const a = softmaxRows(mul(x, tr(x)));
  const b = softmaxRows(scaleM(mul(mul(x, mat(W, 3, 3)), tr(x)), 0.5));
  const h1 = add(mul(a, x), mul(b, x));
  const c = softmaxRows(mul(h1, tr(h1)));
  return { a, b, c };
}

function input(seed: number, rows: number): Tensor {
  const rng = createRng(seed);
  return { shape: [rows, T, T], data: Float32Array.from({ length: rows * T * T }, () => rng.uniform() * 2 - 1) };
}

function expectMatrix(actual: ArrayLike<number>, expected: M, tol: number): void {
  expected.flat().forEach((v, i) => expect(Math.abs(actual[i]! - v)).toBeLessThanOrEqual(tol));
}

describe('attention node detection', () => {
  it('finds exactly the planted attention Softmaxes (not the decoy or the classifier Softmax), with layers', () => {
    const found = findAttentionNodes(tinyGraph());
    expect(found.map((f) => [f.name, f.layer, f.heads, f.queries, f.keys, f.scores])).toEqual([
      ['a.attn', 0, 1, 3, 3, 'a.qk'],
      ['b.attn', 0, 1, 3, 3, 'b.qk'],
      ['c.attn', 1, 1, 3, 3, 'c.qk'],
    ]);
  });

  it('names its errors: no attention, a named node that is not a Softmax, an unknown node', async () => {
    const g = tinyGraph();
    const noAttn: Graph = { ...g, nodes: g.nodes.filter((x) => !x.name.endsWith('.attn')).map((x) => (x.inputs.includes('a.attn') || x.inputs.includes('b.attn') || x.inputs.includes('c.attn') ? { ...x, inputs: x.inputs.map((i) => i.replace(/^(a|b|c)\.attn$/, '$1.qk')) } : x)) };
    const x = input(1, 2);
    await expect(new AttentionRollout(createReferenceModel(noAttn)).attribute(x)).rejects.toThrow(AttentionNotFoundError);
    const model = createReferenceModel(g);
    await expect(new AttentionRollout(model).attribute(x, { nodes: ['a.qk'] })).rejects.toThrow(NotAttentionNodeError);
    await expect(new AttentionRollout(model).attribute(x, { nodes: ['nope'] })).rejects.toThrow(InvalidArgumentError);
    await expect(new AttentionRollout(model).attribute(x, { query: 3 })).rejects.toThrow(/query/);
    const opaque = { ...model, graph: undefined, capabilities: model.capabilities, layerNames: model.layerNames };
    await expect(new RawAttention(opaque).attribute(x)).rejects.toThrow(CapabilityError);
  });

  it('a named decoy Softmax is accepted when the user says so (their choice), grouped by data flow', async () => {
    const res = await new RawAttention(createReferenceModel(tinyGraph())).attribute(input(2, 1), { nodes: ['c.attn', 'a.attn'] });
    expect(res.layers.map((l) => l.nodes.map((nd) => nd.name))).toEqual([['a.attn'], ['c.attn']]);
  });
});

describe('raw attention and rollout on a hand-built graph', () => {
  it('raw attention equals softmax(Q·Kᵀ) recomputed by hand; rollout equals the hand product', async () => {
    const x = input(3, 2);
    const model = createReferenceModel(tinyGraph());
    const raw = await new RawAttention(model).attribute(x);
    const roll = await new AttentionRollout(model).attribute(x, { query: 1 });
    expect(raw.attention.shape).toEqual([2, 2, 2, 3, 3]);
    expect(roll.layers.map((l) => l.heads)).toEqual([2, 1]);
    for (let i = 0; i < 2; i++) {
      const { a, b, c } = handAttention(mat(x.data.subarray(i * 9, i * 9 + 9), 3, 3));
      const base = i * 4 * 9;
      expectMatrix(raw.attention.data.subarray(base, base + 9), a, 1e-5);
      expectMatrix(raw.attention.data.subarray(base + 9, base + 18), b, 1e-5);
      expectMatrix(raw.attention.data.subarray(base + 18, base + 27), c, 1e-5); // layer 1 head 0
      // Rollout: (0.5·c + 0.5·I) · (0.5·mean(a, b) + 0.5·I), rows of softmaxes already sum to 1.
      const l0 = add(scaleM(scaleM(add(a, b), 0.5), 0.5), scaleM(eye(3), 0.5));
      const l1 = add(scaleM(c, 0.5), scaleM(eye(3), 0.5));
      const expected = mul(l1, l0);
      expectMatrix(roll.relevance.data.subarray(i * 9, i * 9 + 9), expected, 1e-5);
      expectMatrix(roll.scores.data.subarray(i * 3, i * 3 + 3), [expected[1]!], 1e-5);
      const noRes = await new AttentionRollout(model).attribute(x, { residual: false });
      expectMatrix(noRes.relevance.data.subarray(i * 9, i * 9 + 9), mul(c, scaleM(add(a, b), 0.5)), 1e-5);
    }
  });

  it('rolloutMatrices on literal 2×2 matrices equals the product worked out by hand', () => {
    // Ã0 = 0.5·[[.2,.8],[.6,.4]] + 0.5·I = [[.6,.4],[.3,.7]]; Ã1 = [[.5+.5·.5, .25],[.05, .95]] from [[.5,.5],[.1,.9]].
    // Ã1·Ã0 = [[.75·.6+.25·.3, .75·.4+.25·.7], [.05·.6+.95·.3, .05·.4+.95·.7]] = [[.525,.475],[.315,.685]].
    const r = rolloutMatrices([Float64Array.from([0.2, 0.8, 0.6, 0.4]), Float64Array.from([0.5, 0.5, 0.1, 0.9])], 2);
    expectMatrix(r, [[0.525, 0.475], [0.315, 0.685]], 1e-12);
  });
});

describe('a multi-head Softmax [N, H, T, T] (head split by Reshape + Transpose, scale, mask)', () => {
  const WK = [1, 0, 0.5, 0, 0, 1, 0, -0.5, 0.5, 0, 1, 0, 0, 0.5, 0, 1]; // [4, 4]
  const MASK = [0, -1, -2, 0, 0, -1, 0, 0, 0]; // [1, 1, 3, 3], additive
  const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
  const graph: Graph = {
    name: 'mha',
    inputs: [{ name: 'x', shape: [-1, 3, 4] }],
    outputs: ['y'],
    initializers: { Wk: t(WK, [4, 4]), s: t([Math.SQRT2], [1]), mask: t(MASK, [1, 1, 3, 3]) },
    nodes: [
      n('q.split', 'Reshape', ['x'], { shape: [-1, 3, 2, 2] }),
      n('q', 'Transpose', ['q.split'], { perm: [0, 2, 1, 3] }),
      n('k.lin', 'MatMul', ['x', 'Wk']),
      n('k.split', 'Reshape', ['k.lin'], { shape: [-1, 3, 2, 2] }),
      n('kt', 'Transpose', ['k.split'], { perm: [0, 2, 3, 1] }),
      n('qk', 'MatMul', ['q', 'kt']),
      n('scaled', 'Div', ['qk', 's']),
      n('masked', 'Add', ['scaled', 'mask']),
      n('attn', 'Softmax', ['masked'], { axis: -1 }),
      n('ctx', 'MatMul', ['attn', 'q']),
      n('y', 'ReduceSum', ['ctx'], { axes: [1, 2], keepdims: 0 }),
    ],
  };

  it('is found as one layer of 2 heads; the maps equal softmax(q·kᵀ/√2 + mask) per head by hand', async () => {
    const found = findAttentionNodes(graph);
    expect(found.map((f) => [f.name, f.layer, f.heads, f.queries])).toEqual([['attn', 0, 2, 3]]);
    const x4: Tensor = { shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 0.7) * 1.5) };
    const res = await new AttentionRollout(createReferenceModel(graph)).attribute(x4);
    expect(res.attention.shape).toEqual([2, 1, 2, 3, 3]);
    for (let i = 0; i < 2; i++) {
      const X = mat(x4.data.subarray(i * 12, i * 12 + 12), 3, 4);
      const K = mul(X, mat(WK, 4, 4));
      const heads = [0, 1].map((h) => {
        const qh = X.map((row) => row.slice(2 * h, 2 * h + 2));
        const kh = K.map((row) => row.slice(2 * h, 2 * h + 2));
        return softmaxRows(add(scaleM(mul(qh, tr(kh)), 1 / Math.SQRT2), mat(MASK, 3, 3)));
      });
      heads.forEach((a, h) => expectMatrix(res.attention.data.subarray((i * 2 + h) * 9, (i * 2 + h + 1) * 9), a, 1e-5));
      const rolled = add(scaleM(scaleM(add(heads[0]!, heads[1]!), 0.5), 0.5), scaleM(eye(3), 0.5));
      expectMatrix(res.relevance.data.subarray(i * 9, i * 9 + 9), rolled, 1e-5);
    }
  });
});

describe('attention flow', () => {
  it('max-flow of the CLRS network is 23; flows respect capacities and conservation', () => {
    const cap = new Float64Array(36);
    const e = (u: number, v: number, c: number) => void (cap[u * 6 + v] = c);
    e(0, 1, 16); e(0, 2, 13); e(1, 3, 12); e(2, 1, 4); e(2, 4, 14); e(3, 2, 9); e(3, 5, 20); e(4, 3, 7); e(4, 5, 4);
    const { value, flow } = maxFlow(cap, 6, 0, 5);
    expect(value).toBeCloseTo(23, 12);
    for (let i = 0; i < 36; i++) expect(flow[i]!).toBeLessThanOrEqual(cap[i]! + 1e-12);
    for (let v = 1; v < 5; v++) {
      let net = 0;
      for (let u = 0; u < 6; u++) net += flow[u * 6 + v]! - flow[v * 6 + u]!;
      expect(Math.abs(net)).toBeLessThan(1e-12);
    }
    expect(() => maxFlow(Float64Array.from([0, -1, 0, 0]), 2, 0, 1)).toThrow(InvalidArgumentError);
  });

  it('two layers: flow(i → j) = Σ_k min(A1[i,k], A0[k,j]) (disjoint two-edge paths), ≤ both cuts', () => {
    const rng = createRng(11);
    const t = 4;
    const rand = () => Float64Array.from({ length: t * t }, () => rng.uniform());
    const a0 = rand();
    const a1 = rand();
    const flow = attentionFlowValues([a0, a1], t);
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) {
        let want = 0;
        let out = 0;
        let inn = 0;
        for (let k = 0; k < t; k++) {
          want += Math.min(a1[i * t + k]!, a0[k * t + j]!);
          out += a1[i * t + k]!;
          inn += a0[k * t + j]!;
        }
        expect(flow[i * t + j]!).toBeCloseTo(want, 10);
        expect(flow[i * t + j]!).toBeLessThanOrEqual(Math.min(out, inn) + 1e-12);
      }
    }
  });

  it('AttentionFlow on the tiny graph: rows are the normalised hand max-flows; progress per example; abort', async () => {
    const x = input(4, 2);
    const seen: number[] = [];
    const res = await new AttentionFlow(createReferenceModel(tinyGraph())).attribute(x, { onProgress: (p) => seen.push(p.done / p.total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBe(3);
    for (let i = 0; i < 2; i++) {
      const { a, b, c } = handAttention(mat(x.data.subarray(i * 9, i * 9 + 9), 3, 3));
      const l0 = add(scaleM(scaleM(add(a, b), 0.5), 0.5), scaleM(eye(3), 0.5));
      const l1 = add(scaleM(c, 0.5), scaleM(eye(3), 0.5));
      const f = l1.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + Math.min(v, l0[k]![j]!), 0)));
      expectMatrix(res.relevance.data.subarray(i * 9, i * 9 + 9), f.map((row) => row.map((v) => v / row.reduce((p, q) => p + q, 0))), 1e-5);
    }
    const ac = new AbortController();
    ac.abort();
    await expect(new AttentionFlow(createReferenceModel(tinyGraph())).attribute(x, { signal: ac.signal })).rejects.toThrow(AbortError);
  });
});

describe('gradient-weighted attention (Chefer et al. 2021)', () => {
  it('cheferRelevance on literal matrices equals the hand computation', () => {
    // Ā0 = [[.2, 0],[.4, .1]]: R1 = I + Ā0 = [[1.2, 0],[.4, 1.1]].
    // Ā1 = [[0, .5],[0, 0]]: Ā1·R1 = [[.2, .55],[0, 0]]; R2 = [[1.4, .55],[.4, 1.1]].
    const r = cheferRelevance([Float64Array.from([0.2, 0, 0.4, 0.1]), Float64Array.from([0, 0.5, 0, 0])], 2);
    expectMatrix(r, [[1.4, 0.55], [0.4, 1.1]], 1e-12);
  });

  it('on the tiny graph: tapped gradients match finite differences; R is built from (∇A ⊙ A)⁺ by hand', async () => {
    const x = input(5, 1);
    const model = createReferenceModel(tinyGraph());
    const res = await new GradientWeightedAttention(model).attribute(x, { target: 1 });
    expect(res.targets).toEqual([1]);
    const g = res.gradients!.data;
    const att = res.attention.data;
    // Finite differences of probs[1] in one entry of each attention map, by overriding the node.
    for (const [name, offset] of [['a.attn', 0], ['c.attn', 18]] as const) {
      const base = att.slice(offset, offset + 9);
      const f = async (eps: number) => {
        const o = Float32Array.from(base);
        o[4] += eps;
        const r = await model.gradient(x, { seed: { kind: 'index', indices: [1] }, overrides: { [name]: { shape: [1, 3, 3], data: o } } });
        return r.outputs.data[1]!;
      };
      const fd = ((await f(1e-2)) - (await f(-1e-2))) / 2e-2;
      expect(g[offset + 4]!).toBeCloseTo(fd, 3);
    }
    const pos = (i: number) => Math.max(0, att[i]! * g[i]!);
    const a0 = Array.from({ length: 9 }, (_, k) => (pos(k) + pos(9 + k)) / 2);
    const a1 = Array.from({ length: 9 }, (_, k) => pos(18 + k));
    const r1 = add(eye(3), mat(a0, 3, 3));
    const r2 = add(r1, mul(mat(a1, 3, 3), r1));
    expectMatrix(res.relevance.data, r2, 1e-5);
  });
});

describe('the in-repo transformer (apps/demo/transformer)', () => {
  const dir = fileURLToPath(new URL('../../../../../apps/demo/transformer/', import.meta.url));
  const graph = graphFromJSON(JSON.parse(readFileSync(`${dir}model.graph.json`, 'utf8')));
  const meta = JSON.parse(readFileSync(`${dir}meta.json`, 'utf8')) as { attentionNodes: string[]; samples: { tokens: number[][]; markers: number[] } };
  const rows = meta.samples.tokens;
  const x: Tensor = { shape: [rows.length, 10, 8], data: new Float32Array(rows.length * 80) };
  rows.forEach((row, i) => row.forEach((t, p) => (x.data[(i * 10 + p) * 8 + t] = 1)));

  it('detects its four per-head Softmaxes in two layers, not the classifier Softmax', () => {
    const found = findAttentionNodes(graph);
    expect(found.map((f) => f.name)).toEqual(meta.attentionNodes);
    expect(found.map((f) => f.layer)).toEqual([0, 0, 1, 1]);
  });

  // Chance is 1/9 per example (32 seeded examples). Rollout and flow follow the layer-0 heads
  // that look at the marker. The classifier is saturated (p ≈ 0.95 on every example, the marker's
  // attention ≈ 0.9), so the gradients of the attention are small and spread over distractors
  // too: Chefer's relevance ranks the marker first less often, still far above chance
  // (P(≥ 16 of 32 | p = 1/9) < 1e-6), and in its top 3 for most.
  it.each([
    ['rollout', AttentionRollout, 0.9, 1],
    ['flow', AttentionFlow, 0.9, 1],
    ['grad-attention', GradientWeightedAttention, 0.5, 0.75],
  ] as const)('%s ranks the marker token first among the non-[CLS] tokens for most examples', async (_name, Method, first, top3) => {
    const res = await new Method(createReferenceModel(graph)).attribute(x);
    let hits = 0;
    let inTop3 = 0;
    for (let i = 0; i < rows.length; i++) {
      const s = Array.from(res.scores.data.subarray(i * 10 + 1, i * 10 + 10));
      const rank = s.filter((v) => v > s[meta.samples.markers[i]! - 1]!).length;
      if (rank === 0) hits++;
      if (rank < 3) inTop3++;
    }
    expect(hits / rows.length).toBeGreaterThanOrEqual(first);
    expect(inTop3 / rows.length).toBeGreaterThanOrEqual(top3);
  });
});

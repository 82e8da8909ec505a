/**
 * `glasswing attention` on the in-repo transformer (apps/demo/transformer): the hand-built ONNX
 * file in ONNX Runtime computes what the Glasswing graph computes on the reference executor, and
 * raw attention, rollout, flow and gradient-weighted attention agree across every adapter
 * (reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs-cpu) with the reference executor.
 * The TensorFlow.js LayersModel of the same weights (tfjs/model.json) gives the ONNX file's raw
 * attention, rollout and gradient-weighted attention on reference and tfjs-wasm, and inspect lists
 * its attention nodes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReferenceModel, graphFromJSON } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { GRAPH as GRAPH_TINY, expectClose, pngSize, run, tempDir, writeJson } from './helpers.js';

const DIR = fileURLToPath(new URL('../../../../apps/demo/transformer/', import.meta.url));
const ONNX = join(DIR, 'model.onnx');
const GRAPH = join(DIR, 'model.graph.json');
const TFJS = join(DIR, 'tfjs', 'model.json');
const META = join(DIR, 'meta.json');
const meta = JSON.parse(readFileSync(META, 'utf8')) as { samples: { tokens: number[][]; markers: number[] }; attentionNodes: string[] };
const TOKENS = meta.samples.tokens.slice(0, 4);

interface Out {
  format: string;
  method: string;
  adapter: string;
  layers: { index: number; heads: number; nodes: { name: string }[] }[];
  examples: { tokens: string[]; target: number; outputs: number[]; scores: number[]; relevance: number[][]; attention: number[][][][] }[];
}

describe('glasswing attention', () => {
  const dir = tempDir();
  const input = writeJson(dir, 'tokens.json', { tokens: TOKENS });

  it('the ONNX file (ONNX Runtime) and the graph JSON (reference executor) compute the same probabilities', async () => {
    const { fromOnnx } = await import('@glasswing/onnx');
    const ort = await fromOnnx(new Uint8Array(readFileSync(ONNX)), { runtime: 'onnx-node' });
    const ref = createReferenceModel(graphFromJSON(JSON.parse(readFileSync(GRAPH, 'utf8'))));
    const x = { shape: [4, 10, 8], data: new Float32Array(320) };
    TOKENS.forEach((row, i) => row.forEach((t, p) => (x.data[(i * 10 + p) * 8 + t] = 1)));
    const a = await ort.forward(x);
    const b = await ref.forward(x);
    expectClose(Array.from(a.data), Array.from(b.data), 1e-5);
    // The model answers the marker (A → class 0, B → class 1) on these examples.
    TOKENS.forEach((row, i) => expect(b.data[i * 2 + (row.includes(1) ? 0 : 1)]!).toBeGreaterThan(0.9));
    await ort.dispose();
  });

  const adapters = ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'] as const;
  it.each(['raw', 'rollout', 'flow', 'grad-attention'] as const)('%s agrees on every adapter', async (method) => {
    const results: Out[] = [];
    for (const adapter of adapters) {
      const model = adapter.startsWith('onnx') ? ONNX : GRAPH;
      const out = join(dir, `${method}-${adapter}.json`);
      const r = await run(['attention', '--model', model, '--input', input, '--vocab', META, '--method', method, '--adapter', adapter, '--out', out, '--no-progress']);
      expect(r.stderr).toMatch(new RegExp(`^attention \\(${method}\\): 4 examples, 2 layers, 4 heads, .* on ${adapter}\\n$`));
      expect(r.code).toBe(0);
      results.push(JSON.parse(readFileSync(out, 'utf8')) as Out);
    }
    const ref = results[0]!;
    expect(ref.format).toBe('glasswing-attention/1');
    expect(ref.layers.map((l) => l.nodes.map((n) => n.name))).toEqual([meta.attentionNodes.slice(0, 2), meta.attentionNodes.slice(2)]);
    expect(ref.examples[0]!.tokens[0]).toBe('[CLS]');
    // Gradient-weighted relevance beyond the identity is ~1e-4 on this confident model: compare tighter.
    const tol = method === 'grad-attention' ? 2e-6 : 1e-4;
    for (const res of results.slice(1)) {
      for (let i = 0; i < 4; i++) {
        expectClose(res.examples[i]!.attention.flat(3), ref.examples[i]!.attention.flat(3), 1e-4);
        expectClose(res.examples[i]!.relevance.flat(), ref.examples[i]!.relevance.flat(), tol);
        expect(res.examples[i]!.target).toBe(ref.examples[i]!.target);
      }
    }
    if (method !== 'raw') {
      // The decisive token (the marker) has the largest score after [CLS] on the reference.
      ref.examples.forEach((e, i) => {
        const s = e.scores.slice(1);
        if (method !== 'grad-attention') expect(1 + s.indexOf(Math.max(...s))).toBe(meta.samples.markers[i]);
      });
    }
  });

  it.each(['raw', 'rollout', 'grad-attention'] as const)('%s on the TensorFlow.js LayersModel (reference, tfjs-wasm) equals the ONNX file in ONNX Runtime', async (method) => {
    const go = async (model: string, adapter: string): Promise<Out> => {
      const out = join(dir, `tfjs-${method}-${adapter}-${model === ONNX ? 'onnx' : 'tfjs'}.json`);
      const r = await run(['attention', '--model', model, '--input', input, '--vocab', META, '--method', method, '--adapter', adapter, '--out', out, '--no-progress']);
      expect(r.stderr).toMatch(new RegExp(`^attention \\(${method}\\): 4 examples, 2 layers, 4 heads, .* on ${adapter}\\n$`));
      expect(r.code).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as Out;
    };
    const onnx = await go(ONNX, 'onnx-node');
    for (const adapter of ['reference', 'tfjs-wasm']) {
      const res = await go(TFJS, adapter);
      expect(res.layers.map((l) => l.nodes.map((n) => n.name))).toEqual(onnx.layers.map((l) => l.nodes.map((n) => n.name)));
      for (let i = 0; i < 4; i++) {
        expectClose(res.examples[i]!.attention.flat(3), onnx.examples[i]!.attention.flat(3), 1e-5);
        // Gradient-weighted relevance beyond the identity is ~1e-4 on this confident model: compare tighter.
        expectClose(res.examples[i]!.relevance.flat(), onnx.examples[i]!.relevance.flat(), method === 'grad-attention' ? 2e-6 : 1e-5);
        expectClose(res.examples[i]!.outputs, onnx.examples[i]!.outputs, 1e-5);
        expect(res.examples[i]!.target).toBe(onnx.examples[i]!.target);
        if (method === 'rollout') {
          const s = res.examples[i]!.scores.slice(1);
          expect(1 + s.indexOf(Math.max(...s))).toBe(meta.samples.markers[i]);
        }
      }
    }
  });

  it('draws heat maps and arcs (PNG, SVG) with the tokens as labels', async () => {
    const png = join(dir, 'raw.png');
    const svg = join(dir, 'raw.svg');
    const arcs = join(dir, 'arcs.svg');
    const r = await run(['attention', '--model', GRAPH, '--input', input, '--vocab', META, '--method', 'raw', '--adapter', 'reference', '--png', png, '--svg', svg, '--arcs', arcs, '--out', join(dir, 'r.json'), '--no-progress']);
    expect(r.code).toBe(0);
    const size = pngSize(new Uint8Array(readFileSync(png)));
    expect(size.width).toBeGreaterThan(500); // two heads side by side
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain('layer 1 · head 1');
    expect(text).toContain('[CLS]');
    expect(readFileSync(arcs, 'utf8').match(/<path /g)?.length).toBeGreaterThan(3);
  });

  it('inspect lists the detected attention nodes (and not the classifier Softmax)', async () => {
    const r = await run(['inspect', '--model', ONNX, '--json', '--adapter', 'reference']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { attention: { name: string; layer: number; heads: number; queries: number }[] };
    expect(info.attention.map((a) => [a.name, a.layer, a.heads, a.queries])).toEqual(meta.attentionNodes.map((n, i) => [n, i < 2 ? 0 : 1, 1, 10]));
  });

  it('inspect lists the attention nodes of the TensorFlow.js LayersModel', async () => {
    const r = await run(['inspect', '--model', TFJS, '--json', '--adapter', 'reference']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { attention: { name: string; layer: number; heads: number; queries: number }[] };
    expect(info.attention.map((a) => [a.name, a.layer, a.heads, a.queries])).toEqual(meta.attentionNodes.map((n, i) => [n, i < 2 ? 0 : 1, 1, 10]));
  });

  it('glasswing report has an Attention section for the transformer, none for a model without attention', async () => {
    const x = writeJson(dir, 'x.json', { shape: [2, 10, 8], data: TOKENS.slice(0, 2).flatMap((row) => row.flatMap((t) => Array.from({ length: 8 }, (_, k) => (k === t ? 1 : 0)))) });
    const html = join(dir, 'report.html');
    const r = await run(['report', '--model', ONNX, '--input', x, '--methods', 'saliency', '--adapter', 'reference', '--out', html, '--no-progress']);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const at = page.indexOf('id="attention"');
    expect(at).toBeGreaterThan(0);
    const sec = page.slice(at);
    expect(sec).toContain('l1.h1.attention');
    expect(sec).toContain('alt="attention rollout, example 1"');
    expect(sec).toContain('alt="gradient-weighted attention, example 0"');
    const other = join(dir, 'other.html');
    const r2 = await run(['report', '--model', GRAPH_TINY, '--input', writeJson(dir, 'tx.json', { shape: [1, 6], data: [1, 2, 3, 4, 5, 6] }), '--methods', 'saliency', '--adapter', 'reference', '--out', other, '--no-progress']);
    expect(r2.code).toBe(0);
    expect(readFileSync(other, 'utf8')).not.toContain('id="attention"');
  });

  it('reports bad requests clearly', async () => {
    const help = await run(['attention', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--method <m>');
    const notSoftmax = await run(['attention', '--model', GRAPH, '--input', input, '--layers', 'l0.h0.qk', '--adapter', 'reference', '--no-progress']);
    expect(notSoftmax.code).toBe(1);
    expect(notSoftmax.stderr).toMatch(/'l0\.h0\.qk' is a MatMul, not a Softmax/);
    const target = await run(['attention', '--model', GRAPH, '--input', input, '--target', '1']);
    expect(target.code).toBe(2);
    const badId = await run(['attention', '--model', GRAPH, '--input', writeJson(dir, 'bad.json', { tokens: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }), '--adapter', 'reference', '--no-progress']);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/token id 8, outside the vocabulary \[0, 7\]/);
    const named = await run(['attention', '--model', GRAPH, '--input', input, '--layers', 'l1.h0.attention,l1.h1.attention', '--adapter', 'reference', '--no-progress']);
    expect(named.code).toBe(0);
    expect((JSON.parse(named.stdout) as Out).layers).toHaveLength(1);
  });
});

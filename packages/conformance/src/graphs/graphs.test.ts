import { createReferenceModel, OP_TYPES, validateGraph, type Tensor } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { suiteRng } from '../rng.js';
import { cnnNchwGraph, cnnNhwcGraph, conformanceGraphs } from './index.js';

describe('conformanceGraphs', () => {
  it('together use every op in OP_TYPES', () => {
    const used = new Set(conformanceGraphs().flatMap((g) => g.graph.nodes.map((n) => n.op)));
    const missing = OP_TYPES.filter((op) => !used.has(op));
    expect(missing).toEqual([]);
  });

  it('are valid graphs with unique ids, and taps/cut/relus name real nodes', () => {
    const graphs = conformanceGraphs();
    expect(new Set(graphs.map((g) => g.id)).size).toBe(graphs.length);
    for (const g of graphs) {
      expect(() => validateGraph(g.graph)).not.toThrow();
      const names = new Set(g.graph.nodes.map((n) => n.name));
      for (const l of [...g.taps, g.cut, ...g.reluNodes]) expect(names.has(l), `${g.id}: ${l}`).toBe(true);
      for (const r of g.reluNodes) expect(g.graph.nodes.find((n) => n.name === r)!.op).toBe('Relu');
    }
  });

  it('are deterministic (seeded weights)', () => {
    const a = conformanceGraphs();
    const b = conformanceGraphs();
    for (let i = 0; i < a.length; i++) {
      for (const [name, t] of Object.entries(a[i]!.graph.initializers)) {
        expect(Array.from(b[i]!.graph.initializers[name]!.data)).toEqual(Array.from(t.data));
      }
    }
  });

  it('declare the output size the reference executor produces', async () => {
    for (const g of conformanceGraphs()) {
      const model = createReferenceModel(g.graph);
      expect(model.inputShape).toEqual(g.inputShape);
      expect(model.outputShape.reduce((p, d) => p * d, 1)).toBe(g.outputSize);
      const y = await model.forward({ shape: [2, ...g.inputShape], data: suiteRng(1).normals(2 * g.inputShape.reduce((p, d) => p * d, 1)) });
      expect(y.shape).toEqual([2, ...model.outputShape]);
    }
  });

  it('the NHWC CNN computes the NCHW CNN on the transposed input (layout conventions are consistent)', async () => {
    const nchw = createReferenceModel(cnnNchwGraph().graph);
    const nhwc = createReferenceModel(cnnNhwcGraph().graph);
    const [n, c, h, w] = [2, 2, 8, 8];
    const x: Tensor = { shape: [n, c, h, w], data: suiteRng(9).normals(n * c * h * w) };
    const xt = new Float32Array(x.data.length);
    for (let b = 0; b < n; b++)
      for (let ci = 0; ci < c; ci++)
        for (let y = 0; y < h; y++)
          for (let xi = 0; xi < w; xi++) xt[((b * h + y) * w + xi) * c + ci] = x.data[((b * c + ci) * h + y) * w + xi]!;
    const a = await nchw.forward(x);
    const b = await nhwc.forward({ shape: [n, h, w, c], data: xt });
    expect(b.shape).toEqual(a.shape);
    for (let i = 0; i < a.data.length; i++) expect(b.data[i]).toBeCloseTo(a.data[i]!, 5);
    // and the function is not trivial
    expect(Math.max(...Array.from(a.data, Math.abs))).toBeGreaterThan(0.05);
  });
});

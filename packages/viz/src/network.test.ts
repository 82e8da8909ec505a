import type { Graph, GraphNode } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { labelProblems } from './labels.js';
import { formatCount, networkDiagramLayout, networkDiagramSvg, summarizeGraph } from './network.js';
import { branchGraph } from './test/graphs.js';

describe('graph summary', () => {
  it('counts parameters per layer and in total, with producers and shapes', () => {
    const s = summarizeGraph(branchGraph());
    const by = Object.fromEntries(s.layers.map((l) => [l.name, l]));
    expect(by['d1']!.params).toBe(15);
    expect(by['d2']!.params).toBe(12);
    expect(by['out<&>']!.params).toBe(14);
    expect(by['r1']!.params).toBe(0);
    expect(s.totalParams).toBe(41);
    expect(by['cat']!.from).toEqual(['r1', 'd2']);
    expect(by['cat']!.outputShape).toEqual([-1, 6]);
    expect(s.edges).toHaveLength(7);
  });
});

describe('network diagram', () => {
  const svg = networkDiagramSvg(branchGraph(), { title: 'demo' });
  it('draws every node with op and parameter count, escaping names', () => {
    for (const n of ['x', 'd1', 'r1', 'd2', 'cat', 'out&lt;&amp;&gt;', 'sm']) expect(svg).toContain(`data-node="${n}"`);
    expect(svg).not.toContain('out<&>');
    expect(svg).toContain('data-params="15"');
    expect(svg).toContain('15 params');
    expect(svg).toContain('Concat → N×6');
    expect(svg).toContain(`${formatCount(41)} parameters`);
  });
  it('draws every edge of the DAG, including both branches into the merge', () => {
    const edges = [...svg.matchAll(/class="edge" data-from="([^"]*)" data-to="([^"]*)"/g)].map((m) => `${m[1]}->${m[2]}`);
    expect(edges.sort()).toEqual(
      ['x->d1', 'd1->r1', 'x->d2', 'r1->cat', 'd2->cat', 'cat->out&lt;&amp;&gt;', 'out&lt;&amp;&gt;->sm'].sort(),
    );
  });
  it('puts the branches side by side (same rank) and the merge below both', () => {
    const y = (n: string) => Number(new RegExp(`data-node="${n}"[^]*?<rect x="[^"]*" y="([^"]*)"`).exec(svg)![1]);
    expect(y('d1')).toBe(y('d2'));
    expect(y('cat')).toBeGreaterThan(y('r1'));
    expect(svg).toContain('class="legend"');
    expect(svg).not.toContain('NaN');
  });
  it('formats counts with thousands separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

/** A chain through every op category, with Keras-style and long path-like layer names. */
function everyCategoryChain(names: readonly string[]): Graph {
  const ops = ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Add', 'Softmax'] as GraphNode['op'][];
  let prev = 'x';
  const nodes = ops.map((op, i) => {
    const out = `t${i}`;
    const node = { name: names[i % names.length]!, op, inputs: op === 'Add' ? [prev, prev] : [prev], outputs: [out], attrs: {} };
    prev = out;
    return node;
  });
  return { name: 'every_category', inputs: [{ name: 'x', shape: [-1, 3, 8, 8] }], outputs: [prev], initializers: {}, nodes };
}

/** `k` parallel dense branches merged by one Concat: a wide diagram. */
function wideGraph(k: number): Graph {
  const nodes: GraphNode[] = Array.from({ length: k }, (_, i) => ({ name: `dense_${i + 1} (Dense)`, op: 'Gemm', inputs: ['x'], outputs: [`h${i}`], attrs: {} }));
  nodes.push({ name: 'concatenate (Concatenate)', op: 'Concat', inputs: nodes.map((n) => n.outputs[0]!), outputs: ['y'], attrs: { axis: 1 } });
  return { name: 'wide', inputs: [{ name: 'x', shape: [-1, 4] }], outputs: ['y'], initializers: {}, nodes };
}

describe('network diagram labels', () => {
  const cases: [string, Graph, string | undefined][] = [
    ['branchy', branchGraph(), 'demo'],
    ['keras names', everyCategoryChain(['conv2d (Conv2D)', 'batch_normalization (BatchNormalization)', 're_lu (ReLU)', 'max_pooling2d (MaxPooling2D)', 'flatten (Flatten)', 'dense_1 (Dense)', 'add (Add)', 'softmax (Softmax)']), 'a model title long enough that it has to wrap onto a second line in a narrow diagram'],
    ['path names', everyCategoryChain(['sequential/conv2d/Conv2D', 'sequential/batch_normalization/FusedBatchNormV3', 'sequential/re_lu/Relu', 'sequential/max_pooling2d/MaxPool', 'sequential/flatten/Reshape', 'sequential/dense_1/MatMul;sequential/dense_1/BiasAdd;sequential/dense_1/Relu', 'sequential/add/add', 'sequential/softmax/Softmax']), undefined],
    ['wide 2', wideGraph(2), 'wide'],
    ['wide 9', wideGraph(9), undefined],
  ];
  for (const [what, graph, title] of cases) {
    it(`${what}: every label inside its box and the picture, legend complete`, () => {
      const d = networkDiagramLayout(graph, title ? { title } : {});
      expect(labelProblems(d.labels, { x: 0, y: 0, width: d.width, height: d.height })).toEqual([]);
      const cats = new Set(['input', ...d.nodes.map((n) => n.category)]);
      expect(d.legend.items.map((i) => i.category).sort()).toEqual([...cats].sort());
      for (const item of d.legend.items) {
        expect(item.label.truncated).toBe(false);
        expect(item.swatch.x + item.swatch.width).toBeLessThanOrEqual(d.legend.area.x + d.legend.area.width);
        expect(item.label.x + item.label.width).toBeLessThanOrEqual(d.width - 12);
      }
      expect(d.legend.notes.map((l) => l.text).join(' ')).toContain('parameters');
      // node text stays inside its node's box
      for (const n of d.nodes) {
        for (const l of n.labels) {
          expect(l.x).toBeGreaterThanOrEqual(n.box.x);
          expect(l.x + l.width).toBeLessThanOrEqual(n.box.x + n.box.width);
        }
        // the name is all there (on two lines if needed) unless it needs more than two
        const name = n.labels.filter((l) => l.role === 'node-name');
        if ([...n.name].length <= 60) expect(name.map((l) => l.text).join('').replace(/ /g, '')).toBe(n.name.replace(/ /g, ''));
        if ([...n.name].length <= 40) expect(name).toHaveLength(1);
      }
      const svg = networkDiagramSvg(graph, title ? { title } : {});
      for (const c of cats) expect(svg).toContain(`>${c}</text>`);
    });
  }
  it('wraps the legend into rows when the categories do not fit one row', () => {
    const d = networkDiagramLayout(everyCategoryChain(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']));
    const rows = new Set(d.legend.items.map((i) => i.swatch.y));
    expect(d.width).toBe(420);
    expect(rows.size).toBeGreaterThan(1);
  });
});

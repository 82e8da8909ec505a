import { describe, expect, it } from 'vitest';
import { formatCount, networkDiagramSvg, summarizeGraph } from './network.js';
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

/**
 * Output safety (issue 16): every SVG / HTML picture escapes model-supplied strings — feature and
 * layer names, labels, class names, tokens, titles — and neutralises bidi controls. Each picture is
 * drawn with hostile strings (markup-safety.ts) and scanned: no script element, no event attribute,
 * no attribute breakout, no network reference, no raw bidi control; the hostile text still shows.
 */
import { fitDecisionTree, tensor, treeRules, type EvaluateResult, type Graph } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { activationStats, activationStatsSvg } from './activations.js';
import { tcavChartSvg } from './concepts.js';
import { counterfactualChartSvg } from './counterfactual.js';
import { ruleTableSvg, treeDiagramSvg } from './surrogate.js';
import { attentionArcsSvg, attentionHeatmapSvg } from './attention.js';
import { beeswarmSvg, dependencePlotSvg } from './dataset.js';
import { imageAttrGridSvg } from './grid.js';
import { metricCurvesSvg, metricHeatTableSvg } from './metric-table.js';
import { networkDiagramSvg } from './network.js';
import { randomisationStripSvg } from './randomisation.js';
import { escapeXml } from './svg.js';
import { barChartSvg, forcePlotSvg, waterfallSvg } from './tabular.js';
import { tokenHighlightHtml, tokenHighlightSvg } from './text.js';
import { histogramSvg, weightHistogramsSvg } from './weights.js';
import { BIDI, HOSTILE, markupProblems } from './testing/markup-safety.js';

const H = HOSTILE;
const F = H.length;
const vals = (n: number, s: number) => Array.from({ length: n }, (_, j) => Math.sin(s + j * 2.3) * (j + 1) * 0.1);

function safe(what: string, doc: string): void {
  expect(markupProblems(doc), what).toEqual([]);
  expect(doc, what).not.toMatch(/<script/i);
}

describe('escapeXml', () => {
  it('escapes the five markup characters and replaces bidi controls and XML-illegal controls with U+FFFD', () => {
    expect(escapeXml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeXml('evil\u202Egnp.exe')).toBe('evil\uFFFDgnp.exe');
    for (const c of ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(escapeXml(`a${c}b`), `U+${c.codePointAt(0)!.toString(16)}`).toBe('a\uFFFDb');
    }
    expect(escapeXml('a\u0000b\u001Fc')).toBe('a\uFFFDb\uFFFDc');
    // ordinary right-to-left text stays as it is
    expect(escapeXml('שלום مرحبا')).toBe('שלום مرحبا');
  });
  it('the scanner catches what escaping prevents (it can fail)', () => {
    expect(markupProblems('<svg><text>" onload="x</text></svg>')).toEqual([]);
    expect(markupProblems('<svg><g data-x="" onload="alert(1)"></g></svg>')).toEqual(['event attribute onload="alert(1)"']);
    expect(markupProblems('<p><script>alert(1)</script></p>')).toContain('<script> element');
    expect(markupProblems('<img src="https://x.example/a.png">')).toEqual(['src="https://x.example/a.png"']);
    expect(markupProblems('<p>a\u202Eb</p>')).toEqual(['raw bidi control U+202E']);
    expect(markupProblems('<div style="background:url(http://x)"></div>')).toEqual(['CSS url(http://x)']);
  });
});

describe('pictures with hostile names', () => {
  it('bar chart, waterfall, force plot, beeswarm, dependence plot (feature names, titles)', () => {
    for (const title of H) {
      const o = { featureNames: H, featureValues: vals(F, 9), title };
      safe('bar', barChartSvg(vals(F, 1), o));
      safe('waterfall', waterfallSvg({ ...o, baseValue: 0.3, values: vals(F, 2) }));
      safe('force', forcePlotSvg({ ...o, baseValue: 0.3, values: vals(F, 3) }));
      const a = Array.from({ length: 12 }, (_, i) => vals(F, i));
      safe('beeswarm', beeswarmSvg(a, { featureNames: H, featureValues: a, title }));
      safe('dependence', dependencePlotSvg(a, 1, { featureNames: H, featureValues: a, colorBy: 2, title }));
    }
  });

  it('network diagram, weight histograms, activation statistics (layer, tensor and graph names)', () => {
    const g: Graph = {
      name: H[7]!,
      inputs: [{ name: H[1]!, shape: [-1, 4] }],
      outputs: [H[3]!],
      initializers: { [H[2]!]: tensor(vals(12, 1), [4, 3]), [H[4]!]: tensor([0.1, -0.2, 0.3], [3]) },
      nodes: [
        { name: H[0]!, op: 'Gemm', inputs: [H[1]!, H[2]!, H[4]!], outputs: [H[6]!], attrs: {} },
        { name: H[5]!, op: 'Relu', inputs: [H[6]!], outputs: [H[3]!], attrs: {} },
      ],
    };
    safe('diagram', networkDiagramSvg(g, { title: H[0] }));
    safe('histograms', weightHistogramsSvg(g));
    safe('histogram', histogramSvg([1, 2, 3], { title: H[0]!, xLabel: H[1]! }));
    const acts = { [H[0]!]: tensor([1, -1, 2, 0, 3, -2], [2, 3]), [H[5]!]: tensor([1, 0, 2, 0, 3, 0], [2, 3]) };
    safe('activations', activationStatsSvg(activationStats(g, acts), { title: H[1] }));
  });

  it('token highlighting (SVG and HTML), attention heatmap and arcs (tokens)', () => {
    const a = vals(F, 4);
    safe('tokens svg', tokenHighlightSvg(H, a, { title: H[0] }));
    const html = tokenHighlightHtml(H, a, { title: H[1] });
    safe('tokens html', html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const m = Array.from({ length: F * F }, (_, i) => (i % (F + 1) === 0 ? 1 : 0.1));
    safe('attention heatmap', attentionHeatmapSvg([{ title: H[0]!, matrix: m }, { title: H[4]!, matrix: m }], { tokens: H, title: H[1] }));
    safe('attention arcs', attentionArcsSvg(H, m, { title: H[2] }));
  });

  it('image grid and randomisation strip (method names, panel titles, layer labels)', () => {
    const img = tensor(Array.from({ length: 64 }, (_, i) => (i % 9) / 9), [8, 8]);
    safe('grid', imageAttrGridSvg([{ title: H[0]! }, { title: H[1]!, attribution: img, method: 'masked_image' }], { image: img, title: H[2] }));
    safe('strip', randomisationStripSvg({ maps: [img, img, img], labels: [H[0]!, H[4]!, H[1]!], similarities: [0.5, 0.1], image: img, title: H[3] }));
  });

  it('metric heat table and curves (metric and method ids, titles, n/a reasons)', () => {
    const curve = (label: string) => ({ label, xLabel: H[1]!, x: [0, 0.5, 1], y: [[1, 0.5, 0], [1, 0.4, 0]] });
    const r: EvaluateResult = {
      examples: 2,
      targets: [0, 1],
      seed: 3,
      metrics: [{ id: H[0]!, title: H[1]!, family: 'faithfulness', higherIsBetter: false, options: {} }],
      methods: [
        { method: H[4]!, title: H[2]!, control: false, meanRank: 1, overallRank: 1 },
        { method: H[7]!, title: H[5]!, control: true, meanRank: 2, overallRank: 2 },
      ],
      cells: [
        { method: H[4]!, metric: H[0]!, status: 'ok', mean: 0.2, scores: [0.1, 0.3], rank: 1, curves: [curve(H[6]!)] },
        { method: H[7]!, metric: H[0]!, status: 'n/a', reason: H[8]! },
      ],
    };
    safe('heat table', metricHeatTableSvg(r, { title: H[3] }));
    safe('curves', metricCurvesSvg(r, { title: H[3] }));
  });

  it('surrogate tree and rule table, counterfactual chart, TCAV chart (feature, class, concept and layer names)', () => {
    const tree = fitDecisionTree([0, 0, 1, 1, 2, 0, 3, 0, 2, 1, 3, 1], [0, 0, 1, 1, 2, 2], 2, { task: 'classification', maxDepth: 3 });
    for (const k of [0, 2, 4, 6]) {
      const featureNames = [H[k]!, H[k + 1]!];
      const classNames = [H[(k + 2) % F]!, H[(k + 3) % F]!, H[(k + 4) % F]!];
      safe('tree', treeDiagramSvg({ tree, featureNames, classNames, title: H[k] }));
      safe('rules', ruleTableSvg({ rules: treeRules(tree, featureNames, classNames), task: 'classification', title: H[k + 1] }));
    }
    safe(
      'counterfactual',
      counterfactualChartSvg({
        title: H[0],
        subtitle: H[4],
        before: H[1]!,
        counterfactuals: [{ after: H[2]!, note: H[5], changes: H.map((name, j) => ({ name, before: j, after: j + 1 })), categories: [{ name: H[6]!, before: H[7]!, after: H[8]! }] }],
      }),
    );
    safe(
      'tcav',
      tcavChartSvg({
        cells: H.slice(0, 3).map((concept, j) => ({ concept, layer: H[4]!, mean: 0.5 + j / 10, std: 0.1, scores: [0.5, 0.6], pValue: 0.01, significant: j > 0 })),
        random: [{ layer: H[4]!, mean: 0.4, std: 0.1, scores: [0.4, 0.5] }],
        title: H[7],
        subtitle: H[6],
        seriesLabel: H[1],
      }),
    );
  });

  it('no output keeps a bidi control (sanity of the scan)', () => {
    expect(BIDI.test(H[4]!)).toBe(true);
  });
});

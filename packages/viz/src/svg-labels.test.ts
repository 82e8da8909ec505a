/**
 * Every SVG picture keeps its text inside the picture and free of overlaps, with long feature,
 * layer and tensor names: each <text>'s box is computed from its position, anchor and size with
 * the metrics the layouts use (a DejaVu Sans upper bound; the report's Chromium test measures
 * the real glyphs).
 */
import { tensor } from '@glasswing/core';
import type { Graph } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { activationStats, activationStatsSvg } from './activations.js';
import { beeswarmSvg, dependencePlotSvg } from './dataset.js';
import { imageAttrGridSvg } from './grid.js';
import { networkDiagramSvg } from './network.js';
import { barChartSvg, forcePlotSvg, waterfallSvg } from './tabular.js';
import { tokenHighlightSvg } from './text.js';
import { histogramSvg, weightHistogramsSvg } from './weights.js';
import { svgTextProblems } from './test/svg-text-boxes.js';

const NAMES = [
  'age',
  '<script>alert(1)</script>',
  'a very long feature name with many words (units)',
  'petal_length_cm',
  'x5',
  'sequential/dense_1/MatMul;sequential/dense_1/BiasAdd',
  'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW',
  'b',
];
const F = NAMES.length;

function rows(n: number, seed: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: F }, (_, j) => Math.sin(seed + i * 1.7 + j * 2.3) * (j + 1) * 0.1));
}

function check(what: string, svg: string): void {
  expect(svgTextProblems(svg), what).toEqual([]);
}

describe('SVG pictures with long names keep their text inside', () => {
  const titles = [undefined, 'saliency', 'integrated-gradients: waterfall for class 2 of a model whose title is really rather long indeed'];
  it('bar chart, waterfall, force plot', () => {
    for (let e = 0; e < 4; e++) {
      const values = rows(1, e)[0]!;
      const featureValues = rows(1, e + 9)[0]!;
      for (const title of titles) {
        const o = { featureNames: NAMES, featureValues, ...(title ? { title } : {}) };
        check(`bar ${e} '${title}'`, barChartSvg(values, o));
        check(`waterfall ${e} '${title}'`, waterfallSvg({ ...o, baseValue: 0.3, values }));
        check(`force ${e} '${title}'`, forcePlotSvg({ ...o, baseValue: 0.3, values }));
      }
    }
  });
  it('beeswarm and dependence plots', () => {
    const a = rows(40, 1);
    const v = rows(40, 5);
    for (const title of titles) {
      const o = { featureNames: NAMES, featureValues: v, ...(title ? { title } : {}) };
      check(`beeswarm '${title}'`, beeswarmSvg(a, o));
      check(`beeswarm no values '${title}'`, beeswarmSvg(a, { featureNames: NAMES, ...(title ? { title } : {}) }));
      for (const j of [2, 5, 6]) check(`dependence ${j} '${title}'`, dependencePlotSvg(a, j, { ...o, colorBy: (j + 1) % F }));
    }
  });
  it('weight histograms, activation statistics, network diagram', () => {
    const g: Graph = {
      name: 'a graph name that is long enough to need a second line in the diagram title, surely',
      inputs: [{ name: 'serving_default_input_1:0', shape: [-1, 4] }],
      outputs: ['y'],
      initializers: {
        'sequential/dense_1/MatMul/ReadVariableOp:0': tensor(Array.from({ length: 12 }, (_, i) => Math.sin(i)), [4, 3]),
        'sequential/dense_1/BiasAdd/ReadVariableOp:0': tensor([0.1, -0.2, 0.3], [3]),
      },
      nodes: [
        { name: NAMES[5]!, op: 'Gemm', inputs: ['serving_default_input_1:0', 'sequential/dense_1/MatMul/ReadVariableOp:0', 'sequential/dense_1/BiasAdd/ReadVariableOp:0'], outputs: ['h'], attrs: {} },
        { name: NAMES[6]!, op: 'Relu', inputs: ['h'], outputs: ['y'], attrs: {} },
      ],
    };
    check('histograms', weightHistogramsSvg(g));
    check('histogram', histogramSvg([1, 2, 3], { title: NAMES[2]!, xLabel: NAMES[5]! }));
    const acts = { [NAMES[5]!]: tensor([1, -1, 2, 0, 3, -2], [2, 3]), [NAMES[6]!]: tensor([1, 0, 2, 0, 3, 0], [2, 3]) };
    check('activations', activationStatsSvg(activationStats(g, acts), { title: titles[2] }));
    check('diagram', networkDiagramSvg(g, { title: g.name }));
  });
  it('token highlighting and the image grid', () => {
    const tokens = ['The', 'quick', NAMES[6]!, 'fox', 'supercalifragilisticexpialidocious', '<b>'];
    check('tokens', tokenHighlightSvg(tokens, [0.1, -0.5, 1, 0.2, -0.1, 0.3], { title: titles[2], width: 320 }));
    const img = tensor(Array.from({ length: 16 }, (_, i) => i / 16), [4, 4]);
    check('grid', imageAttrGridSvg([{ title: 'input' }, { title: 'layer-integrated-gradients', attribution: img }, { title: NAMES[5]!, attribution: img, method: 'masked_image' }], { image: img, minSize: 32, title: titles[2] }));
  });
});

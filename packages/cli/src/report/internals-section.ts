/**
 * Report sections for model internals: "Activation clusters" (always, when the model can tap
 * layers and there are ≥ 4 examples: k-means over the last hidden layer's activations on the
 * report's dataset, k by silhouette, marker shape = predicted class, exemplar grid for images)
 * and "Concepts (TCAV)" (when `--concept name=file` is given: TCAV on the same layer, per
 * predicted class over the dataset rows predicted as it — or for the `--target` class over all
 * rows — against random sets drawn from `--concept-random` or noise).
 */
import { ActivationClustering, Tcav, argmaxRows } from '@glasswing/core';
import type { Model, Tensor } from '@glasswing/core';
import { clusterMapPng, clusterExemplarGridPng, formatNumber, tcavChartPng, type TcavChartCell } from '@glasswing/viz';
import { noisePool } from '../commands/concepts.js';
import type { ResolvedIO } from '../io.js';
import { figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';
import type { Graph } from '@glasswing/core';

/** Concepts given to the report (`--concept name=file`, `--concept-random file`). */
export interface ReportConcepts {
  readonly concepts: readonly { readonly name: string; readonly examples: Tensor }[];
  readonly random?: Tensor;
}

/** What these sections read of the report's spec (build.ts passes its ReportSpec). */
export interface ReportSpec {
  readonly opened: { readonly file: { readonly graph: Graph | null } };
  readonly info: { readonly layout?: 'NCHW' | 'NHWC'; readonly inputKind: string };
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly target?: number | number[];
  readonly seed?: number;
  readonly concepts?: ReportConcepts;
}

/** The last tappable layer before the output node (the last hidden layer). */
export function lastHiddenLayer(spec: ReportSpec, model: Model): string | undefined {
  const graph = spec.opened.file.graph;
  if (!graph || !model.capabilities.layers) return undefined;
  const outputs = new Set(graph.outputs);
  const tappable = new Set(model.layerNames);
  const nodes = graph.nodes.filter((n) => tappable.has(n.name) && !n.outputs.some((o) => outputs.has(o)));
  return nodes.at(-1)?.name;
}

async function clusterSection(spec: ReportSpec, model: Model, layer: string): Promise<Section> {
  const data = spec.data;
  const n = data.shape[0]!;
  if (n < 4) return section('clusters', 'Activation clusters', note(`Clustering needs at least 4 examples; the report has ${n} (give more with --data).`, 'warn'));
  const predicted = argmaxRows(await model.forward(data));
  const r = await new ActivationClustering(model).interpret(data, {
    layer,
    kRange: [2, Math.min(8, n - 1)],
    labels: predicted,
    seed: spec.seed ?? 0,
    ...(spec.info.layout ? { layout: spec.info.layout } : {}),
  });
  const parts = [
    note(
      `k-means over the activations of layer ${layer} (${r.dim} values per example) on ${spec.dataLabel}; k = ${r.k} chosen by the mean silhouette ` +
        `over k = 2 … ${Math.min(8, n - 1)}. Marker shape = predicted class; purity = share of examples whose cluster's majority predicted class is their own (${formatNumber(r.purity ?? 0, 3)}).`,
    ),
    htmlTable(
      ['k', 'silhouette'],
      r.silhouettes.map((s) => [String(s.k) + (s.k === r.k ? ' (chosen)' : ''), formatNumber(s.silhouette, 3)]),
      new Set([1]),
    ),
  ];
  const map = clusterMapPng({
    points: r.map.points,
    assignments: r.assignments,
    labels: predicted,
    labelNames: Array.from({ length: Math.max(...predicted) + 1 }, (_, c) => `predicted ${c}`),
    title: `Layer ${layer}: k = ${r.k}`,
    xLabel: `PC 1 (${(100 * (r.map.explainedRatio[0] ?? 0)).toFixed(0)}% of variance)`,
    yLabel: `PC 2 (${(100 * (r.map.explainedRatio[1] ?? 0)).toFixed(0)}% of variance)`,
  });
  const figs = [figure(pngImg(map, `activation clusters of layer ${layer}`), 'PCA map of the activations, colour = cluster, shape = predicted class')];
  if (spec.info.inputKind === 'image') {
    const grid = clusterExemplarGridPng({
      images: data,
      ...(spec.info.layout ? { layout: spec.info.layout } : {}),
      exemplars: r.exemplars,
      rowNotes: r.sizes.map((s, c) => `${s} examples, mostly predicted ${r.clusterLabels?.[c]}`),
    });
    figs.push(figure(pngImg(grid, 'cluster exemplars'), 'Per cluster, the examples nearest its centroid'));
  }
  parts.push(`<div class="figs">${figs.join('')}</div>`);
  return section('clusters', 'Activation clusters', parts.join('\n'));
}

async function conceptSection(spec: ReportSpec, model: Model, layer: string, given: ReportConcepts): Promise<Section> {
  if (!model.capabilities.gradients) return section('concepts', 'Concepts (TCAV)', note(`TCAV needs gradients, which the ${model.backend} model does not provide.`, 'warn'));
  // TCAV asks how a concept moves one class, over inputs of that class (Captum's use): per class,
  // the dataset rows predicted as it (--target: that class over every row), at most 4 classes.
  const data = spec.data;
  const predicted = argmaxRows(await model.forward(data));
  const classes = typeof spec.target === 'number' ? [spec.target] : [...new Set(predicted)].sort((a, b) => a - b).slice(0, 4);
  const runs = 10;
  const largest = Math.max(...given.concepts.map((c) => c.examples.shape[0]!));
  const random = given.random ?? noisePool(data, runs * largest, spec.seed ?? 0);
  const cells: TcavChartCell[] = [];
  const baselines: { layer: string; mean: number; std: number; scores: number[] }[] = [];
  const rows: string[][] = [];
  for (const c of classes) {
    const idx = typeof spec.target === 'number' ? predicted.map((_, i) => i) : predicted.flatMap((p, i) => (p === c ? [i] : []));
    if (idx.length < 2) continue;
    const take = idx.slice(0, 50);
    const per = data.data.length / data.shape[0]!;
    const x: Tensor = { shape: [take.length, ...data.shape.slice(1)], data: new Float32Array(take.length * per) };
    take.forEach((i, k) => x.data.set(data.data.subarray(i * per, (i + 1) * per), k * per));
    const r = await new Tcav(model).interpret(x, { layers: [layer], concepts: given.concepts, random, randomRuns: runs, target: c, seed: spec.seed ?? 0 });
    const series = `${c}`;
    for (const cell of r.results) {
      cells.push({ concept: cell.concept, layer: series, mean: cell.mean, std: cell.std, scores: cell.scores, pValue: cell.pValue, significant: cell.significant });
      rows.push([cell.concept, String(c), String(take.length), formatNumber(cell.mean, 3), formatNumber(cell.std, 3), formatNumber(r.random[0]!.mean, 3), cell.pValue.toExponential(2), cell.significant ? 'yes' : 'no']);
    }
    baselines.push({ layer: series, mean: r.random[0]!.mean, std: r.random[0]!.std, scores: r.random[0]!.scores });
  }
  if (cells.length === 0) return section('concepts', 'Concepts (TCAV)', note('No class is predicted for at least 2 rows of the dataset; TCAV needs at least 2 inputs per class.', 'warn'));
  const png = tcavChartPng({ cells, random: baselines, title: `TCAV · layer ${layer}`, subtitle: `${runs} random runs · seed ${spec.seed ?? 0}`, seriesLabel: 'class' });
  return section(
    'concepts',
    'Concepts (TCAV)',
    [
      note(
        `For each concept and class, ${runs} linear classifiers separate the concept's activations at layer ${layer} from ${runs} random sets (${given.random ? 'drawn from --concept-random' : "uniform noise in the data's value range"}); ` +
          `the TCAV score is the share of ${spec.dataLabel.replace(/^the /, 'the rows of the ')} predicted as the class${typeof spec.target === 'number' ? ' (all rows: --target)' : ''} (at most 50) whose class gradient points along the concept vector. Significance: two-sided t-test against random-vs-random runs.`,
      ),
      htmlTable(['concept', 'class', 'inputs', 'TCAV mean', 'std', 'random mean', 'p-value', 'significant (p < 0.05)'], rows, new Set([1, 2, 3, 4, 5, 6])),
      `<div class="figs">${figure(pngImg(png, 'TCAV scores'), 'TCAV scores per concept and class (bars: mean ± std over runs; grey: random baseline)')}</div>`,
    ].join('\n'),
  );
}

/** The internals sections for the report (empty when the model cannot tap layers). */
export async function internalsSections(spec: ReportSpec, model: Model, _io: ResolvedIO): Promise<Section[]> {
  const layer = lastHiddenLayer(spec, model);
  if (layer === undefined) return [];
  const out = [await clusterSection(spec, model, layer)];
  if (spec.concepts && spec.concepts.concepts.length > 0) out.push(await conceptSection(spec, model, layer, spec.concepts));
  return out;
}

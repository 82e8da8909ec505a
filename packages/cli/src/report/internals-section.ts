/**
 * Report sections for model internals: "Activation clusters" (always, when the model can tap
 * layers and there are ≥ 4 examples: k-means over the last hidden layer's activations on the
 * report's dataset, k by silhouette, marker shape = predicted class, exemplar grid for images)
 * and "Concepts (TCAV)" (when `--concept name=file` is given: TCAV on the same layer for each
 * example's target — `--target` or its predicted class — against random sets drawn from
 * `--concept-random` or noise).
 */
import { ActivationClustering, Tcav, argmaxRows } from '@glasswing/core';
import type { Model, Tensor } from '@glasswing/core';
import { clusterMapPng, exemplarGridPng, formatNumber, tcavChartPng } from '@glasswing/viz';
import { noisePool, tcavChartInput } from '../commands/concepts.js';
import type { ResolvedIO } from '../io.js';
import { figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';
import type { ReportSpec } from './build.js';

/** Concepts given to the report (`--concept name=file`, `--concept-random file`). */
export interface ReportConcepts {
  readonly concepts: readonly { readonly name: string; readonly examples: Tensor }[];
  readonly random?: Tensor;
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
    const grid = exemplarGridPng({
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
  const x = spec.x;
  const target = spec.target ?? argmaxRows(await model.forward(x));
  const runs = 10;
  const largest = Math.max(...given.concepts.map((c) => c.examples.shape[0]!));
  const random = given.random ?? noisePool(x, runs * largest, spec.seed ?? 0);
  const r = await new Tcav(model).interpret(x, { layers: [layer], concepts: given.concepts, random, randomRuns: runs, target, seed: spec.seed ?? 0 });
  const png = tcavChartPng(tcavChartInput(r, `TCAV · layer ${layer}`, `targets ${[...new Set(r.targets)].join(', ')} · ${r.runs} random runs`));
  const rows = r.results.map((c) => [c.concept, c.layer, formatNumber(c.mean, 3), formatNumber(c.std, 3), formatNumber(r.random.find((b) => b.layer === c.layer)!.mean, 3), c.pValue.toExponential(2), c.significant ? 'yes' : 'no']);
  return section(
    'concepts',
    'Concepts (TCAV)',
    [
      note(
        `For each concept, ${r.runs} linear classifiers separate its activations at layer ${layer} from ${r.runs} random sets (${given.random ? 'drawn from --concept-random' : 'uniform noise in the inputs\' value range'}); ` +
          'the TCAV score is the share of the explained examples whose target-class gradient points along the concept vector. Significance: two-sided t-test against random-vs-random runs.',
      ),
      htmlTable(['concept', 'layer', 'TCAV mean', 'std', 'random mean', 'p-value', 'significant (p < 0.05)'], rows, new Set([2, 3, 4, 5])),
      `<div class="figs">${figure(pngImg(png, 'TCAV scores'), 'TCAV scores per concept (bars: mean ± std over runs; grey: random baseline)')}</div>`,
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

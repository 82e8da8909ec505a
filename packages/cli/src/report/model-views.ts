/**
 * The report's model views: the network-structure diagram, per-layer weight histograms and
 * weight-matrix heat maps, activation statistics over a dataset (dead ReLUs, saturated
 * sigmoid/tanh, mean/std) and feature-map grids of the conv layers for the first example.
 */
import { attrLayout, concatBatch, sliceBatch } from '@glasswing/core';
import type { Graph, Model, Tensor } from '@glasswing/core';
import {
  activationStats,
  activationStatsSvg,
  featureMapGrid,
  encodeRasterPng,
  layerWeights,
  networkDiagramSvg,
  weightHistogramsSvg,
  weightMatrixPng,
} from '@glasswing/viz';
import type { ResolvedIO } from '../io.js';
import { figure, note, pngImg, section } from './html.js';
import type { Section } from './html.js';
import type { ModelInfo } from './model-info.js';

/** Most weight tensors drawn as heat maps, and the largest side drawn. */
const MAX_MATRICES = 12;
const MAX_MATRIX_SIDE = 1024;
/** Most dataset rows used for activation statistics, and most activation values held at once. */
const MAX_ACTIVATION_ROWS = 256;
const MAX_ACTIVATION_VALUES = 32 * 1024 * 1024;
const ACTIVATION_CHUNK = 64;
/** Conv layers whose feature maps are drawn. */
const MAX_FEATURE_MAP_LAYERS = 4;

export function structureSection(graph: Graph): Section {
  const svg = networkDiagramSvg(graph, { title: graph.name || 'model' });
  return section(
    'structure',
    'Model structure',
    note('Layers top to bottom in the order data flows; each box names the layer, its op, output shape and parameter count; arrows are the tensors between layers.') +
      `<div class="figs">${figure(svg, `${graph.nodes.length} layers; colours group ops (dense, conv, activation, pooling, normalisation, merge)`)}</div>`,
  );
}

export function weightSection(graph: Graph, info: ModelInfo): Section {
  const weights = layerWeights(graph);
  if (weights.length === 0) return section('weights', 'Weights', note('This model has no weight tensors.'));
  const parts = [
    note(`${weights.length} weight tensors, ${info.totalParams.toLocaleString('en-US')} parameters. Histograms: the distribution of each tensor's values.`),
    `<div class="figs">${figure(weightHistogramsSvg(graph, { title: `Weight distributions (${weights.length} tensors)` }), 'Per-tensor weight histograms with mean and standard deviation')}</div>`,
    '<h3>Weight matrices</h3>',
    note(
      'Each dense weight as a matrix and each conv kernel as a grid of kh × kw tiles (output channels down, input channels across), ' +
        'on the diverging map symmetric around 0 (blue negative, orange-red positive); the colour bar gives the scale.',
    ),
  ];
  const figs: string[] = [];
  const drawable = weights.filter((w) => w.weight.shape.length === 2 || w.weight.shape.length === 4);
  for (const w of drawable.slice(0, MAX_MATRICES)) {
    const s = w.weight.shape;
    if (s.length === 2 && Math.max(s[0]!, s[1]!) > MAX_MATRIX_SIDE) {
      figs.push(note(`${w.layer} · ${w.tensor} [${s.join('×')}]: too large to draw`, 'warn'));
      continue;
    }
    const png = weightMatrixPng(w.weight, { layout: w.layout });
    const layout = s.length === 4 ? `, ${w.layout}` : '';
    figs.push(figure(pngImg(png, `weights of ${w.layer} (${w.tensor})`), `${w.layer} · ${w.tensor} [${s.join('×')}${layout}]`));
  }
  parts.push(`<div class="figs">${figs.join('\n')}</div>`);
  if (drawable.length > MAX_MATRICES) parts.push(note(`${drawable.length - MAX_MATRICES} more weight matrices are not drawn.`));
  return section('weights', 'Weights', parts.join('\n'));
}

function perExampleSize(t: Tensor): number {
  return t.data.length / Math.max(1, t.shape[0]!);
}

/** Activations of `layers` on the rows of `data` (in chunks), capped in rows and values. */
async function collectActivations(model: Model, layers: readonly string[], data: Tensor): Promise<{ acts: Record<string, Tensor>; rows: number }> {
  const n = data.shape[0]!;
  const first = await model.activations(sliceBatch(data, 0, 1), layers);
  const per = layers.reduce((s, l) => s + perExampleSize(first.layers[l]!), 0);
  const rows = Math.max(1, Math.min(n, MAX_ACTIVATION_ROWS, Math.floor(MAX_ACTIVATION_VALUES / Math.max(1, per))));
  const chunks: Record<string, Tensor[]> = Object.fromEntries(layers.map((l) => [l, [first.layers[l]!]]));
  for (let start = 1; start < rows; start += ACTIVATION_CHUNK) {
    const part = await model.activations(sliceBatch(data, start, Math.min(rows, start + ACTIVATION_CHUNK)), layers);
    for (const l of layers) chunks[l]!.push(part.layers[l]!);
  }
  const acts: Record<string, Tensor> = {};
  for (const l of layers) acts[l] = chunks[l]!.length === 1 ? chunks[l]![0]! : concatBatch(chunks[l]!);
  return { acts, rows };
}

export async function activationSection(
  model: Model,
  graph: Graph | null,
  data: Tensor,
  dataLabel: string,
  example: Tensor,
  io: ResolvedIO,
): Promise<Section | undefined> {
  if (!graph) return undefined;
  if (!model.capabilities.layers) {
    return section('activations', 'Activations', note(`The ${model.backend} model cannot tap layers, so there are no activation views.`, 'warn'));
  }
  const tappable = new Set(model.layerNames);
  const layers = graph.nodes.map((n) => n.name).filter((l) => tappable.has(l));
  if (layers.length === 0) return section('activations', 'Activations', note('No layer can be tapped.', 'warn'));
  const started = Date.now();
  const { acts, rows } = await collectActivations(model, layers, data);
  const stats = activationStats(graph, acts);
  const parts = [
    note(
      `Statistics of every layer's output over ${rows < data.shape[0]! ? `the first ${rows} rows of ` : ''}${dataLabel}: mean, std, min, max, ` +
        'the share of exact zeros, the share of dead ReLU units (never positive on any row) and the share of saturated sigmoid/tanh outputs.',
    ),
    `<div class="figs">${figure(activationStatsSvg(stats, { title: `Activation statistics (${rows} examples)` }), 'Per-layer activation statistics; bars show the dead / saturated shares (0–100%)')}</div>`,
  ];
  const convs = graph.nodes.filter((n) => n.op === 'Conv' && tappable.has(n.name)).slice(0, MAX_FEATURE_MAP_LAYERS);
  if (convs.length > 0) {
    const one = await model.activations(sliceBatch(example, 0, 1), convs.map((n) => n.name));
    parts.push('<h3>Feature maps</h3>');
    parts.push(note('Each conv layer\'s output channels for the first explained example, one tile per channel on one shared colour scale (colour bar in activation units).'));
    const figs = convs.map((node) => {
      const act = one.layers[node.name]!;
      const png = encodeRasterPng(featureMapGrid(act, { layout: attrLayout(node) }));
      return figure(pngImg(png, `feature maps of ${node.name}`), `${node.name}: ${act.shape.slice(1).join('×')} (${attrLayout(node)})`);
    });
    parts.push(`<div class="figs">${figs.join('\n')}</div>`);
  }
  io.err(`report: activations of ${layers.length} layers on ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return section('activations', 'Activations', parts.join('\n'));
}


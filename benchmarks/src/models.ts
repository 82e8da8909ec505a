/** The benchmark models: TensorFlow.js LayersModels shipped in benchmarks/models, imported to the IR. */
import type { Graph } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { fileURLToPath } from 'node:url';

export interface BenchModel {
  readonly id: string;
  readonly description: string;
  /** model.json, relative to benchmarks/models. */
  readonly file: string;
}

export const MODELS: readonly BenchModel[] = [
  {
    id: 'mlp_tabular',
    description: 'Dense(10→64) ReLU Dense(64→64) ReLU Dense(64→3)',
    file: 'mlp_tabular/model.json',
  },
  {
    id: 'lenet_mnist',
    description: 'LeNet: Conv(1→32) ReLU MaxPool Conv(32→64) ReLU MaxPool Dense(3136→128) ReLU Dense(128→10), NHWC',
    file: 'lenet_mnist/model.json',
  },
];

export function modelPath(id: string): string {
  const m = MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model ${id} (known: ${MODELS.map((x) => x.id).join(', ')})`);
  return fileURLToPath(new URL(`../models/${m.file}`, import.meta.url));
}

export async function loadGraph(id: string): Promise<Graph> {
  return importLayersModel(await loadLayersArtifacts(modelPath(id)));
}

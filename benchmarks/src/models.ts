/**
 * The benchmark models, shipped in benchmarks/models: TensorFlow.js LayersModels (imported to the
 * IR; NHWC) and the same networks as ONNX files (NCHW; exported from the PyTorch reference models).
 */
import type { Graph } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { fileURLToPath } from 'node:url';

export interface BenchModel {
  readonly id: string;
  readonly description: string;
  /** model.json, relative to benchmarks/models. */
  readonly file: string;
  /** The ONNX export, relative to benchmarks/models. */
  readonly onnx: string;
}

/** Absolute paths of a model's files, as the adapter factories receive them. */
export interface ModelFiles {
  readonly tfjs: string;
  readonly onnx: string;
}

export const MODELS: readonly BenchModel[] = [
  {
    id: 'mlp_tabular',
    description: 'Dense(10→64) ReLU Dense(64→64) ReLU Dense(64→3)',
    file: 'mlp_tabular/model.json',
    onnx: 'mlp_tabular/model.onnx',
  },
  {
    id: 'lenet_mnist',
    description: 'LeNet: Conv(1→32) ReLU MaxPool Conv(32→64) ReLU MaxPool Dense(3136→128) ReLU Dense(128→10), NHWC',
    file: 'lenet_mnist/model.json',
    onnx: 'lenet_mnist/model.onnx',
  },
];

function modelById(id: string): BenchModel {
  const m = MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model ${id} (known: ${MODELS.map((x) => x.id).join(', ')})`);
  return m;
}

const inModels = (file: string): string => fileURLToPath(new URL(`../models/${file}`, import.meta.url));

export function modelPath(id: string): string {
  return inModels(modelById(id).file);
}

export function modelFiles(id: string): ModelFiles {
  const m = modelById(id);
  return { tfjs: inModels(m.file), onnx: inModels(m.onnx) };
}

export async function loadGraph(id: string): Promise<Graph> {
  return importLayersModel(await loadLayersArtifacts(modelPath(id)));
}

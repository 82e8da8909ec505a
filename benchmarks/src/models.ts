/**
 * The benchmark models: those shipped in benchmarks/models (TensorFlow.js LayersModels, imported
 * to the IR, NHWC; and the same networks as ONNX files, NCHW, exported from the PyTorch reference
 * models), and real published models from npm packages (the nsfwjs MobileNetV2 and InceptionV3
 * LayersModels: no ONNX file, so the ONNX Runtime rows run their IR graph as emitted ONNX).
 */
import type { Graph } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensureLayoutOnnx, ensureLayoutTfjs, layoutCacheDir, layoutFileName, type LayoutSpec } from './layouts.js';
import { loadNsfwGraph, type NsfwModelId } from './nsfwjs.js';

export interface BenchModel {
  readonly id: string;
  readonly description: string;
  /** model.json, relative to benchmarks/models (shipped models). */
  readonly file?: string;
  /** The ONNX export, relative to benchmarks/models (shipped models). */
  readonly onnx?: string;
  /** A published model read from an npm package (no files here). */
  readonly nsfwjs?: NsfwModelId;
  /** A real layout with seeded weights (layouts.ts): ONNX file and TensorFlow.js copy generated into the cache. */
  readonly layout?: LayoutSpec;
}

/** Absolute paths of a model's files, as the adapter factories receive them. */
export interface ModelFiles {
  /** model.json, for shipped models. */
  readonly tfjs?: string;
  /** The model's own ONNX export; absent: the ONNX Runtime rows run the IR graph as emitted ONNX. */
  readonly onnx?: string;
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
  {
    id: 'nsfwjs_mobilenet_v2',
    description: 'nsfwjs 4.4.0 MobileNetV2 (Keras, 224×224×3 NHWC, 5 classes; 164 IR nodes), as published',
    nsfwjs: 'mobilenet_v2',
  },
  {
    id: 'nsfwjs_inception_v3',
    description: 'nsfwjs 4.4.0 InceptionV3 (Keras, 299×299×3 NHWC, 5 classes; 320 IR nodes), as published',
    nsfwjs: 'inception_v3',
  },
  // Real layouts (issue 15, layouts.ts): torchvision's ResNet-18 and MobileNetV2, seeded weights, BatchNorm folded.
  ...([64, 224] as const).flatMap((size) => [
    {
      id: `resnet18_${size}`,
      description: `ResNet-18 (torchvision layout: BasicBlock stages 64-128-256-512, residual Adds, BatchNorm folded), 3×${size}×${size}, 1000 classes, seeded weights`,
      layout: { arch: 'resnet18', size, seed: 0 } as const,
    },
    {
      id: `mobilenet_v2_${size}`,
      description: `MobileNetV2 (torchvision layout: inverted residuals, depthwise 3×3, ReLU6 as Clip, BatchNorm folded), 3×${size}×${size}, 1000 classes, seeded weights`,
      layout: { arch: 'mobilenet_v2', size, seed: 0 } as const,
    },
  ]),
];

/** Model ids with a given property (the workload tables pick their models with it). */
export function modelIds(pred: (m: BenchModel) => boolean): string[] {
  return MODELS.filter(pred).map((m) => m.id);
}

function modelById(id: string): BenchModel {
  const m = MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model ${id} (known: ${MODELS.map((x) => x.id).join(', ')})`);
  return m;
}

const inModels = (file: string): string => fileURLToPath(new URL(`../models/${file}`, import.meta.url));

export function modelPath(id: string): string {
  const file = modelById(id).file;
  if (!file) throw new Error(`model ${id} has no model.json in benchmarks/models`);
  return inModels(file);
}

export function modelFiles(id: string): ModelFiles {
  const m = modelById(id);
  if (m.layout) {
    const stem = path.join(layoutCacheDir(), layoutFileName(m.layout));
    return { onnx: stem, tfjs: path.join(stem.replace(/\.onnx$/, '_tfjs'), 'model.json') };
  }
  return { ...(m.file ? { tfjs: inModels(m.file) } : {}), ...(m.onnx ? { onnx: inModels(m.onnx) } : {}) };
}

export async function loadGraph(id: string): Promise<Graph> {
  const m = modelById(id);
  if (m.nsfwjs) return loadNsfwGraph(m.nsfwjs);
  if (m.layout) {
    await ensureLayoutOnnx(m.layout); // the ONNX copy modelFiles() names, for the ONNX Runtime rows
    // The other rows run the TensorFlow.js copy, imported like any LayersModel (NHWC).
    return importLayersModel(await loadLayersArtifacts(await ensureLayoutTfjs(m.layout)));
  }
  return importLayersModel(await loadLayersArtifacts(modelPath(id)));
}

/**
 * The same computation in Node: the bundled model imported from its files by @glasswing/tfjs and
 * run on core's reference executor (pure JS, independent of ONNX Runtime and TensorFlow.js), with
 * the input, target and options the page used (read from its data-result JSON).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AttentionRollout, createReferenceModel, GradientWeightedAttention, METHODS, RawAttention, type MethodOptions, type Model } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import type { PageResult } from './drive.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const MODEL_FILES: Record<string, string> = {
  'demo-cnn': 'apps/demo/model/model.json',
  lenet: 'benchmarks/models/lenet_mnist/model.json',
  credit: 'apps/demo/credit/model.json',
  'mlp-tabular': 'benchmarks/models/mlp_tabular/model.json',
  transformer: 'apps/demo/transformer/tfjs/model.json',
};

export const ONNX_FILES: Record<string, string> = { 'lenet.onnx': 'benchmarks/models/lenet_mnist/model.onnx' };
export const repoPath = (rel: string): string => path.join(ROOT, rel);

const models = new Map<string, Model>();
export async function referenceModel(example: string): Promise<Model> {
  let m = models.get(example);
  if (!m && ONNX_FILES[example]) {
    const { importOnnxModel } = await import('@glasswing/onnx');
    const graph = importOnnxModel(new Uint8Array(readFileSync(repoPath(ONNX_FILES[example]!)))).graph!;
    m = createReferenceModel(graph);
    models.set(example, m);
  }
  if (!m) {
    const graph = importLayersModel(await loadLayersArtifacts(path.join(ROOT, MODEL_FILES[example]!)));
    m = createReferenceModel(graph);
    models.set(example, m);
  }
  return m;
}

/** The method run in Node on the page's input. */
export async function nodeAttributions(example: string, r: PageResult): Promise<Float32Array> {
  const model = await referenceModel(example);
  const x = { shape: r.input.shape, data: Float32Array.from(r.input.data) };
  // Attention views: the token-to-token relevance (core's attention classes, query token 0).
  if (r.method === 'attention-raw') return (await new RawAttention(model).attribute(x, { query: 0 })).relevance.data as Float32Array;
  if (r.method === 'attention-rollout') return (await new AttentionRollout(model).attribute(x, { query: 0 })).relevance.data as Float32Array;
  if (r.method === 'grad-attention') return (await new GradientWeightedAttention(model).attribute(x, { query: 0, target: [r.target] })).relevance.data as Float32Array;
  const spec = METHODS[r.method]!;
  const options = { ...(r.options as MethodOptions), ...(spec.options.includes('target') ? { target: [r.target] } : {}) };
  const out = await spec.run(model, x, options);
  return out.attributions.data as Float32Array;
}

/** Largest |page − node| relative to the largest |node| value (at least 1). */
export function maxRelativeError(page: readonly number[], node: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < node.length; i++) scale = Math.max(scale, Math.abs(node[i]!));
  let worst = 0;
  for (let i = 0; i < node.length; i++) worst = Math.max(worst, Math.abs(page[i]! - node[i]!));
  return worst / scale;
}

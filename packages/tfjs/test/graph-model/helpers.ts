/** Graph-model test helpers: the hand-made fixtures and tfjs-converter as the reference runtime. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-converter';
import type { Model, Tensor } from '@glasswing/core';
import type { GraphModelArtifacts } from '../../src/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'graph-models');

export const GENERATED = ['convnet', 'fused_activations', 'fused_batchnorm', 'shape_ops', 'relu_cnn', 'decoder'] as const;
export type GeneratedModel = (typeof GENERATED)[number];

/** The file tfjs-converter runs for a fixture (it cannot run _FusedConv2D with FusedBatchNorm: its unfused twin). */
export const converterTwin = (name: string): string => (name === 'fused_batchnorm' ? 'fused_batchnorm_unfused' : name);

export function fixturePath(name: string): string {
  return join(FIXTURES, name, 'model.json');
}

export interface GraphModelFiles {
  readonly json: {
    readonly format?: string;
    readonly modelTopology: { readonly node: readonly { readonly name: string; readonly op: string }[] };
    readonly weightsManifest: readonly { readonly weights: readonly unknown[] }[];
    readonly signature?: unknown;
    readonly userDefinedMetadata?: unknown;
  };
  readonly bytes: Uint8Array;
}

export function readFixture(name: string): GraphModelFiles {
  const json = JSON.parse(readFileSync(fixturePath(name), 'utf8')) as GraphModelFiles['json'];
  return { json, bytes: new Uint8Array(readFileSync(join(FIXTURES, name, 'weights.bin'))) };
}

/** tfjs-converter's GraphModel over the same files (in memory). */
export async function converterModel(files: GraphModelFiles): Promise<tfc.GraphModel> {
  const { json, bytes } = files;
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const artifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData,
    format: json.format ?? 'graph-model',
    ...(json.signature ? { signature: json.signature } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  } as tf.io.ModelArtifacts;
  return tfc.loadGraphModel(tf.io.fromMemory(artifacts));
}

/** Run tfjs-converter's GraphModel on a host tensor. */
export function converterPredict(model: tfc.GraphModel, x: Tensor): Tensor {
  return tf.tidy(() => {
    const y = model.execute(tf.tensor(x.data, [...x.shape])) as tf.Tensor;
    return { shape: [...y.shape], data: y.dataSync() as Float32Array };
  });
}

/** Central finite differences of Σ seed ⊙ f(x) at a few coordinates, in float64 accumulation. */
export async function finiteDifference(model: Model, x: Tensor, seed: Tensor, coords: readonly number[], eps = 1e-2): Promise<number[]> {
  const out: number[] = [];
  for (const c of coords) {
    const plus = { shape: x.shape, data: Float32Array.from(x.data) };
    const minus = { shape: x.shape, data: Float32Array.from(x.data) };
    plus.data[c]! += eps;
    minus.data[c]! -= eps;
    const [fp, fm] = [await model.forward(plus), await model.forward(minus)];
    let s = 0;
    for (let i = 0; i < seed.data.length; i++) s += seed.data[i]! * (fp.data[i]! - fm.data[i]!);
    out.push(s / (2 * eps));
  }
  return out;
}

/** Our importer's artifacts for an in-memory model.json + weight bytes. */
export function artifactsOf(files: GraphModelFiles): GraphModelArtifacts {
  return {
    modelTopology: files.json.modelTopology,
    weightSpecs: files.json.weightsManifest.flatMap((g) => g.weights) as GraphModelArtifacts['weightSpecs'],
    weightData: files.bytes,
    ...(files.json.signature !== undefined ? { signature: files.json.signature } : {}),
  };
}

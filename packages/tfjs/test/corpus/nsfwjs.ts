/**
 * The nsfwjs package's pretrained LayersModels, as published: each model ships as browserify
 * modules (`model.min.js` = the model.json object, `group1-shardKofN.min.js` = one weight shard as a
 * base64 string), reached through the package's own `nsfwjs/models/<name>` exports.
 * Gives our importer's artifacts and tfjs-layers' own ModelArtifacts for the same bytes.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { LayersArtifacts, WeightSpec } from '../../src/index.js';

export type NsfwModelId = 'mobilenet_v2' | 'inception_v3';

interface ModelDefinition {
  readonly name: string;
  readonly numOfWeightBundles: number;
  modelJson(): Promise<{ default: unknown }>;
  weightBundles: ReadonlyArray<() => Promise<{ default: string }>>;
}

export const NSFW_MODELS: Readonly<Record<NsfwModelId, { readonly size: number; readonly classes: number }>> = {
  mobilenet_v2: { size: 224, classes: 5 },
  inception_v3: { size: 299, classes: 5 },
};

async function definition(id: NsfwModelId): Promise<ModelDefinition> {
  if (id === 'mobilenet_v2') return (await import('nsfwjs/models/mobilenet_v2')).MobileNetV2Model as unknown as ModelDefinition;
  return (await import('nsfwjs/models/inception_v3')).InceptionV3Model as unknown as ModelDefinition;
}

export interface NsfwArtifacts {
  /** For our importer. */
  readonly artifacts: LayersArtifacts;
  /** The same, as tfjs-core's ModelArtifacts (for tf.loadLayersModel(tf.io.fromMemory(...))). */
  readonly tfjs: tfTypes.io.ModelArtifacts;
}

const cache = new Map<NsfwModelId, Promise<NsfwArtifacts>>();

export function loadNsfwModel(id: NsfwModelId): Promise<NsfwArtifacts> {
  let p = cache.get(id);
  if (!p) {
    p = load(id);
    cache.set(id, p);
  }
  return p;
}

async function load(id: NsfwModelId): Promise<NsfwArtifacts> {
  const def = await definition(id);
  const json = (await def.modelJson()).default as {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  };
  // Shard bundles are named group1-shardKofN; the manifest names the paths in order.
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < def.numOfWeightBundles; i++) {
    const b64 = (await def.weightBundles[i]!()).default;
    shards.set(`group1-shard${i + 1}of${def.numOfWeightBundles}`, new Uint8Array(Buffer.from(b64, 'base64')));
  }
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const bytes = shards.get(path);
      if (!bytes) throw new Error(`nsfwjs ${id}: no weight bundle for ${path}`);
      parts.push(bytes);
    }
    specs.push(...group.weights);
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.byteLength;
  }
  const artifacts: LayersArtifacts = { modelTopology: json.modelTopology, weightSpecs: specs, weightData: data, source: `nsfwjs/${id}` };
  const tfjs: tfTypes.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tfTypes.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs as tfTypes.io.WeightsManifestEntry[],
    weightData: data.slice().buffer,
    format: 'layers-model',
  };
  return { artifacts, tfjs };
}

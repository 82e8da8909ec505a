/**
 * The pretrained LayersModels the `nsfwjs` npm package ships (Keras MobileNetV2 224×224 and
 * InceptionV3 299×299, uint8-quantized weights), read as published through its own
 * `nsfwjs/models/<name>` exports (`model.min.js` = the model.json object, one base64 string per
 * weight shard) and imported to the IR by @glasswing/tfjs. Real models a user brings (issue 19).
 */
import type { Graph } from '@glasswing/core';
import { importLayersModel, type LayersArtifacts, type WeightSpec } from '@glasswing/tfjs';

export type NsfwModelId = 'mobilenet_v2' | 'inception_v3';

interface ModelDefinition {
  readonly numOfWeightBundles: number;
  modelJson(): Promise<{ default: unknown }>;
  weightBundles: ReadonlyArray<() => Promise<{ default: string }>>;
}

async function definition(id: NsfwModelId): Promise<ModelDefinition> {
  if (id === 'mobilenet_v2') return (await import('nsfwjs/models/mobilenet_v2')).MobileNetV2Model as unknown as ModelDefinition;
  return (await import('nsfwjs/models/inception_v3')).InceptionV3Model as unknown as ModelDefinition;
}

/** The model's topology and weights as the importer takes them. */
export async function nsfwArtifacts(id: NsfwModelId): Promise<LayersArtifacts> {
  const def = await definition(id);
  const json = (await def.modelJson()).default as { modelTopology: unknown; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
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
  return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: data, source: `nsfwjs/${id}` };
}

export async function loadNsfwGraph(id: NsfwModelId): Promise<Graph> {
  return importLayersModel(await nsfwArtifacts(id));
}

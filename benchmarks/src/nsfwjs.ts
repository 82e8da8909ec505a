/**
 * The pretrained models the `nsfwjs` npm package ships, read as published through its own
 * `nsfwjs/models/<name>` exports (`model.min.js` = the model.json object, one base64 string per
 * weight shard) and imported to the IR by @glasswing/tfjs: the Keras MobileNetV2 224×224 and
 * InceptionV3 299×299 LayersModels and the MobileNetV2Mid graph model (tfjs-converter), all with
 * uint8-quantized weights. Real models a user brings (issue 19).
 */
import type { Graph } from '@glasswing/core';
import { importGraphModel, importLayersModel, type GraphModelArtifacts, type LayersArtifacts, type WeightSpec } from '@glasswing/tfjs';

export type NsfwModelId = 'mobilenet_v2' | 'inception_v3' | 'mobilenet_v2_mid';

interface ModelDefinition {
  readonly numOfWeightBundles: number;
  modelJson(): Promise<{ default: unknown }>;
  weightBundles: ReadonlyArray<() => Promise<{ default: string }>>;
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata?: unknown;
  generatedBy?: string;
  convertedBy?: string;
}

async function definition(id: NsfwModelId): Promise<ModelDefinition> {
  if (id === 'mobilenet_v2') return (await import('nsfwjs/models/mobilenet_v2')).MobileNetV2Model as unknown as ModelDefinition;
  if (id === 'mobilenet_v2_mid') return (await import('nsfwjs/models/mobilenet_v2_mid')).MobileNetV2MidModel as unknown as ModelDefinition;
  return (await import('nsfwjs/models/inception_v3')).InceptionV3Model as unknown as ModelDefinition;
}

/** model.json and the weight shards concatenated in manifest order. */
async function published(id: NsfwModelId): Promise<{ json: ModelJson; weightSpecs: WeightSpec[]; weightData: Uint8Array }> {
  const def = await definition(id);
  const json = (await def.modelJson()).default as ModelJson;
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < def.numOfWeightBundles; i++) {
    const b64 = (await def.weightBundles[i]!()).default;
    shards.set(`group1-shard${i + 1}of${def.numOfWeightBundles}`, new Uint8Array(Buffer.from(b64, 'base64')));
  }
  const parts = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => {
      const bytes = shards.get(p);
      if (!bytes) throw new Error(`nsfwjs ${id}: no weight bundle for ${p}`);
      return bytes;
    }),
  );
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    weightData.set(p, off);
    off += p.byteLength;
  }
  return { json, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData };
}

/** A LayersModel's topology and weights as the importer takes them. */
export async function nsfwArtifacts(id: Exclude<NsfwModelId, 'mobilenet_v2_mid'>): Promise<LayersArtifacts> {
  const { json, weightSpecs, weightData } = await published(id);
  return { modelTopology: json.modelTopology, weightSpecs, weightData, source: `nsfwjs/${id}` };
}

/** The MobileNetV2Mid graph model's artifacts. */
export async function nsfwGraphModelArtifacts(): Promise<GraphModelArtifacts> {
  const { json, weightSpecs, weightData } = await published('mobilenet_v2_mid');
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData,
    userDefinedMetadata: json.userDefinedMetadata,
    ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
    ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
    source: 'nsfwjs/models/mobilenet_v2_mid',
  };
}

export async function loadNsfwGraph(id: NsfwModelId): Promise<Graph> {
  if (id === 'mobilenet_v2_mid') return importGraphModel(await nsfwGraphModelArtifacts());
  return importLayersModel(await nsfwArtifacts(id));
}

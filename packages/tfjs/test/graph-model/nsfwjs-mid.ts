/**
 * The graph model the nsfwjs npm package ships: `MobileNetV2Mid` (tfjs-converter 1.7.4 graph model
 * of a TF-Hub MobileNetV2 224×224 + dense head, uint8-quantized weights), bundled as browserify
 * modules (`model.min.js` = model.json, `group1-shardKofN.min.js` = a base64 weight shard), reached
 * through the package's own `nsfwjs/models/mobilenet_v2_mid` export. Nothing is downloaded.
 */
import type { GraphModelArtifacts, WeightSpec } from '../../src/index.js';

interface ModelDefinition {
  readonly numOfWeightBundles: number;
  modelJson(): Promise<{ default: unknown }>;
  weightBundles: ReadonlyArray<() => Promise<{ default: string }>>;
}

interface ModelJson {
  format: string;
  generatedBy: string;
  convertedBy: string;
  userDefinedMetadata: unknown;
  modelTopology: { node: { name: string; op: string }[] };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface PublishedGraphModel {
  readonly json: ModelJson;
  /** For our importer. */
  readonly artifacts: GraphModelArtifacts;
}

let cached: Promise<PublishedGraphModel> | undefined;

export function loadMobileNetV2Mid(): Promise<PublishedGraphModel> {
  cached ??= load();
  return cached;
}

async function load(): Promise<PublishedGraphModel> {
  const def = (await import('nsfwjs/models/mobilenet_v2_mid')).MobileNetV2MidModel as unknown as ModelDefinition;
  const json = (await def.modelJson()).default as ModelJson;
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < def.numOfWeightBundles; i++) {
    const b64 = (await def.weightBundles[i]!()).default;
    shards.set(`group1-shard${i + 1}of${def.numOfWeightBundles}`, new Uint8Array(Buffer.from(b64, 'base64')));
  }
  const parts = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => {
      const bytes = shards.get(p);
      if (!bytes) throw new Error(`nsfwjs MobileNetV2Mid: no weight bundle for ${p}`);
      return bytes;
    }),
  );
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.byteLength;
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const artifacts: GraphModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: data,
    userDefinedMetadata: json.userDefinedMetadata,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    source: 'nsfwjs/models/mobilenet_v2_mid',
  };
  return { json, artifacts };
}

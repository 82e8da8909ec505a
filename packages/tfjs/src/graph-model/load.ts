/** Loading graph models (model.json + shards, by path or URL) and wrapping them as Glasswing Models. */
import { ModelFormatError, type Model } from '@glasswing/core';
import type { TfjsBackendName } from '../backend.js';
import { modelJsonFormat, readModelJson } from '../model-json.js';
import { createTfjsModel } from '../tfjs-model.js';
import type { GraphModelArtifacts } from './artifacts.js';
import { importGraphModel, type GraphModelImportOptions } from './import-graph.js';

/** Read a graph model's model.json (path, file:/http(s) URL, or its directory) and weight shards. */
export async function loadGraphModelArtifacts(pathOrUrl: string | URL): Promise<GraphModelArtifacts> {
  const files = await readModelJson(pathOrUrl);
  const j = files.json;
  if (modelJsonFormat(j) !== 'graph-model') {
    throw new ModelFormatError(`${files.source} is not a TensorFlow.js graph model (format ${JSON.stringify(j['format'] ?? null)}; expected "graph-model")`);
  }
  if (j['modelTopology'] === undefined) throw new ModelFormatError(`${files.source} has no modelTopology`);
  return graphArtifactsFromJson(j, files.weightSpecs, files.weightData, files.source);
}

/** Artifacts from a parsed graph-model model.json and its concatenated weights. */
export function graphArtifactsFromJson(
  json: Record<string, unknown>,
  weightSpecs: GraphModelArtifacts['weightSpecs'],
  weightData: Uint8Array | ArrayBuffer,
  source?: string,
): GraphModelArtifacts {
  const str = (k: string) => (typeof json[k] === 'string' ? { [k]: json[k] as string } : {});
  return {
    modelTopology: json['modelTopology'],
    weightSpecs,
    weightData,
    ...(json['signature'] !== undefined ? { signature: json['signature'] } : {}),
    ...(json['userDefinedMetadata'] !== undefined ? { userDefinedMetadata: json['userDefinedMetadata'] } : {}),
    ...(json['modelInitializer'] !== undefined ? { modelInitializer: json['modelInitializer'] } : {}),
    ...str('generatedBy'),
    ...str('convertedBy'),
    ...(source !== undefined ? { source } : {}),
  };
}

export interface FromTfjsGraphModelOptions extends GraphModelImportOptions {
  /** Default 'cpu'. */
  readonly backend?: TfjsBackendName;
  /** See TfjsModelOptions.maxBatch. */
  readonly maxBatch?: number;
}

/** Load (if needed), import and wrap a tfjs graph model as a Glasswing Model on the tfjs backend. */
export async function fromTfjsGraphModel(source: string | URL | GraphModelArtifacts, options: FromTfjsGraphModelOptions = {}): Promise<Model> {
  const artifacts = typeof source === 'string' || source instanceof URL ? await loadGraphModelArtifacts(source) : source;
  const { backend, maxBatch, ...importOptions } = options;
  const graph = importGraphModel(artifacts, importOptions);
  return createTfjsModel(graph, { backend: backend ?? 'cpu', ...(maxBatch ? { maxBatch } : {}) });
}

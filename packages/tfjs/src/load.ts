/**
 * Loading TensorFlow.js LayersModel files: model.json + weight shards, from disk (Node, fs) or
 * over http(s) (fetch). Every problem surfaces as a ModelFormatError naming the file. A model.json
 * that is a graph model (`"format": "graph-model"`) is handed to the graph-model importer.
 */
import { ModelFormatError, type Model } from '@glasswing/core';
import type { LayersArtifacts } from './import/artifacts.js';
import { importLayersModel } from './import-layers.js';
import type { TfjsBackendName } from './backend.js';
import { createTfjsModel } from './tfjs-model.js';
import { modelJsonFormat, readModelJson } from './model-json.js';
import { fromTfjsGraphModel, graphArtifactsFromJson } from './graph-model/load.js';

export type { LayersArtifacts, WeightSpec } from './import/artifacts.js';

/** Read model.json (path, file:/http(s) URL, or a directory containing model.json) and its shards. */
export async function loadLayersArtifacts(pathOrUrl: string | URL): Promise<LayersArtifacts> {
  const files = await readModelJson(pathOrUrl);
  const j = files.json;
  const jsonName = files.source;
  const format = modelJsonFormat(j);
  if (format === 'graph-model') {
    throw new ModelFormatError(`${jsonName} is a TensorFlow.js graph model; load it with loadGraphModelArtifacts / fromTfjsGraphModel (fromTfjsLayers detects it)`);
  }
  if (j['modelTopology'] === undefined) {
    throw new ModelFormatError(`${jsonName} is not a TensorFlow.js LayersModel (no modelTopology)`);
  }
  if (format !== 'layers-model') {
    throw new ModelFormatError(`${jsonName} has format ${JSON.stringify(j['format'])}; expected 'layers-model' or 'graph-model'`);
  }
  return { modelTopology: j['modelTopology'], weightSpecs: files.weightSpecs, weightData: files.weightData, source: jsonName };
}

export interface FromTfjsLayersOptions {
  /** Default 'cpu'. */
  readonly backend?: TfjsBackendName;
  /** See TfjsModelOptions.maxBatch. */
  readonly maxBatch?: number;
}

/**
 * Load (if needed), import and wrap a LayersModel as a Glasswing Model on the tfjs backend. A path
 * or URL to a graph model's model.json goes through fromTfjsGraphModel instead.
 */
export async function fromTfjsLayers(source: string | URL | LayersArtifacts, options: FromTfjsLayersOptions = {}): Promise<Model> {
  const maxBatch = options.maxBatch ? { maxBatch: options.maxBatch } : {};
  let artifacts: LayersArtifacts;
  if (typeof source === 'string' || source instanceof URL) {
    const files = await readModelJson(source);
    if (modelJsonFormat(files.json) === 'graph-model') {
      const graphArtifacts = graphArtifactsFromJson(files.json, files.weightSpecs, files.weightData, files.source);
      return fromTfjsGraphModel(graphArtifacts, { backend: options.backend ?? 'cpu', ...maxBatch });
    }
    artifacts = await loadLayersArtifacts(source);
  } else artifacts = source;
  const graph = importLayersModel(artifacts);
  return createTfjsModel(graph, { backend: options.backend ?? 'cpu', ...maxBatch });
}

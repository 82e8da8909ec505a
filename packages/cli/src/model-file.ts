/**
 * Loading a model file for the CLI. The kind is detected from the content:
 *   - TensorFlow.js LayersModel (model.json with `modelTopology` and `weightsManifest`; weight
 *     files are read relative to it) -> imported to the graph IR by @glasswing/tfjs;
 *   - Glasswing graph JSON (`"format": "glasswing-graph"`) -> parsed by @glasswing/core.
 * The graph then runs on the chosen adapter: `reference` (pure-JS executor in core, the
 * default), `tfjs-cpu` or `tfjs-wasm` (TensorFlow.js backends).
 */
import { ModelFormatError, createReferenceModel, graphFromJSON } from '@glasswing/core';
import type { Graph, Layout, Model } from '@glasswing/core';
import { readJson } from './files.js';

export const ADAPTERS = ['reference', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type AdapterId = (typeof ADAPTERS)[number];

export type ModelFileKind = 'tfjs-layers' | 'glasswing-graph';

export interface LoadedGraph {
  readonly graph: Graph;
  readonly kind: ModelFileKind;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function detectModelKind(json: unknown): ModelFileKind | undefined {
  if (!isObject(json)) return undefined;
  if ('modelTopology' in json && 'weightsManifest' in json) return 'tfjs-layers';
  if (json['format'] === 'glasswing-graph') return 'glasswing-graph';
  return undefined;
}

export async function loadGraphFile(path: string): Promise<LoadedGraph> {
  const json = readJson(path, 'model file');
  const kind = detectModelKind(json);
  if (kind === undefined) {
    throw new ModelFormatError(
      `model file '${path}' is neither a TensorFlow.js LayersModel (modelTopology + weightsManifest) nor a Glasswing graph ("format": "glasswing-graph")`,
    );
  }
  if (kind === 'glasswing-graph') return { graph: graphFromJSON(json), kind };
  const tfjs = await import('@glasswing/tfjs');
  const artifacts = await tfjs.loadLayersArtifacts(path);
  return { graph: tfjs.importLayersModel(artifacts), kind };
}

export async function createModel(graph: Graph, adapter: AdapterId): Promise<Model> {
  if (adapter === 'reference') return createReferenceModel(graph);
  const tfjs = await import('@glasswing/tfjs');
  return tfjs.createTfjsModel(graph, { backend: adapter === 'tfjs-cpu' ? 'cpu' : 'wasm' });
}

/**
 * The layout of a rank-3 per-example input: the `layout` attribute of the graph's spatial ops
 * (NHWC for TensorFlow.js imports), else NCHW (the ONNX default).
 */
export function imageLayout(loaded: LoadedGraph): Layout {
  for (const node of loaded.graph.nodes) {
    const l = node.attrs['layout'];
    if (l === 'NHWC' || l === 'NCHW') return l;
  }
  return loaded.kind === 'tfjs-layers' ? 'NHWC' : 'NCHW';
}


/**
 * Model factories: everything the other adapters import runs here too. Glasswing graph JSON is
 * read by core; TensorFlow.js LayersModels / graph models go through @glasswing/tfjs' importers
 * and ONNX files through @glasswing/onnx's importer (both optional peers, loaded on demand), and
 * the resulting core Graph runs on our kernels. No rule or algorithm is re-implemented here.
 */
import { CapabilityError, graphFromJSON, ModelFormatError, type Graph } from '@glasswing/core';
import { createGpujsModel, type GpujsModel, type GpujsModelOptions } from './gpujs-model.js';

/** Node's file reader, loaded only when a path is read: the browser bundle never needs `node:fs`. */
async function readFile(path: string, encoding: 'utf8'): Promise<string> {
  const fs = await import('node:fs/promises');
  return fs.readFile(path, encoding);
}

async function optional<M>(name: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(e))) {
      throw new CapabilityError(`${name} is needed to import this model on gpu.js: install it next to @glasswing/gpujs`);
    }
    throw e;
  }
}

/** A Glasswing graph (object, GraphJSON value, JSON text, or a path to a .json file). */
export async function fromGpujsGraph(source: Graph | object | string, options: GpujsModelOptions = {}): Promise<GpujsModel> {
  let json: unknown = source;
  if (typeof source === 'string') {
    const text = source.trimStart().startsWith('{') ? source : await readFile(source, 'utf8');
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ModelFormatError(`${source.length > 80 ? 'graph JSON' : source}: not JSON (${(e as Error).message})`);
    }
  }
  const graph = isGraph(json) ? json : graphFromJSON(json);
  return createGpujsModel(graph, options);
}

function isGraph(v: unknown): v is Graph {
  return typeof v === 'object' && v !== null && Array.isArray((v as Graph).nodes) && typeof (v as Graph).initializers === 'object' &&
    Object.values((v as Graph).initializers ?? {}).every((t) => t && (t as { data?: unknown }).data instanceof Float32Array);
}

/** A TensorFlow.js model.json (LayersModel, or graph model — detected), through @glasswing/tfjs' importers. */
export async function fromGpujsLayers(source: string | URL, options: GpujsModelOptions = {}): Promise<GpujsModel> {
  const tfjs = await optional('@glasswing/tfjs (with @tensorflow/tfjs-core)', () => import('@glasswing/tfjs'));
  let graph: Graph;
  try {
    graph = tfjs.importLayersModel(await tfjs.loadLayersArtifacts(source));
  } catch (e) {
    if (!(e instanceof ModelFormatError) || !/graph model/.test(e.message)) throw e;
    graph = tfjs.importGraphModel(await tfjs.loadGraphModelArtifacts(source));
  }
  return createGpujsModel(graph, options);
}

export interface FromGpujsOnnxOptions extends GpujsModelOptions {
  /** Input shape (with batch) where the file's input has symbolic dims. */
  readonly inputShape?: readonly number[];
}

/** An ONNX file (path, URL or bytes), through @glasswing/onnx's importer. */
export async function fromGpujsOnnx(source: string | URL | Uint8Array | ArrayBuffer, options: FromGpujsOnnxOptions = {}): Promise<GpujsModel> {
  const onnx = await optional('@glasswing/onnx', () => import('@glasswing/onnx'));
  const label = onnx.describeOnnxSource(source);
  const bytes = await onnx.loadOnnxBytes(source);
  const imported = onnx.importOnnxModel(bytes, { source: label, ...(options.inputShape ? { inputShape: [...options.inputShape] } : {}) });
  if (!imported.graph) {
    throw new CapabilityError(
      `${label}: cannot run on gpu.js: ops outside Glasswing's graph IR: ${imported.blockingOps.map((b) => b.op).join(', ')}`,
    );
  }
  return createGpujsModel(imported.graph, options);
}

/** Any model file by its name: *.onnx, model.json (tfjs), other *.json (Glasswing graph JSON). */
export async function fromGpujs(path: string, options: FromGpujsOnnxOptions = {}): Promise<GpujsModel> {
  if (/\.onnx$/i.test(path)) return fromGpujsOnnx(path, options);
  if (/(^|[\\/])model\.json$/i.test(path)) return fromGpujsLayers(path, options);
  const text = await readFile(path, 'utf8');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFormatError(`${path}: not JSON (${(e as Error).message})`);
  }
  if ('modelTopology' in json) return fromGpujsLayers(path, options);
  return fromGpujsGraph(json, options);
}

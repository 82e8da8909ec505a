/**
 * Loading TensorFlow.js LayersModel files: model.json + weight shards, from disk (Node, fs) or
 * over http(s) (fetch). Every problem surfaces as a ModelFormatError naming the file.
 */
import { ModelFormatError, type Model } from '@glasswing/core';
import type { LayersArtifacts, WeightSpec } from './import/artifacts.js';
import { importLayersModel } from './import-layers.js';
import type { TfjsBackendName } from './backend.js';
import { createTfjsModel } from './tfjs-model.js';

export type { LayersArtifacts, WeightSpec } from './import/artifacts.js';

const isHttp = (s: string): boolean => /^https?:\/\//i.test(s);

async function readBytes(location: string | URL): Promise<Uint8Array> {
  const href = location instanceof URL ? location.href : location;
  try {
    if (isHttp(href)) {
      const res = await fetch(href);
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const path = location instanceof URL || href.startsWith('file:') ? fileURLToPath(href) : href;
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new ModelFormatError(`cannot read ${href}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function resolveNear(base: string | URL, relative: string): string | URL {
  const href = base instanceof URL ? base.href : base;
  if (base instanceof URL || isHttp(href) || href.startsWith('file:')) return new URL(relative, href);
  const slash = Math.max(href.lastIndexOf('/'), href.lastIndexOf('\\'));
  return slash >= 0 ? `${href.slice(0, slash + 1)}${relative}` : relative;
}

/** Read model.json (path, file:/http(s) URL, or a directory containing model.json) and its shards. */
export async function loadLayersArtifacts(pathOrUrl: string | URL): Promise<LayersArtifacts> {
  let jsonLocation: string | URL = pathOrUrl;
  const href = pathOrUrl instanceof URL ? pathOrUrl.href : pathOrUrl;
  if (!isHttp(href) && !/\.json$/i.test(href)) {
    const { stat } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const p = pathOrUrl instanceof URL || href.startsWith('file:') ? fileURLToPath(href) : href;
    const isDir = await stat(p).then((s) => s.isDirectory(), () => false);
    if (isDir) jsonLocation = `${p.replace(/[\\/]$/, '')}/model.json`;
  }
  const jsonName = jsonLocation instanceof URL ? jsonLocation.href : jsonLocation;
  const text = new TextDecoder().decode(await readBytes(jsonLocation));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${jsonName} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const j = json as { modelTopology?: unknown; weightsManifest?: unknown; format?: unknown };
  if (j === null || typeof j !== 'object' || j.modelTopology === undefined) {
    throw new ModelFormatError(`${jsonName} is not a TensorFlow.js LayersModel (no modelTopology)`);
  }
  if (j.format !== undefined && j.format !== 'layers-model') {
    throw new ModelFormatError(`${jsonName} has format ${JSON.stringify(j.format)}; only 'layers-model' is supported (graph models are not)`);
  }
  const manifest = j.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${jsonName}: weightsManifest must be a list`);
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of manifest as unknown[]) {
    const g = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(g?.paths) || !Array.isArray(g?.weights) || g.paths.some((p) => typeof p !== 'string')) {
      throw new ModelFormatError(`${jsonName}: a weightsManifest group needs 'paths' and 'weights' lists`);
    }
    specs.push(...(g.weights as WeightSpec[]));
    for (const p of g.paths as string[]) chunks.push(await readBytes(resolveNear(jsonLocation, p)));
  }
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weightData.set(c, off);
    off += c.byteLength;
  }
  return { modelTopology: j.modelTopology, weightSpecs: specs, weightData, source: jsonName };
}

export interface FromTfjsLayersOptions {
  /** Default 'cpu'. */
  readonly backend?: TfjsBackendName;
  /** See TfjsModelOptions.maxBatch. */
  readonly maxBatch?: number;
}

/** Load (if needed), import and wrap a LayersModel as a Glasswing Model on the tfjs backend. */
export async function fromTfjsLayers(source: string | URL | LayersArtifacts, options: FromTfjsLayersOptions = {}): Promise<Model> {
  const artifacts = typeof source === 'string' || source instanceof URL ? await loadLayersArtifacts(source) : source;
  const graph = importLayersModel(artifacts);
  return createTfjsModel(graph, { backend: options.backend ?? 'cpu', ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}) });
}

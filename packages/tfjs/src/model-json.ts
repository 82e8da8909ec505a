/**
 * Reading a TensorFlow.js model.json (LayersModel or graph model) and its weight shards, from disk
 * (Node, fs) or over http(s) (fetch). Every problem surfaces as a ModelFormatError naming the file.
 */
import { MAX_JSON_DEPTH, ModelFormatError, jsonTooDeep } from '@glasswing/core';
import type { WeightSpec } from './import/artifacts.js';

export interface ModelJsonFiles {
  /** The parsed model.json. */
  readonly json: Record<string, unknown>;
  /** All weight specs of the manifest groups, in shard order. */
  readonly weightSpecs: WeightSpec[];
  /** The concatenated weight shards. */
  readonly weightData: Uint8Array;
  /** The model.json location (for messages). */
  readonly source: string;
}

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

/**
 * A weight shard named by the manifest: a relative path inside the model's directory. Absolute
 * paths, URLs, `..` segments and (on disk) symbolic links leading out of the directory are refused,
 * so a downloaded model.json cannot make Glasswing read other files.
 */
async function readShard(jsonLocation: string | URL, jsonName: string, p: string): Promise<Uint8Array> {
  const parts = p.replace(/\\/g, '/').split('/');
  if (p === '' || p.startsWith('/') || /^[a-zA-Z]:/.test(p) || /^[a-z][a-z0-9+.-]*:/i.test(p) || parts.includes('..')) {
    throw new ModelFormatError(`${jsonName}: weight path ${JSON.stringify(p)} must be a relative path inside the model's directory`);
  }
  const location = resolveNear(jsonLocation, p);
  const href = location instanceof URL ? location.href : location;
  if (isHttp(href)) return readBytes(location);
  const { realpath } = await import('node:fs/promises');
  const { dirname, relative, isAbsolute } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const file = location instanceof URL || href.startsWith('file:') ? fileURLToPath(href) : href;
  const json = jsonLocation instanceof URL || jsonName.startsWith('file:') ? fileURLToPath(jsonName) : jsonName;
  const real = await Promise.all([realpath(dirname(json)), realpath(file)]).catch(() => undefined);
  if (real === undefined) return readBytes(location); // reports the missing file
  const rel = relative(real[0], real[1]);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ModelFormatError(`${jsonName}: weight path ${JSON.stringify(p)} leads outside the model's directory (to ${real[1]}, through a symbolic link)`);
  }
  return readBytes(real[1]);
}

/** Read model.json (path, file:/http(s) URL, or a directory containing model.json) and its shards. */
export async function readModelJson(pathOrUrl: string | URL): Promise<ModelJsonFiles> {
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
  const deep = jsonTooDeep(json);
  if (deep !== undefined) throw new ModelFormatError(`${jsonName} nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep (at ${deep})`);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ModelFormatError(`${jsonName} is not a TensorFlow.js model.json (not an object)`);
  const j = json as Record<string, unknown>;
  const manifest = j['weightsManifest'] ?? [];
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${jsonName}: weightsManifest must be a list`);
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of manifest as unknown[]) {
    const g = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(g?.paths) || !Array.isArray(g?.weights) || g.paths.some((p) => typeof p !== 'string')) {
      throw new ModelFormatError(`${jsonName}: a weightsManifest group needs 'paths' and 'weights' lists`);
    }
    specs.push(...(g.weights as WeightSpec[]));
    for (const p of g.paths as string[]) chunks.push(await readShard(jsonLocation, jsonName, p));
  }
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weightData.set(c, off);
    off += c.byteLength;
  }
  return { json: j, weightSpecs: specs, weightData, source: jsonName };
}

/**
 * 'graph-model' for a tfjs-converter graph model (`"format": "graph-model"`, or no format and a
 * GraphDef node list as topology), 'layers-model' for a LayersModel, else 'unknown'.
 */
export function modelJsonFormat(json: Record<string, unknown>): 'graph-model' | 'layers-model' | 'unknown' {
  const format = json['format'];
  if (format === 'graph-model') return 'graph-model';
  const topology = json['modelTopology'];
  const hasNodes = topology !== null && typeof topology === 'object' && Array.isArray((topology as { node?: unknown }).node);
  if (format === undefined && hasNodes) return 'graph-model';
  if (format === undefined || format === 'layers-model') return 'layers-model';
  return 'unknown';
}

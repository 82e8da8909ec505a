/**
 * Turning the files a person dropped (or an example's files) into something a backend can run:
 * a TensorFlow.js LayersModel model.json + its weight shards and a Glasswing graph JSON become
 * an IR graph; an .onnx file keeps its bytes (ONNX Runtime runs them) plus its IR import, when
 * every op imports (the tfjs and reference backends need it). Errors name the missing piece.
 */
import { graphFromJSON, ModelFormatError, type Graph } from '@glasswing/core';
import { importLayersModel, type WeightSpec } from '@glasswing/tfjs';
import type { ModelFiles } from '../protocol.js';

export interface LoadedModel {
  readonly name: string;
  readonly format: 'TensorFlow.js LayersModel' | 'Glasswing graph JSON' | 'ONNX';
  /** The IR graph, or null for a forward-only ONNX model. */
  readonly graph: Graph | null;
  readonly onnxBytes?: Uint8Array;
  /** Why the model has no IR graph (ONNX ops that do not import). */
  readonly limits?: string;
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

function parseJson(name: string, bytes: Uint8Array): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelFormatError(`${name} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ModelFormatError(`${name} is not a JSON object`);
  return json as Record<string, unknown>;
}

function layersModel(name: string, json: Record<string, unknown>, files: ModelFiles): Graph {
  if (json['format'] === 'graph-model') {
    throw new ModelFormatError(`${name} is a TensorFlow.js graph model; the Explorer loads LayersModels (convert it to ONNX, or use the CLI)`);
  }
  const manifest = json['weightsManifest'];
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${name}: weightsManifest must be a list`);
  const byBase = new Map(Object.entries(files).map(([k, v]) => [baseName(k), v]));
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const missing: string[] = [];
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw new ModelFormatError(`${name}: a weightsManifest group needs 'paths' and 'weights' lists`);
    specs.push(...(group.weights as WeightSpec[]));
    for (const p of group.paths as string[]) {
      const shard = byBase.get(baseName(String(p)));
      if (shard) chunks.push(shard);
      else missing.push(String(p));
    }
  }
  if (missing.length > 0) throw new ModelFormatError(`${name} needs its weight file${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: drop ${missing.length > 1 ? 'them' : 'it'} together with model.json`);
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weightData.set(c, off);
    off += c.byteLength;
  }
  return importLayersModel({ modelTopology: json['modelTopology'], weightSpecs: specs, weightData, source: name });
}

/** Load a model from its files: the first .onnx file, else the JSON file that is a model. */
export async function loadModelFiles(label: string, files: ModelFiles): Promise<LoadedModel> {
  const names = Object.keys(files);
  if (names.length === 0) throw new ModelFormatError('no files given');
  const onnxName = names.find((n) => /\.onnx$/i.test(n));
  if (onnxName) {
    const { importOnnxModel } = await import('@glasswing/onnx');
    const imported = importOnnxModel(files[onnxName]!, { source: onnxName });
    const ops = [...new Set(imported.blockingOps.map((b) => b.op))];
    return {
      name: label || onnxName,
      format: 'ONNX',
      graph: imported.graph,
      onnxBytes: imported.bytes,
      ...(imported.graph ? {} : { limits: `forward-only: ops ${ops.join(', ') || '(incomplete import)'} do not import, so only perturbation methods run (on ONNX Runtime)` }),
    };
  }
  const jsonNames = names.filter((n) => /\.json$/i.test(n));
  if (jsonNames.length === 0) throw new ModelFormatError(`none of ${names.join(', ')} is a model: give an .onnx file, a TensorFlow.js model.json with its shards, or a Glasswing graph JSON`);
  for (const n of jsonNames) {
    const json = parseJson(n, files[n]!);
    if ('modelTopology' in json && 'weightsManifest' in json) return { name: label || n, format: 'TensorFlow.js LayersModel', graph: layersModel(n, json, files) };
    if (json['format'] === 'glasswing-graph') return { name: label || n, format: 'Glasswing graph JSON', graph: graphFromJSON(json) };
  }
  throw new ModelFormatError(`${jsonNames.join(', ')}: neither a TensorFlow.js LayersModel (modelTopology + weightsManifest) nor a Glasswing graph ("format": "glasswing-graph")`);
}

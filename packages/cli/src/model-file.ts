/**
 * Loading a model file for the CLI. The kind is detected from the content (ONNX also by the
 * `.onnx` extension):
 *   - TensorFlow.js LayersModel (model.json with `modelTopology` and `weightsManifest`; weight
 *     files are read relative to it) -> imported to the graph IR by @glasswing/tfjs;
 *   - TensorFlow.js graph model (tfjs-converter's `"format": "graph-model"` model.json) -> imported
 *     to the graph IR by @glasswing/tfjs (importGraphModel);
 *   - Glasswing graph JSON (`"format": "glasswing-graph"`) -> parsed by @glasswing/core;
 *   - ONNX (`.onnx`, or a file that is not JSON and decodes as an ONNX ModelProto) -> imported by
 *     @glasswing/onnx (loaded only then). An ONNX model whose ops do not all map to the IR is
 *     FORWARD-ONLY: it runs (original bytes in ONNX Runtime) for the perturbation methods only.
 * The model then runs on the chosen adapter: `reference` (pure-JS executor in core), `tfjs-cpu`
 * or `tfjs-wasm` (TensorFlow.js backends) run the IR graph; `onnx-node` / `onnx-web` (ONNX
 * Runtime) run an ONNX file's original bytes for forward and emitted ONNX graphs for gradients,
 * or the emitted forward of any IR graph; `gpujs` (best gpu.js mode that starts), `gpujs-cpu`,
 * `gpujs-webasm` or `gpujs-headlessgl` (@glasswing/gpujs kernels) run the IR graph. Default: the
 * fastest adapter that is installed and has the capabilities the command needs (see
 * adapter-choice.ts; the gpu.js adapters are never a default).
 */
import { readFileSync } from 'node:fs';
import { CapabilityError, GlasswingError, ModelFormatError, createReferenceModel, graphFromJSON } from '@glasswing/core';
import type { Graph, Layout, Model } from '@glasswing/core';
import type { OnnxImportResult } from '@glasswing/onnx';
import { ADAPTERS as ADAPTER_IDS, DEFAULT_ADAPTER_RANKING, GPUJS_ADAPTER_MODES, isGpujsAdapter, openFastest } from './adapter-choice.js';
import type { AdapterChoice, AdapterId, ChooseOptions } from './adapter-choice.js';
import { CliError, readJson, readText } from './files.js';
import { responsive } from './interrupt.js';

export { ADAPTERS } from './adapter-choice.js';
export type { AdapterChoice, AdapterId } from './adapter-choice.js';

export type ModelFileKind = 'tfjs-layers' | 'tfjs-graph' | 'glasswing-graph' | 'onnx';

export interface LoadedGraph {
  readonly graph: Graph;
  readonly kind: ModelFileKind;
}

/** A loaded model file: its IR graph (null for a forward-only ONNX model) and, for ONNX, the import. */
export interface LoadedModelFile {
  readonly kind: ModelFileKind;
  readonly graph: Graph | null;
  readonly onnx?: OnnxImportResult;
}

/** A model ready to run, with what the commands need to know about it. */
export interface OpenedModel {
  readonly model: Model;
  readonly file: LoadedModelFile;
  readonly adapter: AdapterId;
  /** Whether `adapter` was asked for or is the default, and what the default passed over. */
  readonly choice: AdapterChoice;
  /** Why gradients are unavailable (forward-only ONNX models: the blocking ops), else undefined. */
  readonly limits?: string;
  /**
   * The IR layer name for a `--layer` argument (for ONNX files also ONNX node or tensor names and
   * PyTorch module paths); typed errors (UnknownLayerError, FoldedLayerError) otherwise.
   */
  resolveLayer(name: string): string;
  /** resolveLayer with the caveats worth telling the user (a folded BatchNorm, a repeated module). */
  describeLayer(name: string): { readonly layer: string; readonly notes: readonly string[] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function detectModelKind(json: unknown): ModelFileKind | undefined {
  if (!isObject(json)) return undefined;
  if ('modelTopology' in json && 'weightsManifest' in json) {
    const topology = json['modelTopology'];
    const graphDef = isObject(topology) && Array.isArray(topology['node']);
    return json['format'] === 'graph-model' || (json['format'] === undefined && graphDef) ? 'tfjs-graph' : 'tfjs-layers';
  }
  if (json['format'] === 'glasswing-graph') return 'glasswing-graph';
  return undefined;
}

/** True when the bytes look like a JSON document (first non-blank character `{` or `[`). */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    readText(path, 'model file'); // throws the CLI's "cannot read model file '…': <why>"
    throw new CliError(`cannot read model file '${path}'`);
  }
}

async function loadOnnxFile(path: string): Promise<LoadedModelFile> {
  const { importOnnxModel, loadOnnxBytes } = await import('@glasswing/onnx');
  // From the path, not the bytes: tensors kept in external data files (`model.onnx.data`, …) are
  // read next to the model and inlined, so large exports load like small ones.
  let onnx: OnnxImportResult;
  try {
    const bytes = await loadOnnxBytes(path);
    onnx = importOnnxModel(bytes, { source: `model file '${path}'` });
  } catch (e) {
    throw namingFile(e, path);
  }
  return { kind: 'onnx', graph: onnx.graph, onnx };
}

/** Load any supported model file (JSON kinds, or ONNX by extension or content). */
export async function loadModelFile(path: string): Promise<LoadedModelFile> {
  const bytes = readBytes(path);
  if (/\.onnx$/i.test(path)) return loadOnnxFile(path);
  if (bytes.byteLength > 0 && !looksLikeJson(bytes)) {
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      // Not JSON: ONNX, or nothing we know.
      try {
        return await loadOnnxFile(path);
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw e;
        throw new ModelFormatError(`model file '${path}' is neither JSON (TensorFlow.js LayersModel or Glasswing graph) nor an ONNX model: ${e.message}`, { cause: e });
      }
    }
  }
  return loadGraphFile(path);
}

export async function loadGraphFile(path: string): Promise<LoadedGraph> {
  try {
    return await loadGraphFileUnnamed(path);
  } catch (e) {
    throw namingFile(e, path);
  }
}

/**
 * A typed error from an importer that does not name the file (graph JSON, layer configs) gets
 * `model file '<path>': ` in front of its message; its class and code are kept.
 */
function namingFile(e: unknown, path: string): unknown {
  if (e instanceof GlasswingError && !e.message.includes(path)) e.message = `model file '${path}': ${e.message}`;
  return e;
}

async function loadGraphFileUnnamed(path: string): Promise<LoadedGraph> {
  const json = readJson(path, 'model file');
  const kind = detectModelKind(json);
  if (kind === undefined) {
    throw new ModelFormatError(
      `model file '${path}' is neither a TensorFlow.js LayersModel (modelTopology + weightsManifest) nor a Glasswing graph ("format": "glasswing-graph")`,
    );
  }
  if (kind === 'glasswing-graph') return { graph: graphFromJSON(json), kind };
  const tfjs = await import('@glasswing/tfjs');
  if (kind === 'tfjs-graph') return { graph: tfjs.importGraphModel(await tfjs.loadGraphModelArtifacts(path)), kind };
  const artifacts = await tfjs.loadLayersArtifacts(path);
  return { graph: tfjs.importLayersModel(artifacts), kind };
}

/**
 * The CLI keeps emitted ONNX models on disk so a model's first call is paid once across runs:
 * $GLASSWING_ONNX_CACHE (off/0/false: no cache), else $XDG_CACHE_HOME/glasswing/onnx or
 * ~/.cache/glasswing/onnx (README, "ONNX model cache").
 */
async function onnxCacheOption(): Promise<{ cacheDir: string | false }> {
  const { defaultCacheDir, resolveCacheDir } = await import('@glasswing/onnx');
  return { cacheDir: resolveCacheDir(undefined, await defaultCacheDir()) ?? false };
}

/** ONNX Runtime thread settings for `threads` (a worker's share of the cores; undefined: ORT's defaults). */
function threadOptions(threads?: number): { intraOpNumThreads?: number; numThreads?: number } {
  return threads === undefined ? {} : { intraOpNumThreads: threads, numThreads: threads };
}

export async function createModel(graph: Graph, adapter: AdapterId, threads?: number): Promise<Model> {
  if (adapter === 'reference') return createReferenceModel(graph);
  if (adapter === 'onnx-node' || adapter === 'onnx-web') {
    const { createOnnxModel } = await import('@glasswing/onnx');
    return createOnnxModel(graph, { runtime: adapter, ...(await onnxCacheOption()), ...threadOptions(threads) });
  }
  if (isGpujsAdapter(adapter)) {
    const { createGpujsModel } = await import('@glasswing/gpujs');
    return createGpujsModel(graph, { mode: GPUJS_ADAPTER_MODES[adapter] });
  }
  const tfjs = await import('@glasswing/tfjs');
  return tfjs.createTfjsModel(graph, { backend: adapter === 'tfjs-cpu' ? 'cpu' : 'wasm' });
}

/**
 * Load `path` and build it on `adapter`, or by default on the fastest installed adapter that has
 * `options.requires` (DEFAULT_ADAPTER_RANKING). Model calls yield to the event loop first
 * (`responsive`), so Ctrl-C and the progress bar are served between calls.
 */
export async function openModel(
  path: string,
  adapter?: AdapterId,
  options: ChooseOptions & { readonly threads?: number } = {},
): Promise<OpenedModel> {
  const file = await loadModelFile(path);
  const onnx = file.onnx;
  const limits =
    onnx && onnx.graph === null ? `the ONNX model is forward-only: gradients are blocked by ${describeBlocking(onnx)}` : undefined;
  let describeLayer = (name: string): { layer: string; notes: readonly string[] } => ({ layer: name, notes: [] });
  if (onnx) {
    const { describeLayerName } = await import('@glasswing/onnx');
    describeLayer = (name) => describeLayerName(onnx, name);
  }
  const resolveLayer = (name: string) => describeLayer(name).layer;
  const create = async (a: AdapterId): Promise<Model> => {
    if (!onnx) return createModel(file.graph!, a, options.threads);
    if (a === 'onnx-node' || a === 'onnx-web') {
      const { fromOnnx } = await import('@glasswing/onnx');
      return fromOnnx(onnx.bytes, { runtime: a, ...(await onnxCacheOption()), ...threadOptions(options.threads) });
    }
    if (onnx.graph === null) {
      throw new CapabilityError(`${limits}; the ${a} adapter needs the whole model as an IR graph, run it with --adapter onnx-node or onnx-web`);
    }
    return createModel(onnx.graph, a, options.threads);
  };
  const { model, choice } =
    adapter !== undefined
      ? await openRequested(adapter, create)
      : await openFastest(DEFAULT_ADAPTER_RANKING[onnx ? 'onnx-file' : 'ir-graph'], create, options);
  return { model: responsive(model), file, adapter: choice.adapter, choice, resolveLayer, describeLayer, ...(limits ? { limits } : {}) };
}

/** The adapter asked for; `gpujs` (gpu.js' best mode) is reported as the mode it runs, e.g. gpujs-webasm. */
async function openRequested(adapter: AdapterId, create: (a: AdapterId) => Promise<Model>): Promise<{ model: Model; choice: AdapterChoice }> {
  const model = await create(adapter);
  const ran = adapter === 'gpujs' ? ADAPTER_IDS.find((a) => a === model.backend) : undefined;
  return { model, choice: { adapter: ran ?? adapter, requested: true, skipped: [] } };
}

function describeBlocking(onnx: OnnxImportResult): string {
  const ops = [...new Set(onnx.blockingOps.map((b) => b.op))];
  const what = ops.length > 0 ? `unsupported op${ops.length > 1 ? 's' : ''} ${ops.join(', ')}` : 'an incomplete import';
  return onnx.reasons.length > 0 ? `${what} (${onnx.reasons.join('; ')})` : what;
}

/**
 * The layout of a rank-3 per-example input: the `layout` attribute of the graph's spatial ops
 * (NHWC for TensorFlow.js imports), else NCHW (the ONNX default).
 */
export function imageLayout(loaded: { readonly graph: Graph | null; readonly kind: ModelFileKind }): Layout {
  for (const node of loaded.graph?.nodes ?? []) {
    const l = node.attrs['layout'];
    if (l === 'NHWC' || l === 'NCHW') return l;
  }
  return loaded.kind === 'tfjs-layers' || loaded.kind === 'tfjs-graph' ? 'NHWC' : 'NCHW';
}

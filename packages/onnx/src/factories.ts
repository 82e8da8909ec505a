/** Factories for OnnxModel: from a core IR graph (emitted forward) and from ONNX bytes/paths/URLs. */
import { ModelFormatError, rowsWithinBudget, validateGraph, type Graph } from '@glasswing/core';
import { describeLayerName, importOnnxModel } from './import/index.js';
import { describeOnnxSource, loadOnnxBytes, type OnnxSource } from './load.js';
import type { ExternalDataFiles } from './external-data.js';
import { OnnxModel } from './onnx-model.js';
import { resolveCacheDir } from './model/disk-cache.js';
import { loadRuntime, type OnnxRuntime, type RuntimeOptions, type RuntimeSpec } from './runtime.js';

export interface OnnxModelOptions extends RuntimeOptions {
  /** 'onnx-node' (default), 'onnx-web', a loaded runtime, or { ort } with a user-supplied onnxruntime module. */
  readonly runtime?: RuntimeSpec;
  /** Largest batch per session run; larger batches are chunked (default: `defaultMaxBatch`). */
  readonly maxBatch?: number;
  /**
   * ONNX Runtime sessions kept per model (default 6: one method's forward, gradient and chunk-size
   * variants); the least recently used idle one is released when another is needed. ORT keeps each
   * session's memory arena at its peak, so this bounds a long-lived model's memory.
   */
  readonly maxSessions?: number;
  /**
   * On-disk cache of emitted models, so that a new process skips graph emission and (onnx-node)
   * ORT's graph optimisation for a (model, request) it has seen: a directory, or false for none.
   * Default: $GLASSWING_ONNX_CACHE when set (off/0/false: none), else none. The CLI defaults to
   * `defaultCacheDir()` ($XDG_CACHE_HOME or ~/.cache, then glasswing/onnx). Node only.
   */
  readonly cacheDir?: string | false;
}

export interface FromOnnxOptions extends OnnxModelOptions {
  /**
   * Explicit opt-in: a forward-only model (ops Glasswing cannot differentiate) computes gradient()
   * by central finite differences through forward calls (2 forward rows per input element and
   * example; ~1e-4 relative accuracy; no layers, overrides or rules). Marked in `capabilityReport`.
   * Never used unless set.
   */
  readonly finiteDifferenceFallback?: boolean;
  /** Full input shape replacing symbolic non-batch dimensions of the model input. */
  readonly inputShape?: readonly number[];
  /**
   * External data files by the location the model names (`{ 'model.onnx.data': bytes }`), for a
   * model given as bytes whose tensors are stored outside it. From a path or URL they are read
   * next to the model without this option.
   */
  readonly externalData?: ExternalDataFiles;
}

/**
 * Memory one session run may use by default: the rows of a call are capped so that the graph's
 * node outputs per row × ONNX_ROW_FACTOR stay within it (docs/architecture.md, "Memory bounds").
 */
export const ONNX_ROW_BUDGET_BYTES = 2 ** 30;
/**
 * Peak ONNX Runtime memory of a gradient run per byte of IR node outputs, rounded up: measured
 * 0.6 (nsfwjs MobileNetV2 224, 8 rows: 48 MB a row against 83 MB of node outputs).
 */
export const ONNX_ROW_FACTOR = 1;

/**
 * Largest batch per session run: 1600 on node, 400 on web, and for an IR graph no more rows
 * than keep its activations within ONNX_ROW_BUDGET_BYTES (nsfwjs MobileNetV2 224: 12 rows,
 * InceptionV3 299: 8).
 */
export function defaultMaxBatch(runtime: OnnxRuntime, graph?: Graph): number {
  const cap = runtime.name === 'onnx-web' ? 400 : 1600;
  return graph ? rowsWithinBudget(graph, { budgetBytes: ONNX_ROW_BUDGET_BYTES, factor: ONNX_ROW_FACTOR, maxRows: cap }) : cap;
}

/** A Model running an IR graph in ONNX Runtime: forward, activations and gradients as emitted ONNX graphs. */
export async function createOnnxModel(graph: Graph, options: OnnxModelOptions = {}): Promise<OnnxModel> {
  validateGraph(graph);
  const runtime = await loadRuntime(options.runtime ?? 'onnx-node', options);
  return new OnnxModel({
    runtime,
    graph,
    maxBatch: options.maxBatch ?? defaultMaxBatch(runtime, graph),
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
    ...cacheOption(options),
  });
}

/**
 * Load an ONNX model (path, file:/http(s) URL, or bytes). forward() runs the original model;
 * gradients, layer taps (IR node names, ONNX node/tensor names, or PyTorch module paths of
 * torch.onnx exports: `layer4`, `layer2.1.conv2`) and rules run as emitted graphs
 * when every op imports; otherwise the model is forward-only and `capabilityReport` names the
 * blocking ops.
 */
export async function fromOnnx(source: OnnxSource, options: FromOnnxOptions = {}): Promise<OnnxModel> {
  const label = describeOnnxSource(source);
  const bytes = await loadOnnxBytes(source, options.externalData ? { externalData: options.externalData } : {});
  const imported = importOnnxModel(bytes, { source: label, ...(options.inputShape ? { inputShape: options.inputShape } : {}) });
  const runtime = await loadRuntime(options.runtime ?? 'onnx-node', options);
  const maxBatch = options.maxBatch ?? defaultMaxBatch(runtime, imported.graph ?? undefined);
  const declaredBatch = imported.inputShape[0] ?? -1;
  const original = {
    bytes: imported.bytes,
    inputName: imported.inputName,
    outputName: imported.outputName,
    ...(declaredBatch > 0 ? { fixedBatch: declaredBatch } : {}),
  };
  const inputShape = imported.inputShape.slice(1);
  if (inputShape.some((d) => d < 0)) {
    throw new ModelFormatError(`${label}: input ${imported.inputName} has unknown non-batch dimensions [${imported.inputShape.join(', ')}]; pass inputShape`);
  }
  let outputShape = imported.outputShape.slice(1);
  if (!imported.graph && (imported.outputShape.length === 0 || outputShape.some((d) => d < 0))) outputShape = await probeOutputShape(runtime, original, inputShape);
  return new OnnxModel({
    runtime,
    ...(imported.graph ? { graph: imported.graph } : {}),
    original,
    inputShape,
    outputShape,
    blockingOps: imported.blockingOps.map((b) => b.op),
    blockingReasons: imported.reasons,
    resolveLayer: (name) => describeLayerName(imported, name).layer,
    finiteDifferenceFallback: options.finiteDifferenceFallback === true,
    maxBatch,
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
    ...cacheOption(options),
  });
}

function cacheOption(options: OnnxModelOptions): { cacheDir?: string } {
  const dir = resolveCacheDir(options.cacheDir);
  return dir ? { cacheDir: dir } : {};
}

/** Output shape of a forward-only model with symbolic output dims: one zero-input run. */
async function probeOutputShape(
  runtime: OnnxRuntime,
  original: { bytes: Uint8Array; inputName: string; outputName: string; fixedBatch?: number },
  inputShape: readonly number[],
): Promise<number[]> {
  const n = original.fixedBatch ?? 1;
  const session = await runtime.createSession(original.bytes);
  try {
    const x = { shape: [n, ...inputShape], data: new Float32Array(n * inputShape.reduce((a, d) => a * d, 1)) };
    const r = await runtime.run(session, { [original.inputName]: x }, [original.outputName]);
    return r[original.outputName]!.shape.slice(1);
  } finally {
    await session.release();
  }
}

/** Factories for OnnxModel: from a core IR graph (emitted forward) and from ONNX bytes/paths/URLs. */
import { validateGraph, type Graph } from '@glasswing/core';
import { OnnxModel } from './onnx-model.js';
import { loadRuntime, type OnnxRuntime, type RuntimeOptions, type RuntimeSpec } from './runtime.js';

export interface OnnxModelOptions extends RuntimeOptions {
  /** 'onnx-node' (default), 'onnx-web', a loaded runtime, or { ort } with a user-supplied onnxruntime module. */
  readonly runtime?: RuntimeSpec;
  /** Largest batch per session run; larger batches are chunked (default 1600 on node, 400 on web). */
  readonly maxBatch?: number;
}

export function defaultMaxBatch(runtime: OnnxRuntime): number {
  return runtime.name === 'onnx-web' ? 400 : 1600;
}

/** A Model running an IR graph in ONNX Runtime: forward, activations and gradients as emitted ONNX graphs. */
export async function createOnnxModel(graph: Graph, options: OnnxModelOptions = {}): Promise<OnnxModel> {
  validateGraph(graph);
  const runtime = await loadRuntime(options.runtime ?? 'onnx-node', options);
  return new OnnxModel({ runtime, graph, maxBatch: options.maxBatch ?? defaultMaxBatch(runtime) });
}

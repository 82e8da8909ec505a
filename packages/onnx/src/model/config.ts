/** What an OnnxModel is built from (its runtime, graph, original bytes, limits) and what it reports about itself. */
import type { Graph } from '@glasswing/core';
import type { OnnxRuntime } from '../runtime.js';

/** What an OnnxModel can do, and why not. */
export interface OnnxCapabilityReport {
  /** The IR graph covers the whole model: gradients, layers and rules by emitted graphs. */
  readonly complete: boolean;
  /** ONNX op types that block gradients (empty when complete). */
  readonly blockingOps: readonly string[];
  /** How gradient() is computed. */
  readonly gradients: 'emitted' | 'finite-differences' | 'unavailable';
  /** Human-readable summary. */
  readonly summary: string;
}

/** The original ONNX model, run as is for forward(). */
export interface OriginalOnnx {
  readonly bytes: Uint8Array;
  readonly inputName: string;
  readonly outputName: string;
  /** A fixed batch size declared by the model (inputs are run in rows of exactly this many). */
  readonly fixedBatch?: number;
}

export interface OnnxModelConfig {
  readonly runtime: OnnxRuntime;
  /** The complete IR graph (absent for forward-only models). */
  readonly graph?: Graph;
  readonly original?: OriginalOnnx;
  /** Per-example shapes (taken from the graph when present). */
  readonly inputShape?: readonly number[];
  readonly outputShape?: readonly number[];
  readonly blockingOps?: readonly string[];
  /** Why the model is forward-only, as sentences (for the report and CapabilityError messages). */
  readonly blockingReasons?: readonly string[];
  /**
   * Extra layer names (ONNX node and tensor names, PyTorch module paths) → IR node name:
   * undefined for names it does not know, or its own typed error (FoldedLayerError,
   * UnknownLayerError with candidates).
   */
  readonly resolveLayer?: (name: string) => string | undefined;
  /** Opt-in central finite differences for forward-only models. */
  readonly finiteDifferenceFallback?: boolean;
  /** Largest batch per session run (larger inputs are chunked). */
  readonly maxBatch: number;
  /** Sessions kept (least recently used released first; default DEFAULT_MAX_SESSIONS = 6). */
  readonly maxSessions?: number;
  /** Directory of the on-disk cache of emitted models (model/disk-cache.ts); none when absent. */
  readonly cacheDir?: string;
}

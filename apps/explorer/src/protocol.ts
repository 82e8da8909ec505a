/**
 * Messages between the page (src/client.ts) and the model worker (src/worker/worker.ts). Tensors
 * travel as { shape, data } with their Float32Array buffers transferred where possible.
 */
export interface WireTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Where a model runs. */
export type BackendId = 'onnx-wasm' | 'onnx-webgpu' | 'tfjs-webgl' | 'tfjs-wasm' | 'gpujs-webgl2' | 'reference';

export const BACKENDS: readonly { readonly id: BackendId; readonly title: string }[] = [
  { id: 'onnx-wasm', title: 'ONNX Runtime Web · WebAssembly' },
  { id: 'onnx-webgpu', title: 'ONNX Runtime Web · WebGPU' },
  { id: 'tfjs-webgl', title: 'TensorFlow.js · WebGL' },
  { id: 'tfjs-wasm', title: 'TensorFlow.js · WebAssembly' },
  { id: 'gpujs-webgl2', title: 'gpu.js · WebGL2' },
  { id: 'reference', title: 'Glasswing reference executor (plain JS)' },
];

/** A model given as files (name → bytes): .onnx, tfjs model.json + shards, or graph JSON. */
export interface ModelFiles {
  readonly [name: string]: Uint8Array;
}

export interface LayerRow {
  readonly name: string;
  readonly op: string;
  readonly outputShape?: readonly number[];
  readonly params: number;
}

export interface MethodRow {
  readonly id: string;
  readonly title: string;
  readonly family: string;
  readonly supported: boolean;
  /** Why it cannot run on this model (missing capabilities), when unsupported. */
  readonly reason?: string;
  readonly options: readonly string[];
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** What the page learns about a loaded model (an `inspect`-style summary). */
export interface ModelSummary {
  readonly name: string;
  readonly format: string;
  readonly backend: BackendId;
  /** What actually runs (e.g. "tfjs webgl (WebGL 2)"). */
  readonly ran: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly layout?: 'NHWC' | 'NCHW';
  readonly capabilities: Readonly<Record<string, boolean>>;
  readonly layerNames: readonly string[];
  /** Output shape per tappable layer (without the batch dimension), where known. */
  readonly layerShapes: Readonly<Record<string, readonly number[]>>;
  readonly layers: readonly LayerRow[];
  readonly totalParams: number;
  readonly methods: readonly MethodRow[];
  /** The network diagram (SVG from @glasswing/viz), when the model has an IR graph. */
  readonly diagramSvg?: string;
  readonly limits?: string;
  /** Backends this browser/worker cannot offer, with the reason. */
  readonly unavailable: Readonly<Partial<Record<BackendId, string>>>;
}

export interface MethodRequest {
  readonly method: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export type ToWorker =
  | { readonly type: 'load'; readonly id: number; readonly name: string; readonly files: ModelFiles; readonly backend: BackendId }
  | { readonly type: 'predict'; readonly id: number; readonly input: WireTensor }
  | { readonly type: 'run'; readonly id: number; readonly input: WireTensor; readonly target: number; readonly requests: readonly MethodRequest[] }
  | { readonly type: 'cancel'; readonly id: number };

export interface MethodResult {
  readonly method: string;
  readonly title: string;
  readonly family: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly attributions: WireTensor;
  readonly modelCalls: number;
  readonly seconds: number;
  readonly delta?: number;
  /** Set when this method failed (the others still run). */
  readonly error?: string;
  /** Attention views: probabilities [1, L, H, T, T], the layers, and the query token's scores. */
  readonly attention?: {
    readonly matrices: WireTensor;
    readonly layers: readonly { readonly index: number; readonly heads: number }[];
    readonly scores: readonly number[];
    readonly query: number;
  };
}

export type FromWorker =
  | { readonly type: 'loaded'; readonly id: number; readonly summary: ModelSummary }
  | { readonly type: 'prediction'; readonly id: number; readonly logits: readonly number[] }
  | { readonly type: 'progress'; readonly id: number; readonly method: string; readonly index: number; readonly count: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly id: number; readonly result: MethodResult }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

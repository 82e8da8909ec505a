/** What the Node side (../browser.ts) and the page (page.ts) exchange: plain JSON. */

/** The browser adapters, as `browser:<id>` in row ids and the adapter column. */
export const BROWSER_ADAPTER_IDS = ['tfjs-webgl', 'tfjs-wasm', 'onnx-web', 'onnx-webgpu', 'gpujs-webgl2'] as const;
export type BrowserAdapterId = (typeof BROWSER_ADAPTER_IDS)[number];

export interface BrowserProbe {
  readonly userAgent: string;
  readonly hardwareConcurrency: number;
  /** COOP/COEP in force: SharedArrayBuffer, so wasm threads (tfjs-wasm, onnxruntime-web). */
  readonly crossOriginIsolated: boolean;
  /** performance.memory exists (Chromium; precise with --enable-precise-memory-info). */
  readonly memoryApi: boolean;
  readonly webgl2: GlProbe;
  readonly webgl: GlProbe;
  readonly webgpu: { readonly ok: boolean; readonly adapter?: string; readonly software?: boolean; readonly reason?: string };
  /** availableGpujsModes() in the page. */
  readonly gpujsModes: readonly string[];
}

export interface GlProbe {
  readonly ok: boolean;
  /** UNMASKED_RENDERER_WEBGL, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) ...))". */
  readonly renderer?: string;
  /** A software renderer (SwiftShader, llvmpipe): its timings say nothing about GPU speed. */
  readonly software?: boolean;
  readonly reason?: string;
}

export interface PageRowSpec {
  readonly adapter: BrowserAdapterId;
  readonly method: string;
  readonly model: string;
  readonly batch: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly reps: number;
  readonly warmup: number;
  readonly budgetS: number;
  readonly hardLimitS: number;
  /** tfjs rows: one extra, untimed run under tf.profile for the backend's peak bytes. */
  readonly profile: boolean;
  /** The model's IR graph as Glasswing graph JSON (tfjs and gpu.js rows). */
  readonly graphUrl: string;
  /** The model's ONNX file (ONNX Runtime rows, NCHW as in Node). */
  readonly onnxUrl: string;
  /** Directory of @tensorflow/tfjs-backend-wasm's .wasm files. */
  readonly tfjsWasmPath: string;
}

export interface PageRowResult {
  readonly status: 'ok' | 'error' | 'timeout' | 'skipped';
  /** Why not ok: for 'skipped', why the row cannot run in this browser. */
  readonly error?: string;
  /** What actually ran: tfjs backend, gpu.js mode, ORT execution provider, threads. */
  readonly ran?: string;
  readonly times?: readonly number[];
  readonly medianS?: number;
  readonly firstS?: number;
  readonly createS?: number;
  readonly modelCalls?: number;
  /** Σ|attribution| of the last run (a check that the page computed what Node computes). */
  readonly attributionAbsSum?: number;
  /** Peak performance.memory.usedJSHeapSize sampled after every model call, MB. */
  readonly peakJsHeapMB?: number;
  readonly backendPeakMB?: number;
  readonly backendTensorsLeaked?: number;
}

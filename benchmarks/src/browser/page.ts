/**
 * The page side of the browser benchmarks (bundled by ../browser.ts with esbuild, loaded in
 * Chromium): Glasswing's adapters built inside the page, timed with performance.now() the way
 * harness.ts times the Node rows (same seeded inputs and targets, warm-up, repetitions within a
 * time budget, a hard limit through the methods' AbortSignal).
 *
 * `glasswingBench.probe()` says what this browser offers (WebGL / WebGL2 and its renderer,
 * navigator.gpu and an adapter, cross-origin isolation for wasm threads, performance.memory);
 * `glasswingBench.run(spec)` runs one row and returns its timings, or the reason it cannot run.
 * Nothing here reads the network beyond the page's own server (graphs, ONNX files, wasm binaries).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, graphFromJSON, METHODS, type Graph, type MethodOptions, type Model, type Tensor } from '@glasswing/core';
import { availableGpujsModes, createGpujsModel, type GpujsModel } from '@glasswing/gpujs';
import { fromOnnx, loadRuntime, type OnnxRuntime } from '@glasswing/onnx';
import { createTfjsModel } from '@glasswing/tfjs';
import type { BrowserProbe, PageRowResult, PageRowSpec } from './protocol.js';

interface PerformanceMemory {
  readonly usedJSHeapSize: number;
}
interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string }; isFallbackAdapter?: boolean } | null>;
}

const heapBytes = (): number | undefined => (performance as unknown as { memory?: PerformanceMemory }).memory?.usedJSHeapSize;

function glInfo(kind: 'webgl2' | 'webgl'): { ok: boolean; renderer?: string; reason?: string } {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext(kind) as WebGLRenderingContext | null;
    if (!gl) return { ok: false, reason: `canvas.getContext('${kind}') returned null` };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { ok: true, renderer };
  } catch (e) {
    return { ok: false, reason: `canvas.getContext('${kind}') threw: ${(e as Error).message}` };
  }
}

/** Software renderers: their rows say nothing about GPU speed. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

async function probe(): Promise<BrowserProbe> {
  const webgl2 = glInfo('webgl2');
  const webgl = glInfo('webgl');
  let webgpu: BrowserProbe['webgpu'];
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) webgpu = { ok: false, reason: 'navigator.gpu is undefined (this Chromium exposes no WebGPU here)' };
  else {
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) webgpu = { ok: false, reason: 'navigator.gpu.requestAdapter() returned null (no WebGPU adapter)' };
      else {
        const info = adapter.info ?? {};
        const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
        webgpu = { ok: true, adapter: name, software: Boolean(adapter.isFallbackAdapter) || SOFTWARE_GL.test(name) };
      }
    } catch (e) {
      webgpu = { ok: false, reason: `navigator.gpu.requestAdapter() threw: ${(e as Error).message}` };
    }
  }
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    memoryApi: heapBytes() !== undefined,
    webgl2: { ...webgl2, ...(webgl2.renderer ? { software: SOFTWARE_GL.test(webgl2.renderer) } : {}) },
    webgl: { ...webgl, ...(webgl.renderer ? { software: SOFTWARE_GL.test(webgl.renderer) } : {}) },
    webgpu,
    gpujsModes: availableGpujsModes(),
  };
}

/** Why a row cannot run here (thrown before timing; reported as a skipped row). */
class CannotRun extends Error {}

const graphs = new Map<string, Graph>();
async function graphOf(url: string): Promise<Graph> {
  let g = graphs.get(url);
  if (!g) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    g = graphFromJSON(await res.json());
    graphs.set(url, g);
  }
  return g;
}

let tfjsWasmPathSet = false;
let onnxWeb: OnnxRuntime | undefined;
let onnxWebgpu: OnnxRuntime | undefined;

/** onnxruntime-web on its webgpu execution provider: the onnx-web runtime with another provider list. */
async function webgpuRuntime(): Promise<OnnxRuntime> {
  const base = await loadRuntime('onnx-web');
  return {
    ...base,
    name: 'onnx-webgpu',
    createSession: (bytes) => base.ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' }),
  };
}

interface Built {
  readonly model: Model;
  /** What actually ran (tfjs backend name, gpu.js mode, ORT provider). */
  readonly ran: string;
  readonly tfjs: boolean;
  readonly dispose: () => Promise<void> | void;
}

let probed: Promise<BrowserProbe> | undefined;

async function build(spec: PageRowSpec): Promise<Built> {
  const info = await (probed ??= probe());
  switch (spec.adapter) {
    case 'tfjs-webgl': {
      if (!info.webgl2.ok && !info.webgl.ok) throw new CannotRun(`no WebGL context: ${info.webgl2.reason}; ${info.webgl.reason}`);
      const graph = await graphOf(spec.graphUrl);
      let model: Model;
      try {
        model = await createTfjsModel(graph, { backend: 'webgl' });
      } catch (e) {
        throw new CannotRun(`tfjs could not set the webgl backend: ${(e as Error).message}`);
      }
      return { model, ran: `tfjs ${tf.getBackend()} (WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'float32' : 'float16'} textures)`, tfjs: true, dispose: () => model.dispose() };
    }
    case 'tfjs-wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In a browser the application says where the .wasm binaries are (before the first init).
      if (!tfjsWasmPathSet) wasm.setWasmPaths(spec.tfjsWasmPath);
      tfjsWasmPathSet = true;
      const model = await createTfjsModel(await graphOf(spec.graphUrl), { backend: 'wasm' });
      if (tf.getBackend() !== 'wasm') throw new CannotRun(`tfjs backend is '${tf.getBackend()}', not wasm`);
      return { model, ran: `tfjs wasm (${wasm.getThreadsCount()} threads)`, tfjs: true, dispose: () => model.dispose() };
    }
    case 'onnx-web': {
      onnxWeb ??= await loadRuntime('onnx-web');
      const model = await fromOnnx(spec.onnxUrl, { runtime: onnxWeb });
      return { model, ran: `onnxruntime-web wasm (${onnxWeb.ort.env.wasm.numThreads} threads)`, tfjs: false, dispose: () => model.dispose() };
    }
    case 'onnx-webgpu': {
      if (!info.webgpu.ok) throw new CannotRun(info.webgpu.reason ?? 'no WebGPU');
      onnxWebgpu ??= await webgpuRuntime();
      const model = await fromOnnx(spec.onnxUrl, { runtime: onnxWebgpu });
      return { model, ran: `onnxruntime-web webgpu (${info.webgpu.adapter})`, tfjs: false, dispose: () => model.dispose() };
    }
    case 'gpujs-webgl2': {
      if (!info.gpujsModes.includes('webgl2')) throw new CannotRun(`gpu.js offers no 'webgl2' mode here (available: ${info.gpujsModes.join(', ')}; ${info.webgl2.reason ?? 'WebGL2 context exists'})`);
      const model: GpujsModel = await createGpujsModel(await graphOf(spec.graphUrl), { mode: 'webgl2' });
      if (model.runtime.mode !== 'webgl2' || !model.runtime.onDevice) {
        await model.dispose();
        throw new CannotRun(`gpu.js ran mode '${model.runtime.mode}' instead of 'webgl2'`);
      }
      return { model, ran: `gpu.js ${model.runtime.mode}`, tfjs: false, dispose: () => model.dispose() };
    }
    default:
      throw new CannotRun(`unknown browser adapter ${spec.adapter}`);
  }
}

function makeInput(model: Model, batch: number, seed: number): Tensor {
  const rng = createRng(seed);
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(batch * per);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return { shape: [batch, ...model.inputShape], data };
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// Before any backend is registered nothing is allocated (and tf.memory() would pick a backend).
const tfTensors = (): number => (Object.keys(tf.engine().registry).length > 0 ? tf.memory().numTensors : 0);

/**
 * ONNX Runtime's errors carry its build path and a C++ signature before the point:
 * "failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: /…/ort_value.h:85 const onnxruntime::Tensor
 * &OrtValue::Get() const IsTensor() was false. …" → "OrtRun: IsTensor() was false. …".
 */
function shortOrtMessage(message: string): string {
  const m = /failed to call (\w+)\(\)\. ERROR_CODE: \d+, ERROR_MESSAGE:\s*(?:\S+:\d+\s+)?(?:.*?\) const\s+)?([\s\S]*)$/.exec(message);
  return m ? `${m[1]}: ${m[2]!.trim()}` : message;
}

/**
 * Failures with a documented cause, reported as rows that cannot run (with the cause) rather than
 * errors. onnxruntime-web's WebGPU MaxPool computes no `Indices` output (microsoft/onnxruntime
 * PR #23714 lists it as missing, as in the older JSEP kernels), and Glasswing's emitted MaxPool
 * backward reads it: the gradient session fails with "IsTensor() was false" (a null output), while
 * the forward model and graphs without MaxPool run there.
 */
async function knownLimitation(spec: PageRowSpec, message: string): Promise<string | undefined> {
  if (spec.adapter !== 'onnx-webgpu' || !/IsTensor\(\) was false/.test(message)) return undefined;
  const graph = await graphOf(spec.graphUrl).catch(() => undefined);
  if (!graph?.nodes.some((n) => n.op === 'MaxPool')) return undefined;
  return "onnxruntime-web's WebGPU MaxPool computes no Indices output (onnxruntime PR #23714); Glasswing's MaxPool backward reads it (OrtRun: IsTensor() was false). The forward pass runs.";
}

async function run(spec: PageRowSpec): Promise<PageRowResult> {
  const method = METHODS[spec.method];
  if (!method) return { status: 'error', error: `unknown method ${spec.method}` };
  let built: Built | undefined;
  const tensorsBefore = tfTensors();
  try {
    const createStart = performance.now();
    try {
      built = await build(spec);
    } catch (e) {
      if (e instanceof CannotRun) return { status: 'skipped', error: e.message };
      throw e;
    }
    const createS = (performance.now() - createStart) / 1000;
    const model = built.model;
    const x = makeInput(model, spec.batch, 1234);
    const rng = createRng(99);
    const outputs = model.outputShape.reduce((a, b) => a * b, 1);
    const target = Array.from({ length: spec.batch }, () => rng.int(outputs));
    let peakHeap = 0;
    const sample = () => {
      peakHeap = Math.max(peakHeap, heapBytes() ?? 0);
    };
    const hardLimitMs = spec.hardLimitS * 1000;
    // Sum of |attribution| of the last run: lets a test check the page computed the right thing.
    let attributionAbsSum = 0;
    const once = async (): Promise<{ seconds: number; modelCalls: number }> => {
      const controller = new AbortController();
      const start = performance.now();
      const result = await method.run(model, x, {
        ...(spec.options as MethodOptions),
        target,
        signal: controller.signal,
        onProgress: () => {
          sample();
          if (performance.now() - start > hardLimitMs) controller.abort();
        },
      });
      const seconds = (performance.now() - start) / 1000;
      sample();
      attributionAbsSum = 0;
      for (const v of result.attributions.data) attributionAbsSum += Math.abs(v);
      return { seconds, modelCalls: result.modelCalls };
    };
    let firstS: number | undefined;
    for (let i = 0; i < spec.warmup; i++) firstS ??= (await once()).seconds;
    const times: number[] = [];
    let modelCalls = 0;
    const budgetStart = performance.now();
    while (times.length < spec.reps && (times.length === 0 || performance.now() - budgetStart < spec.budgetS * 1000)) {
      const r = await once();
      firstS ??= r.seconds;
      times.push(r.seconds);
      modelCalls = r.modelCalls;
    }
    // tfjs: peak backend bytes during one extra, untimed run (tf.profile), as the Node rows (not in quick runs).
    const backendPeak = built.tfjs && spec.profile
      ? (
          await tf.profile(async () => {
            await once();
            return [];
          })
        ).peakBytes
      : undefined;
    const ran = built.ran;
    const tfjs = built.tfjs;
    await built.dispose();
    built = undefined;
    return {
      status: 'ok',
      ran,
      times,
      createS,
      ...(firstS !== undefined ? { firstS } : {}),
      medianS: median(times),
      modelCalls,
      attributionAbsSum,
      ...(peakHeap > 0 ? { peakJsHeapMB: peakHeap / 2 ** 20 } : {}),
      ...(backendPeak !== undefined ? { backendPeakMB: backendPeak / 2 ** 20 } : {}),
      ...(tfjs ? { backendTensorsLeaked: tfTensors() - tensorsBefore } : {}),
    };
  } catch (e) {
    const err = e as { name?: string; message?: string; code?: string };
    const known = await knownLimitation(spec, err.message ?? '');
    if (known) return { status: 'skipped', error: known };
    return { status: err.code === 'ABORTED' ? 'timeout' : 'error', error: `${err.name ?? 'Error'}: ${shortOrtMessage(err.message ?? String(e))}` };
  } finally {
    await built?.dispose();
  }
}

(globalThis as unknown as { glasswingBench: unknown }).glasswingBench = { probe, run };

/**
 * Building a loaded model on a backend, inside the worker. ONNX Runtime Web (wasm, or WebGPU
 * where `navigator.gpu` gives an adapter) runs an ONNX file's own bytes for forward and emitted
 * ONNX graphs for gradients (or the emitted forward of an IR graph); TensorFlow.js (webgl through
 * an OffscreenCanvas, or wasm), gpu.js (WebGL2, OffscreenCanvas) and Glasswing's reference
 * executor run the IR graph. Every binary
 * comes from the app's own files (Vite bundles ORT's and tfjs' .wasm), never the network.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createReferenceModel, InvalidArgumentError, type Model } from '@glasswing/core';
import { createOnnxModel, fromOnnx, loadRuntime, type OnnxRuntime } from '@glasswing/onnx';
import { createTfjsModel } from '@glasswing/tfjs';
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfjsWasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendId } from '../protocol.js';
import type { LoadedModel } from './load.js';

export interface Built {
  readonly model: Model;
  /** What actually runs. */
  readonly ran: string;
  dispose(): Promise<void>;
}

/** A backend that cannot run here (no WebGL, no WebGPU adapter, a forward-only model…). */
export class Unavailable extends Error {}

let onnxWasm: Promise<OnnxRuntime> | undefined;
let onnxWebgpu: Promise<OnnxRuntime> | undefined;
let tfjsWasmReady = false;

async function ortRuntime(): Promise<OnnxRuntime> {
  // One wasm thread: worker threads need cross-origin isolation, which a static host may not give.
  return (onnxWasm ??= loadRuntime('onnx-web', { numThreads: 1, intraOpNumThreads: 1 }));
}

async function webgpuRuntime(): Promise<OnnxRuntime> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) throw new Unavailable('this browser has no WebGPU (navigator.gpu is undefined)');
  if (!(await gpu.requestAdapter())) throw new Unavailable('navigator.gpu.requestAdapter() found no WebGPU adapter');
  onnxWebgpu ??= ortRuntime().then((base) => ({
    ...base,
    name: 'onnx-webgpu',
    createSession: (bytes: Uint8Array) => base.ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' }),
  }));
  return onnxWebgpu;
}

function needGraph(loaded: LoadedModel, backend: BackendId): NonNullable<LoadedModel['graph']> {
  if (!loaded.graph) throw new Unavailable(`${backend} needs the whole model as an IR graph; ${loaded.limits ?? 'this model has none'}: use ONNX Runtime`);
  return loaded.graph;
}

async function webgl(loaded: LoadedModel): Promise<Built> {
  const graph = needGraph(loaded, 'tfjs-webgl');
  if (typeof OffscreenCanvas === 'undefined') throw new Unavailable('no OffscreenCanvas in this worker (tfjs WebGL needs one)');
  const probe = new OffscreenCanvas(1, 1);
  if (!probe.getContext('webgl2') && !new OffscreenCanvas(1, 1).getContext('webgl')) throw new Unavailable('no WebGL context in this browser');
  let model: Model;
  try {
    model = await createTfjsModel(graph, { backend: 'webgl' });
  } catch (e) {
    throw new Unavailable(`tfjs could not start its webgl backend: ${(e as Error).message}`);
  }
  const version = tf.env().getNumber('WEBGL_VERSION');
  return {
    model,
    ran: `tfjs webgl (WebGL ${version}, ${tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'float32' : 'float16'} textures)`,
    dispose: async () => model.dispose(),
  };
}

async function wasm(loaded: LoadedModel): Promise<Built> {
  const graph = needGraph(loaded, 'tfjs-wasm');
  const backend = await import('@tensorflow/tfjs-backend-wasm');
  if (!tfjsWasmReady) {
    backend.setWasmPaths({ 'tfjs-backend-wasm.wasm': tfjsWasm, 'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreaded });
    tfjsWasmReady = true;
  }
  const model = await createTfjsModel(graph, { backend: 'wasm' });
  return { model, ran: `tfjs wasm (${backend.getThreadsCount()} thread${backend.getThreadsCount() === 1 ? '' : 's'})`, dispose: async () => model.dispose() };
}

/** Glasswing's gpu.js kernels on WebGL2 (an OffscreenCanvas in the worker); never gpu.js' silent CPU fallback. */
async function gpujs(loaded: LoadedModel): Promise<Built> {
  const graph = needGraph(loaded, 'gpujs-webgl2');
  const { availableGpujsModes, createGpujsModel } = await import('@glasswing/gpujs');
  if (!availableGpujsModes().includes('webgl2')) throw new Unavailable(`gpu.js offers no WebGL2 mode here (available: ${availableGpujsModes().join(', ')})`);
  const model = await createGpujsModel(graph, { mode: 'webgl2' });
  if (model.runtime.mode !== 'webgl2' || !model.runtime.onDevice) {
    await model.dispose();
    throw new Unavailable(`gpu.js ran mode '${model.runtime.mode}' instead of WebGL2`);
  }
  return { model, ran: 'gpu.js webgl2', dispose: async () => model.dispose() };
}

async function onnx(loaded: LoadedModel, runtime: OnnxRuntime, label: string): Promise<Built> {
  const model = loaded.onnxBytes ? await fromOnnx(loaded.onnxBytes, { runtime }) : await createOnnxModel(needGraph(loaded, 'onnx-wasm'), { runtime });
  return { model, ran: label, dispose: async () => model.dispose() };
}

/** The model on `backend`; Unavailable (with the reason) when this browser cannot run it there. */
export async function buildModel(loaded: LoadedModel, backend: BackendId): Promise<Built> {
  switch (backend) {
    case 'onnx-wasm':
      return onnx(loaded, await ortRuntime(), `onnxruntime-web wasm (${loaded.onnxBytes ? 'the ONNX file' : 'emitted from the IR graph'})`);
    case 'onnx-webgpu':
      return onnx(loaded, await webgpuRuntime(), 'onnxruntime-web webgpu');
    case 'tfjs-webgl':
      return webgl(loaded);
    case 'tfjs-wasm':
      return wasm(loaded);
    case 'gpujs-webgl2':
      return gpujs(loaded);
    case 'reference': {
      const model = createReferenceModel(needGraph(loaded, 'reference'));
      return { model, ran: 'Glasswing reference executor (plain JS)', dispose: async () => model.dispose() };
    }
    default:
      throw new InvalidArgumentError(`unknown backend ${String(backend)}`);
  }
}

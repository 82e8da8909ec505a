/**
 * The adapters benchmarked, as a table of factories. A new adapter (onnx, gpu.js) is a new row,
 * never a new code path. A factory gets the model's IR graph (imported from its TensorFlow.js
 * files) and the model's files; the ONNX Runtime rows load the model's own ONNX file (NCHW), as
 * an ONNX user would, and for a model without one (a published tfjs LayersModel) run its IR
 * graph as emitted ONNX (createOnnxModel; NHWC), as `attribute --adapter onnx-node` does.
 */
import { createReferenceModel, type Graph, type Model } from '@glasswing/core';
import { createOnnxModel, fromOnnx } from '@glasswing/onnx';
import { createTfjsModel } from '@glasswing/tfjs';
import { GPUJS_ADAPTERS } from './gpujs-adapters.js';
import type { ModelFiles } from './models.js';
import * as tf from '@tensorflow/tfjs-core';

export interface BackendMemory {
  readonly tensors: number;
  readonly bytes: number;
}

export interface AdapterSpec {
  /** Id used in workload ids and `--filter`. */
  readonly id: string;
  readonly description: string;
  create(graph: Graph, files: ModelFiles): Promise<Model>;
  /** Device-side memory the adapter tracks (tf.memory() for tfjs), if any. */
  memory?(): BackendMemory;
  /** Peak device bytes while `fn` runs (tf.profile for tfjs), if the adapter can tell. */
  peakBytes?(fn: () => Promise<unknown>): Promise<number>;
  /** The size of the adapter's WebAssembly heap now (it only grows), if it has one and exposes it. */
  wasmHeapBytes?(): number | undefined;
}

const tfMemory = (): BackendMemory => {
  // Before any backend is registered there is nothing allocated (and tf.memory() throws).
  if (Object.keys(tf.engine().registry).length === 0) return { tensors: 0, bytes: 0 };
  const m = tf.memory();
  return { tensors: m.numTensors, bytes: m.numBytes };
};

const tfPeakBytes = async (fn: () => Promise<unknown>): Promise<number> =>
  (
    await tf.profile(async () => {
      await fn();
      return [];
    })
  ).peakBytes;

export const ADAPTERS: readonly AdapterSpec[] = [
  {
    id: 'reference',
    description: "core's pure-JS reference executor",
    create: async (graph) => createReferenceModel(graph),
  },
  {
    id: 'tfjs-cpu',
    description: 'TensorFlow.js, cpu backend',
    create: (graph) => createTfjsModel(graph, { backend: 'cpu' }),
    memory: tfMemory,
    peakBytes: tfPeakBytes,
  },
  {
    id: 'tfjs-wasm',
    description: 'TensorFlow.js, wasm backend',
    create: (graph) => createTfjsModel(graph, { backend: 'wasm' }),
    memory: tfMemory,
    peakBytes: tfPeakBytes,
    wasmHeapBytes: () => {
      if (!('wasm' in tf.engine().registry)) return undefined;
      const backend = tf.findBackend('wasm') as { wasm?: { HEAPU8?: Uint8Array } } | null;
      return backend?.wasm?.HEAPU8?.length;
    },
  },
  {
    id: 'onnx-node',
    description: 'ONNX Runtime (onnxruntime-node, native cpu): original ONNX file for forward, emitted gradient graphs (no ONNX file: the IR graph emitted)',
    create: (graph, files) => (files.onnx ? fromOnnx(files.onnx, { runtime: 'onnx-node' }) : createOnnxModel(graph, { runtime: 'onnx-node' })),
  },
  {
    id: 'onnx-web',
    description: 'ONNX Runtime Web (onnxruntime-web, wasm in Node, 2 threads): original ONNX file, emitted gradient graphs (no ONNX file: the IR graph emitted)',
    create: (graph, files) => (files.onnx ? fromOnnx(files.onnx, { runtime: 'onnx-web' }) : createOnnxModel(graph, { runtime: 'onnx-web' })),
  },
  // gpu.js kernels: gpujs-cpu, gpujs-webasm, and gpujs-headlessgl where headless GL starts.
  ...GPUJS_ADAPTERS,
];

export function adapterById(id: string): AdapterSpec {
  const a = ADAPTERS.find((x) => x.id === id);
  if (!a) throw new Error(`unknown adapter ${id} (known: ${ADAPTERS.map((x) => x.id).join(', ')})`);
  return a;
}

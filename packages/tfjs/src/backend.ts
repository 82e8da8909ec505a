/**
 * Backend initialisation for TensorFlow.js ('cpu', 'wasm', or 'webgl' in a browser).
 *
 * The backend packages are optional peer dependencies and are imported lazily. In Node the wasm
 * backend needs the location of its `.wasm` binaries, which are resolved from the installed
 * `@tensorflow/tfjs-backend-wasm` package. In browsers the wasm paths must be configured by the
 * application (setWasmPaths) before calling `initTfjsBackend('wasm')`, or the bundler must serve
 * the binaries next to the script.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@glasswing/core';
import { registerMissingGradients } from './gradients/index.js';

export type TfjsBackendName = 'cpu' | 'wasm' | 'webgl';

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

async function wasmDirectoryInNode(): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/** Register the backend (if needed), make it the active tfjs backend and wait until it is ready. */
export async function initTfjsBackend(name: TfjsBackendName): Promise<void> {
  if (name !== 'cpu' && name !== 'wasm' && name !== 'webgl') {
    throw new InvalidArgumentError(`unknown tfjs backend '${String(name)}' (expected 'cpu', 'wasm' or 'webgl')`);
  }
  registerMissingGradients();
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Only configure paths before the backend is first initialised (later calls are no-ops).
    if (isNode() && !('wasm' in tf.engine().registry)) wasm.setWasmPaths(await wasmDirectoryInNode());
  }
  if (tf.engine().backendName !== name) {
    // tfjs answers false (or throws, for some failures) when a backend cannot start: webgl without a
    // WebGL context (Node, a worker without OffscreenCanvas, a GPU-less browser).
    const ok = await tf.setBackend(name).catch(() => false);
    if (!ok || tf.getBackend() !== name) {
      const why = name === 'webgl' ? ' (no usable WebGL context here?)' : '';
      throw new InvalidArgumentError(`tfjs backend '${name}' could not be initialised${why}; active: ${tf.getBackend() ?? 'none'}`);
    }
  }
  await tf.ready();
}

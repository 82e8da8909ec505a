/**
 * Backend initialisation for TensorFlow.js ('cpu' or 'wasm').
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

export type TfjsBackendName = 'cpu' | 'wasm';

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
  if (name !== 'cpu' && name !== 'wasm') {
    throw new InvalidArgumentError(`unknown tfjs backend '${String(name)}' (expected 'cpu' or 'wasm')`);
  }
  registerMissingGradients();
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Only configure paths before the backend is first initialised (later calls are no-ops).
    if (isNode() && !('wasm' in tf.engine().registry)) wasm.setWasmPaths(await wasmDirectoryInNode());
  }
  if (tf.engine().backendName !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new InvalidArgumentError(`tfjs backend '${name}' could not be initialised`);
  }
  await tf.ready();
}

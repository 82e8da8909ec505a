/**
 * The machine's measured limit per runtime (issue 15: "the fraction of this machine's measured
 * peak: a matmul microbenchmark in the same run"): an n×n by n×n float32 matrix product (2·n³
 * FLOPs), best of a few repetitions after one warm-up, on each runtime the benchmark rows use:
 *
 * - `js`: a plain JavaScript matmul (4-row register tiling, K blocking) over Float32Arrays (the
 *   reference executor's and gpu.js' CPU modes' kind of code: their limit without SIMD or threads;
 *   the reference kernels skip zero operands (ReLU outputs), so they can pass it in dense FLOPs);
 * - `tfjs-cpu`, `tfjs-wasm`: tf.matMul on that TensorFlow.js backend (wasm: XNNPACK);
 * - `onnx-node`, `onnx-web`: a one-node MatMul ONNX graph in a session made exactly as the
 *   adapters make theirs (@glasswing/onnx loadRuntime: same threads and options).
 *
 * A row's "fraction of peak" is its achieved GFLOP/s over its runtime's figure. A runtime that
 * cannot run here gets an `error` and its rows no fraction. Browser rows measure their own peak in
 * the page with the same fields (PeakMeasurement).
 */
import { initTfjsBackend } from '@glasswing/tfjs';
import { loadRuntime, makeModel, makeNode, makeValueInfo, encodeModel } from '@glasswing/onnx';
import * as tf from '@tensorflow/tfjs-core';

export interface PeakMeasurement {
  /** Runtime id ('js', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web'; browser rows add theirs). */
  readonly runtime: string;
  readonly description: string;
  /** Matrix size n of the n×n·n×n product. */
  readonly n: number;
  readonly reps: number;
  /** Fastest repetition, seconds. */
  readonly bestS?: number;
  /** 2·n³ / bestS / 1e9. */
  readonly gflops?: number;
  /** Why there is no figure. */
  readonly error?: string;
}

interface PeakRuntime {
  readonly id: string;
  readonly description: string;
  /** Returns a function that runs one n×n product (awaiting its result). */
  prepare(n: number, a: Float32Array, b: Float32Array): Promise<{ run: () => Promise<void>; dispose: () => Promise<void> | void }>;
}

/**
 * C = A·B in plain JavaScript: four rows of A at a time against each row of B (i-k-j order, so the
 * inner loop streams contiguous rows; each B element loaded once per four multiply-adds), with
 * K blocked so the active rows of B stay in cache. No SIMD, one thread: JS's practical limit.
 */
export function jsMatmul(n: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  c.fill(0);
  const KB = 128;
  for (let k0 = 0; k0 < n; k0 += KB) {
    const k1 = Math.min(n, k0 + KB);
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const c0 = i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let k = k0; k < k1; k++) {
        const a0 = a[c0 + k]!;
        const a1 = a[c1 + k]!;
        const a2 = a[c2 + k]!;
        const a3 = a[c3 + k]!;
        const bk = k * n;
        for (let j = 0; j < n; j++) {
          const bv = b[bk + j]!;
          c[c0 + j] += a0 * bv;
          c[c1 + j] += a1 * bv;
          c[c2 + j] += a2 * bv;
          c[c3 + j] += a3 * bv;
        }
      }
    }
    for (; i < n; i++) {
      const ci = i * n;
      for (let k = k0; k < k1; k++) {
        const aik = a[ci + k]!;
        const bk = k * n;
        for (let j = 0; j < n; j++) c[ci + j] += aik * b[bk + j]!;
      }
    }
  }
}

const tfjs = (backend: 'cpu' | 'wasm'): PeakRuntime => ({
  id: `tfjs-${backend}`,
  description: `tf.matMul, TensorFlow.js ${backend} backend`,
  async prepare(n, a, b) {
    await initTfjsBackend(backend);
    const ta = tf.tensor2d(a, [n, n]);
    const tb = tf.tensor2d(b, [n, n]);
    return {
      run: async () => {
        const c = tf.matMul(ta, tb);
        await c.data();
        c.dispose();
      },
      dispose: () => {
        ta.dispose();
        tb.dispose();
      },
    };
  },
});

const ort = (name: 'onnx-node' | 'onnx-web'): PeakRuntime => ({
  id: name,
  description: `one-node MatMul graph, ${name === 'onnx-node' ? 'onnxruntime-node (native cpu)' : 'onnxruntime-web (wasm)'}, the adapter's session options`,
  async prepare(n, a, b) {
    const runtime = await loadRuntime(name);
    const model = makeModel({
      nodes: [makeNode('MatMul', ['A', 'B'], ['C'])],
      inputs: [makeValueInfo('A', [n, n]), makeValueInfo('B', [n, n])],
      outputs: [makeValueInfo('C', [n, n])],
      opset: 13,
    });
    const session = await runtime.createSession(encodeModel(model));
    const feeds = { A: { shape: [n, n], data: a }, B: { shape: [n, n], data: b } };
    return {
      run: async () => {
        await runtime.run(session, feeds, ['C']);
      },
      dispose: () => session.release(),
    };
  },
});

export const PEAK_RUNTIMES: readonly PeakRuntime[] = [
  {
    id: 'js',
    description: 'plain JavaScript, 4-row register-tiled i-k-j loop with K blocking over Float32Arrays (one thread, no SIMD)',
    async prepare(n, a, b) {
      const c = new Float32Array(n * n);
      return { run: async () => jsMatmul(n, a, b, c), dispose: () => {} };
    },
  },
  tfjs('cpu'),
  tfjs('wasm'),
  ort('onnx-node'),
  ort('onnx-web'),
];

/** The peak runtime each Node adapter's rows are measured against. */
export const PEAK_RUNTIME_OF_ADAPTER: Readonly<Record<string, string>> = {
  reference: 'js',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
  'onnx-node': 'onnx-node',
  'onnx-web': 'onnx-web',
  'gpujs-cpu': 'js',
  'gpujs-webasm': 'js',
};

export function peakRuntimeOf(adapter: string): string | undefined {
  return PEAK_RUNTIME_OF_ADAPTER[adapter];
}

/** Deterministic operands in [-1, 1). */
function operand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * n);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Measures each runtime's matmul GFLOP/s: one warm-up, then the best of `reps` (default n 1024, 3 reps). */
export async function measurePeaks(runtimes: readonly string[], options: { n?: number; reps?: number } = {}): Promise<PeakMeasurement[]> {
  const n = options.n ?? 1024;
  const reps = options.reps ?? 3;
  const a = operand(n, 1);
  const b = operand(n, 2);
  const out: PeakMeasurement[] = [];
  for (const id of runtimes) {
    const rt = PEAK_RUNTIMES.find((r) => r.id === id);
    if (!rt) {
      out.push({ runtime: id, description: 'unknown runtime', n, reps: 0, error: `no matmul microbenchmark for ${id}` });
      continue;
    }
    try {
      const { run, dispose } = await rt.prepare(n, a, b);
      try {
        await run();
        let best = Infinity;
        for (let i = 0; i < reps; i++) {
          const t0 = performance.now();
          await run();
          best = Math.min(best, (performance.now() - t0) / 1000);
        }
        out.push({ runtime: id, description: rt.description, n, reps, bestS: best, gflops: (2 * n ** 3) / best / 1e9 });
      } finally {
        await dispose();
      }
    } catch (e) {
      out.push({ runtime: id, description: rt.description, n, reps: 0, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/**
 * Soak (issue 16): many consecutive attributions on one model per adapter, watching what could
 * leak — TensorFlow.js tensors (tf.memory().numTensors), ONNX Runtime sessions (sessionsHeld /
 * sessionsCreated of the OnnxModel), and the JS heap (process.memoryUsage().heapUsed after
 * global.gc(); run with --expose-gc). Methods cycle through a gradient method (integrated
 * gradients), a rule method (DeepLIFT) and a perturbation method (feature ablation) on the
 * cheapest benchmark model (mlp_tabular). gpu.js rows count the model's runtime: kernels cached
 * and compiled (cache misses over the run), kernels retired (evicted, kept for a live result) and
 * live textures (GL modes; 0 on cpu / webasm, where values are host arrays). Every other call
 * carries an AbortSignal (the node-by-node path), and one call in 30 (a feature ablation) is
 * aborted from its first progress report (it must reject with AbortError), so aborts are soaked too.
 *
 *   pnpm --filter @glasswing/benchmarks soak [--iterations 1000] [--adapters reference,tfjs-cpu]
 */
import { AbortError, METHODS, type Model, type Tensor, tensor } from '@glasswing/core';
import type { GpujsRuntime } from '@glasswing/gpujs';
import { ADAPTERS, adapterById } from './adapters.js';
import { headlessGlStarts } from './gpujs-adapters.js';
import { loadGraph, modelFiles } from './models.js';

export const SOAK_METHODS = ['integrated-gradients', 'deeplift', 'feature-ablation'] as const;
const MODEL = 'mlp_tabular';

export interface SoakSample {
  readonly iteration: number;
  readonly heapMB: number;
  readonly tensors?: number;
  readonly sessionsHeld?: number;
  readonly sessionsCreated?: number;
  /** gpu.js runtime: kernels in its cache, compiled so far, retired, and live textures. */
  readonly gpujs?: { readonly cached: number; readonly compiled: number; readonly retired: number; readonly textures: number };
}

export interface SoakResult {
  readonly adapter: string;
  readonly iterations: number;
  readonly seconds: number;
  readonly samples: readonly SoakSample[];
  /** heapUsed growth (MB) between the first sample after warm-up and the last. */
  readonly heapGrowthMB: number;
  readonly tensorGrowth?: number;
  readonly sessionGrowth?: number;
  /** Live tfjs tensors after model.dispose() (tfjs rows). */
  readonly tensorsAfterDispose?: number;
  /** gpu.js: kernels compiled and live textures, growth after warm-up. */
  readonly kernelsCompiledGrowth?: number;
  readonly textureGrowth?: number;
  /** Calls aborted (each rejected with AbortError). */
  readonly aborted: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function sessions(model: Model): { held?: number; created?: number } {
  const m = model as { sessionsHeld?: number; sessionsCreated?: number };
  return typeof m.sessionsHeld === 'number' ? { held: m.sessionsHeld, created: m.sessionsCreated } : {};
}

function gpujsRuntime(model: Model): GpujsRuntime | undefined {
  return (model as { runtime?: GpujsRuntime }).runtime;
}

/** The i-th call of the soak (the method, target and input vary with i; nothing is random). */
export function soakCall(i: number, inputSize: number): { id: string; x: Tensor; options: Record<string, unknown> } {
  const id = SOAK_METHODS[i % SOAK_METHODS.length]!;
  const data = Float32Array.from({ length: 2 * inputSize }, (_, k) => Math.sin(0.37 * (k + 1) + 0.11 * i));
  const options: Record<string, unknown> = { target: i % 3 };
  if (id === 'integrated-gradients') options.steps = 8;
  return { id, x: tensor(data, [2, inputSize]), options };
}

/** Runs `iterations` attributions on `adapterId`; samples memory at 1, warmup and every `every` iterations. */
export async function soak(adapterId: string, iterations: number, opts: { warmup?: number; every?: number } = {}): Promise<SoakResult> {
  const warmup = opts.warmup ?? Math.min(100, Math.floor(iterations / 10));
  const every = opts.every ?? Math.max(1, Math.floor(iterations / 10));
  const spec = adapterById(adapterId);
  const model = await spec.create(await loadGraph(MODEL), modelFiles(MODEL));
  const inputSize = model.inputShape.reduce((a, b) => a * b, 1); // per-example shape [10]
  const samples: SoakSample[] = [];
  const sample = (iteration: number): void => {
    gc();
    gc();
    const s = sessions(model);
    const rt = gpujsRuntime(model);
    samples.push({
      iteration,
      heapMB: process.memoryUsage().heapUsed / 2 ** 20,
      ...(spec.memory ? { tensors: spec.memory().tensors } : {}),
      ...(s.held !== undefined ? { sessionsHeld: s.held, sessionsCreated: s.created } : {}),
      ...(rt ? { gpujs: { cached: rt.cachedKernels, compiled: rt.compiledKernels, retired: rt.retiredKernels, textures: rt.liveTextures } } : {}),
    });
  };
  let aborted = 0;
  const t0 = performance.now();
  try {
    for (let i = 1; i <= iterations; i++) {
      const { id, x, options } = soakCall(i, inputSize);
      if (i % 2 === 1) {
        // With a signal: the node-by-node path. Calls 5, 35, 65, … (feature ablation: many model
        // calls) are aborted at their first progress report: the next model call must reject.
        const ctrl = new AbortController();
        const abort = i % 30 === 5;
        if (abort) {
          const run = METHODS[id]!.run(model, x, { ...options, signal: ctrl.signal, onProgress: () => ctrl.abort() });
          const e = await run.then(() => undefined, (err: unknown) => err);
          if (!(e instanceof AbortError)) throw new Error(`${adapterId} ${id} #${i}: the aborted call did not reject with AbortError (${String(e)})`);
          aborted++;
          if (i === 1 || i === warmup || i % every === 0) sample(i);
          continue;
        }
        options.signal = ctrl.signal;
      }
      const r = await METHODS[id]!.run(model, x, options);
      if (!r.attributions.data.every(Number.isFinite)) throw new Error(`${adapterId} ${id} #${i}: non-finite attributions`);
      if (i === 1 || i === warmup || i % every === 0) sample(i);
    }
  } finally {
    await model.dispose();
  }
  const tensorsAfterDispose = spec.memory?.().tensors;
  const seconds = (performance.now() - t0) / 1000;
  const base = samples.find((s) => s.iteration === warmup) ?? samples[0]!;
  const last = samples.at(-1)!;
  return {
    adapter: adapterId,
    iterations,
    seconds,
    samples,
    heapGrowthMB: last.heapMB - base.heapMB,
    ...(last.tensors !== undefined ? { tensorGrowth: last.tensors - base.tensors! } : {}),
    ...(last.sessionsHeld !== undefined ? { sessionGrowth: last.sessionsHeld - base.sessionsHeld! } : {}),
    ...(tensorsAfterDispose !== undefined ? { tensorsAfterDispose } : {}),
    ...(last.gpujs && base.gpujs ? { kernelsCompiledGrowth: last.gpujs.compiled - base.gpujs.compiled, textureGrowth: last.gpujs.textures - base.gpujs.textures } : {}),
    aborted,
  };
}

export const SOAK_ADAPTERS: readonly string[] = [
  'reference',
  'tfjs-cpu',
  'tfjs-wasm',
  'onnx-node',
  'onnx-web',
  'gpujs-cpu',
  'gpujs-webasm',
  ...(headlessGlStarts() ? ['gpujs-headlessgl'] : []),
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const iterations = Number(arg('--iterations') ?? 1000);
  const adapters = arg('--adapters')?.split(',') ?? [...SOAK_ADAPTERS];
  if (!(globalThis as { gc?: unknown }).gc) console.warn('soak: run with --expose-gc for heap figures after collection');
  for (const a of adapters) if (!ADAPTERS.some((x) => x.id === a)) throw new Error(`unknown adapter ${a}`);
  console.log(`soak: ${iterations} attributions per adapter on ${MODEL} (${SOAK_METHODS.join(', ')}), node ${process.version}`);
  console.log('| adapter | iterations (aborted) | s | heap MB @warmup → @end | heap growth MB | tfjs tensors growth | ORT sessions held (created) | gpu.js kernels cached (compiled, retired) @warmup → @end | gpu.js live textures @warmup → @end |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const a of adapters) {
    const r = await soak(a, iterations);
    const base = r.samples.find((s) => s.iteration === Math.min(100, Math.floor(iterations / 10))) ?? r.samples[0]!;
    const last = r.samples.at(-1)!;
    console.log(
      `| ${a} | ${r.iterations} (${r.aborted}) | ${r.seconds.toFixed(1)} | ${base.heapMB.toFixed(2)} → ${last.heapMB.toFixed(2)} | ${r.heapGrowthMB.toFixed(2)} | ` +
        `${r.tensorGrowth ?? '—'}${last.tensors !== undefined ? ` (${last.tensors} live; ${r.tensorsAfterDispose} after dispose)` : ''} | ` +
        `${last.sessionsHeld !== undefined ? `${base.sessionsHeld} → ${last.sessionsHeld} (${last.sessionsCreated})` : '—'} | ` +
        (last.gpujs && base.gpujs
          ? `${base.gpujs.cached} (${base.gpujs.compiled}, ${base.gpujs.retired}) → ${last.gpujs.cached} (${last.gpujs.compiled}, ${last.gpujs.retired}) | ${base.gpujs.textures} → ${last.gpujs.textures} |`
          : '— | — |'),
    );
    if (process.env.SOAK_VERBOSE) console.log(JSON.stringify(r.samples));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

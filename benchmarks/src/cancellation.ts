/**
 * Cancellation (issue 16): every METHODS entry on one model per adapter, sized so an un-aborted
 * run takes about `targetMs`; aborted at seeded random times, it must reject with core's
 * AbortError. Measured: latency from the time abort() was due (its timer's deadline) to the rejection. Then the same call runs again,
 * un-aborted, and must equal a run made before any abort (the model is left usable), and its
 * progress must be monotone, with a fixed total, ending at done === total.
 *
 *   pnpm --filter @glasswing/benchmarks cancellation [--adapters reference,tfjs-cpu] [--aborts 4] [--target-ms 1000]
 */
import { AbortError, createReferenceModel, createRng, METHODS, type Graph, type Model, type MethodOptions, type Progress, type Tensor, tensor } from '@glasswing/core';
import { createGpujsModel } from '@glasswing/gpujs';
import { createOnnxModel } from '@glasswing/onnx';
import { createTfjsModel } from '@glasswing/tfjs';
import { loadGraph } from './models.js';

export const CANCEL_ADAPTERS: Readonly<Record<string, (g: Graph) => Promise<Model>>> = {
  reference: async (g) => createReferenceModel(g),
  'tfjs-cpu': (g) => createTfjsModel(g, { backend: 'cpu' }),
  'tfjs-wasm': (g) => createTfjsModel(g, { backend: 'wasm' }),
  'onnx-node': (g) => createOnnxModel(g, { runtime: 'onnx-node' }),
  'onnx-web': (g) => createOnnxModel(g, { runtime: 'onnx-web' }),
  'gpujs-cpu': (g) => createGpujsModel(g, { mode: 'cpu' }),
};

/** LeNet (28×28×1 NHWC, 'conv2' is the layer for layer / neuron / CAM methods). */
export const CANCEL_MODEL = 'lenet_mnist';
const LAYER = 'conv2';

/** Eight feature groups: 7×7 blocks of the 28×28 image, folded onto 8 ids (exact Shapley: 256 coalitions per row). */
const MASK = Float32Array.from({ length: 28 * 28 }, (_, k) => ((Math.floor(Math.floor(k / 28) / 7) * 4 + Math.floor((k % 28) / 7)) % 8));

/** Options that make `id` do many small model calls (one row each), so any run is abortable between calls. */
export function cancelOptions(id: string, target: number): MethodOptions {
  const all: MethodOptions = {
    target,
    steps: 16,
    samples: 16,
    stdev: 0.1,
    seed: 7,
    layer: LAYER,
    neuron: 5,
    window: [7, 7, 1],
    strides: [7, 7, 1],
    featureMask: MASK,
    perturbationsPerEval: 1,
    internalBatchSize: 1,
  };
  const picked: Record<string, unknown> = {};
  for (const k of METHODS[id]!.options) if (k in all) picked[k] = all[k as keyof MethodOptions];
  return picked as MethodOptions;
}

export function cancelInput(rows: number): Tensor {
  return tensor(Float32Array.from({ length: rows * 784 }, (_, k) => 0.5 + 0.5 * Math.sin(0.013 * k * (1 + (k % 7)))), [rows, 28, 28, 1]);
}

export interface CancelRecord {
  readonly adapter: string;
  readonly method: string;
  readonly rows: number;
  /** Duration of the un-aborted run (ms). */
  readonly runMs: number;
  /** Mean duration of one model call of that run (ms): the latency bound on a synchronous backend. */
  readonly callMs: number;
  /** abort() → rejection latency (ms) of each abort that landed before the run ended. */
  readonly latenciesMs: readonly number[];
  /** Aborts whose run finished first (abort time past the end). */
  readonly finishedFirst: number;
  /** Problems: wrong error type, result after abort differs, progress not monotone / not ending at total. */
  readonly problems: readonly string[];
}

function progressProblems(seen: readonly Progress[]): string[] {
  const out: string[] = [];
  if (seen.length === 0) return ['no progress reported'];
  for (let i = 1; i < seen.length; i++) {
    if (seen[i]!.done < seen[i - 1]!.done) out.push(`progress went back at ${i}: ${seen[i - 1]!.done} → ${seen[i]!.done}`);
    if (seen[i]!.total !== seen[0]!.total) out.push(`total changed at ${i}: ${seen[0]!.total} → ${seen[i]!.total}`);
  }
  const last = seen.at(-1)!;
  if (last.done !== last.total) out.push(`ended at ${last.done}/${last.total}`);
  return out;
}

const same = (a: Tensor, b: Tensor): boolean => a.shape.join() === b.shape.join() && a.data.every((v, i) => Object.is(v, b.data[i]));

/**
 * Runs `method` on `model`: calibrates the row count so a run takes ≈ targetMs (at most
 * maxRows), then `aborts` seeded aborts at uniform random times within the run, then a final
 * un-aborted run compared with the first.
 */
export async function measureCancellation(
  adapter: string,
  model: Model,
  method: string,
  opts: { targetMs?: number; aborts?: number; seed?: number; maxRows?: number } = {},
): Promise<CancelRecord> {
  const spec = METHODS[method]!;
  const targetMs = opts.targetMs ?? 1000;
  const rng = createRng(opts.seed ?? 1);
  const rand = () => rng.uniform();
  const problems: string[] = [];
  const o = cancelOptions(method, 3);
  let t0 = performance.now();
  await spec.run(model, cancelInput(2), o); // two rows: feature permutation needs a batch
  const one = (performance.now() - t0) / 2;
  const rows = Math.max(2, Math.min(opts.maxRows ?? 32, Math.round(targetMs / Math.max(one, 1))));
  const x = cancelInput(rows);
  t0 = performance.now();
  const before = await spec.run(model, x, o);
  const runMs = performance.now() - t0;
  const latenciesMs: number[] = [];
  let finishedFirst = 0;
  for (let k = 0; k < (opts.aborts ?? 3); k++) {
    const controller = new AbortController();
    // Latency counts from the time the abort was due (a timer held back by a busy event loop is latency too).
    const delay = rand() * runMs * 0.95;
    const abortedAt = performance.now() + delay;
    const timer = setTimeout(() => controller.abort(), delay);
    try {
      await spec.run(model, x, { ...o, signal: controller.signal });
      finishedFirst++;
    } catch (e) {
      const at = performance.now();
      if (!(e instanceof AbortError)) problems.push(`abort ${k}: rejected with ${(e as Error)?.name}: ${(e as Error)?.message}`);
      else latenciesMs.push(at - abortedAt);
    } finally {
      clearTimeout(timer);
    }
  }
  const seen: Progress[] = [];
  const after = await spec.run(model, x, { ...o, onProgress: (p) => seen.push(p) });
  if (!same(before.attributions, after.attributions)) problems.push('the run after the aborts differs from the run before');
  problems.push(...progressProblems(seen));
  return { adapter, method, rows, runMs, callMs: runMs / before.modelCalls, latenciesMs, finishedFirst, problems };
}

export function summarize(latencies: readonly number[]): { max: number; p95: number; n: number } {
  const s = [...latencies].sort((a, b) => a - b);
  return { max: s.at(-1) ?? NaN, p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? NaN, n: s.length };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const adapters = arg('--adapters')?.split(',') ?? Object.keys(CANCEL_ADAPTERS);
  const methods = arg('--methods')?.split(',') ?? Object.keys(METHODS);
  for (const a of adapters) if (!CANCEL_ADAPTERS[a]) throw new Error(`unknown adapter '${a}' in --adapters; valid: ${Object.keys(CANCEL_ADAPTERS).join(', ')}`);
  for (const m of methods) if (!METHODS[m]) throw new Error(`unknown method '${m}' in --methods; valid: ${Object.keys(METHODS).join(', ')}`);
  const aborts = Number(arg('--aborts') ?? 4);
  const targetMs = Number(arg('--target-ms') ?? 1000);
  const graph = await loadGraph(CANCEL_MODEL);
  console.log(`cancellation: ${CANCEL_MODEL}, ${aborts} aborts per method, runs ≈ ${targetMs} ms, node ${process.version}`);
  for (const a of adapters) {
    const model = await CANCEL_ADAPTERS[a]!(graph);
    const all: number[] = [];
    try {
      for (const m of methods) {
        let r: CancelRecord;
        try {
          r = await measureCancellation(a, model, m, { targetMs, aborts, seed: m.length });
        } catch (e) {
          console.log(`${a} ${m}: FAILED ${(e as Error)?.name}: ${(e as Error)?.message}`);
          continue;
        }
        all.push(...r.latenciesMs);
        const s = summarize(r.latenciesMs);
        console.log(
          `${a} ${m}: rows ${r.rows}, run ${r.runMs.toFixed(0)} ms, call ${r.callMs.toFixed(1)} ms, latency max ${s.max.toFixed(1)} ms (n=${s.n}, finished first ${r.finishedFirst})` +
            (r.problems.length ? ` PROBLEMS: ${r.problems.join('; ')}` : ''),
        );
      }
    } finally {
      await model.dispose();
    }
    const s = summarize(all);
    console.log(`| ${a} | ${methods.length} | ${s.n} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

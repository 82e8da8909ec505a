/**
 * Runs workloads: load the model (cached per model), build it on the adapter, draw seeded inputs
 * and targets, warm up, then time repetitions until `reps` or the time budget; record throughput,
 * model calls and peak memory.
 */
import { countFlops, createRng, METHODS, type Graph, type GraphFlops, type Model, type Tensor } from '@glasswing/core';
import { adapterById } from './adapters.js';
import { captumExamplesPerSecond } from './captum-baseline.js';
import { MemorySampler, median } from './measure.js';
import { loadGraph, modelFiles } from './models.js';
import type { Workload } from './workloads.js';
import { countingModel, rowFlops } from './throughput.js';
import { peakRuntimeOf, type PeakMeasurement } from './peak.js';

export interface WorkloadResult {
  readonly id: string;
  readonly method: string;
  readonly model: string;
  readonly adapter: string;
  readonly batch: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: 'ok' | 'error' | 'timeout' | 'skipped';
  readonly error?: string;
  readonly reps: number;
  readonly medianS?: number;
  readonly minS?: number;
  /** The first run (warm-up or timed): ONNX Runtime sessions are emitted and created here. */
  readonly firstS?: number;
  /** Building the model on the adapter (adapter.create). */
  readonly createS?: number;
  readonly examplesPerSec?: number;
  readonly modelCalls?: number;
  readonly peakRssMB?: number;
  readonly peakArrayBuffersMB?: number;
  /** tfjs: peak device bytes (tf.profile) during one extra, untimed run, MB. */
  readonly backendPeakMB?: number;
  /** tfjs: tensors alive after model.dispose() minus before the model was created (a leak if > 0). */
  readonly backendTensorsLeaked?: number;
  readonly captumExamplesPerSec?: number;
  /** ours / Captum. */
  readonly ratioToCaptum?: number;
  /** Rows (examples) the model evaluated forward-only in one repetition (forward + activations calls). */
  readonly forwardRows?: number;
  /** Rows the model evaluated forward + backward (gradient calls) in one repetition. */
  readonly gradientRows?: number;
  /** FLOPs of one repetition's model calls, from the IR (core countFlops): forwardRows·F + gradientRows·(F + B). */
  readonly flops?: number;
  /** flops / median seconds / 1e9. */
  readonly achievedGflops?: number;
  /** The runtime whose measured matmul peak this row is compared with (peak.ts). */
  readonly peakRuntime?: string;
  /** That runtime's matmul GFLOP/s measured in the same run. */
  readonly peakGflops?: number;
  /** achievedGflops / peakGflops. */
  readonly fractionOfPeak?: number;
  /** The adapter's WebAssembly heap after the row (tfjs-wasm; it only grows), MB. */
  readonly wasmHeapMB?: number;
}

export interface RunOptions {
  /** 1 timed repetition, no warm-up. */
  readonly quick?: boolean;
  /** Abort a workload whose single repetition runs past this (seconds). Default 180. */
  readonly hardLimitS?: number;
  readonly log?: (line: string) => void;
  /** Matmul peaks measured in this run (peak.ts): rows get achieved GFLOP/s as a fraction of their runtime's. */
  readonly peaks?: readonly PeakMeasurement[];
  /**
   * Skip a row whose expected model calls (Workload.expectedRows) need more than this many seconds
   * even at its runtime's measured peak (a lower bound on its time). Default: no such skip.
   */
  readonly maxEstimateS?: number;
}

function makeInput(model: Model, batch: number, seed: number): Tensor {
  const rng = createRng(seed);
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(batch * per);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return { shape: [batch, ...model.inputShape], data };
}

const MB = 1024 * 1024;

const flopCache = new WeakMap<Graph, GraphFlops | null>();

function flopsOf(graph: Graph): GraphFlops | undefined {
  let f = flopCache.get(graph);
  if (f === undefined) {
    try {
      f = countFlops(graph);
    } catch {
      f = null;
    }
    flopCache.set(graph, f);
  }
  return f ?? undefined;
}

export async function runWorkload(
  w: Workload,
  graphs: Map<string, Graph>,
  options: RunOptions = {},
): Promise<WorkloadResult> {
  const base = { id: w.id, method: w.method, model: w.model, adapter: w.adapter, batch: w.batch, params: { ...w.options } };
  const captum = captumExamplesPerSecond(w.method, w.model, w.batch);
  const spec = METHODS[w.method];
  if (!spec) return { ...base, status: 'error', error: `unknown method ${w.method}`, reps: 0 };
  if (w.skip) return { ...base, status: 'skipped', error: w.skip, reps: 0, ...(captum !== undefined ? { captumExamplesPerSec: captum } : {}) };
  const adapter = adapterById(w.adapter);
  let model: Model | undefined;
  try {
    let graph = graphs.get(w.model);
    if (!graph) {
      graph = await loadGraph(w.model);
      graphs.set(w.model, graph);
    }
    const graphFlops = flopsOf(graph);
    const peakRuntime = peakRuntimeOf(w.adapter);
    const peak = options.peaks?.find((p) => p.runtime === peakRuntime && p.gflops !== undefined);
    if (options.maxEstimateS !== undefined && w.expectedRows && graphFlops && peak) {
      const lowerS = rowFlops(graphFlops, w.expectedRows.forward, w.expectedRows.gradient) / (peak.gflops! * 1e9);
      if (lowerS > options.maxEstimateS) {
        const why = `needs ≥ ${lowerS.toFixed(1)} s a repetition even at ${peakRuntime}'s measured matmul peak (${peak.gflops!.toFixed(1)} GFLOP/s); over the ${options.maxEstimateS} s limit of this run (--max-estimate)`;
        return { ...base, status: 'skipped', error: why, reps: 0, ...(captum !== undefined ? { captumExamplesPerSec: captum } : {}) };
      }
    }
    const beforeCreate = adapter.memory?.();
    const createStart = performance.now();
    const inner = await adapter.create(graph, modelFiles(w.model));
    const counter = countingModel(inner);
    model = counter.model;
    const createS = (performance.now() - createStart) / 1000;
    const x = makeInput(model, w.batch, 1234);
    const rng = createRng(99);
    const outputs = model.outputShape.reduce((a, b) => a * b, 1);
    const target = Array.from({ length: w.batch }, () => rng.int(outputs));
    const sampler = new MemorySampler();
    const hardLimitMs = (options.hardLimitS ?? 180) * 1000;
    const once = async (): Promise<{ seconds: number; modelCalls: number; rows: { forward: number; gradient: number; maxPerCall: number } }> => {
      const controller = new AbortController();
      const start = performance.now();
      counter.reset();
      const result = await spec.run(model!, x, {
        ...w.options,
        ...w.adapt?.(model!),
        target,
        signal: controller.signal,
        onProgress: () => {
          sampler.sample();
          if (performance.now() - start > hardLimitMs) controller.abort();
        },
      });
      const seconds = (performance.now() - start) / 1000;
      sampler.sample();
      return { seconds, modelCalls: result.modelCalls, rows: counter.rows() };
    };
    const warmup = options.quick ? 0 : w.warmup;
    const reps = options.quick ? 1 : w.reps;
    let firstS: number | undefined;
    for (let i = 0; i < warmup; i++) {
      const r = await once();
      firstS ??= r.seconds;
    }
    const times: number[] = [];
    let modelCalls = 0;
    let rows = { forward: 0, gradient: 0, maxPerCall: 0 };
    const budgetStart = performance.now();
    while (times.length < reps && (times.length === 0 || performance.now() - budgetStart < w.budgetS * 1000)) {
      const r = await once();
      firstS ??= r.seconds;
      times.push(r.seconds);
      modelCalls = r.modelCalls;
      rows = r.rows;
    }
    const peakBytes = adapter.peakBytes ? await adapter.peakBytes(once) : undefined;
    const wasmHeap = adapter.wasmHeapBytes?.();
    await model.dispose();
    const afterDispose = adapter.memory?.();
    model = undefined;
    const med = median(times);
    const flops = graphFlops ? rowFlops(graphFlops, rows.forward, rows.gradient) : undefined;
    const achieved = flops !== undefined ? flops / med / 1e9 : undefined;
    return {
      ...base,
      status: 'ok',
      reps: times.length,
      medianS: med,
      minS: Math.min(...times),
      ...(firstS !== undefined ? { firstS } : {}),
      createS,
      examplesPerSec: w.batch / med,
      modelCalls,
      peakRssMB: sampler.peakRss / MB,
      peakArrayBuffersMB: sampler.peakArrayBuffers / MB,
      ...(peakBytes !== undefined ? { backendPeakMB: peakBytes / MB } : {}),
      ...(wasmHeap !== undefined ? { wasmHeapMB: wasmHeap / MB } : {}),
      ...(beforeCreate && afterDispose ? { backendTensorsLeaked: afterDispose.tensors - beforeCreate.tensors } : {}),
      ...(captum !== undefined ? { captumExamplesPerSec: captum, ratioToCaptum: w.batch / med / captum } : {}),
      forwardRows: rows.forward,
      gradientRows: rows.gradient,
      ...(flops !== undefined ? { flops, achievedGflops: achieved } : {}),
      ...(peakRuntime !== undefined ? { peakRuntime } : {}),
      ...(peak ? { peakGflops: peak.gflops, ...(achieved !== undefined ? { fractionOfPeak: achieved / peak.gflops! } : {}) } : {}),
    };
  } catch (error) {
    const aborted = (error as { code?: string }).code === 'ABORTED';
    return {
      ...base,
      status: aborted ? 'timeout' : 'error',
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      reps: 0,
      ...(captum !== undefined ? { captumExamplesPerSec: captum } : {}),
    };
  } finally {
    await model?.dispose();
  }
}

export async function runWorkloads(workloads: readonly Workload[], options: RunOptions = {}): Promise<WorkloadResult[]> {
  const graphs = new Map<string, Graph>();
  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    options.log?.(`running ${w.id} ...`);
    const r = await runWorkload(w, graphs, options);
    options.log?.(
      r.status === 'ok'
        ? `  ${r.examplesPerSec!.toFixed(1)} examples/s (median ${(r.medianS! * 1000).toFixed(2)} ms over ${r.reps} reps)`
        : `  ${r.status}: ${r.error}`,
    );
    results.push(r);
  }
  return results;
}

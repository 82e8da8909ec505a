/**
 * Workloads as data: algorithm × model × batch rows, crossed with every adapter in ADAPTERS.
 * `reps` is the number of timed repetitions (after `warmup`), cut short by the time budget.
 */
import { createRng, type MethodOptions, type Tensor } from '@glasswing/core';
import { ADAPTERS } from './adapters.js';

export interface AlgorithmRow {
  /** METHODS registry id. */
  readonly method: string;
  readonly model: string;
  readonly batch: number;
  /** Method options (the target is drawn per example from the seeded generator). */
  readonly options: MethodOptions;
  readonly reps: number;
  readonly warmup: number;
  /** Stop starting new repetitions after this many seconds (at least one timed rep runs). */
  readonly budgetS: number;
  /** Per-adapter adjustments (slow executors get fewer reps; ONNX models name layers differently). */
  readonly perAdapter?: Readonly<Record<string, Partial<Pick<AlgorithmRow, 'reps' | 'warmup' | 'budgetS' | 'options'>>>>;
}

export interface Workload extends Omit<AlgorithmRow, 'perAdapter'> {
  /** `<method>/<model>/<adapter>/b<batch>`. */
  readonly id: string;
  readonly adapter: string;
}

const IG = { steps: 50, quadrature: 'gausslegendre', baselines: 0 } as const;

/**
 * LIME tabular training data for mlp_tabular: 512 rows uniform in [0, 1) (the distribution the
 * harness draws inputs from), seed 7. Prints as a short description in reports.
 */
function tabularTrainingData(rows: number, features: number, seed: number): Tensor {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: rows * features }, () => rng.uniform());
  const label = `training data [${rows}, ${features}] uniform(0,1) seed ${seed}`;
  return Object.assign({ shape: [rows, features], data }, { toJSON: () => label, toString: () => label });
}

export const ALGORITHM_ROWS: readonly AlgorithmRow[] = [
  { method: 'saliency', model: 'mlp_tabular', batch: 256, options: { abs: true }, reps: 200, warmup: 5, budgetS: 5 },
  {
    method: 'integrated-gradients',
    model: 'mlp_tabular',
    batch: 256,
    options: { ...IG, internalBatchSize: 3200 },
    reps: 10,
    warmup: 1,
    budgetS: 10,
  },
  { method: 'saliency', model: 'lenet_mnist', batch: 32, options: { abs: true }, reps: 20, warmup: 2, budgetS: 10 },
  {
    method: 'integrated-gradients',
    model: 'lenet_mnist',
    batch: 32,
    options: { ...IG, internalBatchSize: 200 },
    reps: 3,
    warmup: 1,
    budgetS: 20,
    // gpu.js on the CPU: about 45 s a run (benchmarks/results/2026-12-04-gpujs.md), one run.
    perAdapter: {
      reference: { reps: 1, warmup: 0 },
      'tfjs-cpu': { reps: 1, warmup: 0 },
      'gpujs-cpu': { reps: 1, warmup: 0 },
      'gpujs-webasm': { reps: 1, warmup: 0 },
      'gpujs-headlessgl': { reps: 1, warmup: 0 },
    },
  },
  // Propagation-rule family on LeNet (issue 4): LRP with Captum's default ε composite, DeepLIFT
  // rescale against a zero baseline (MaxPool rule included), Grad-CAM on the second conv layer
  // (tfjs node 'conv2', NHWC; the ONNX export's '/conv2/Conv', NCHW), resized to 28×28.
  {
    method: 'lrp',
    model: 'lenet_mnist',
    batch: 32,
    options: { composite: 'captum' },
    reps: 10,
    warmup: 1,
    budgetS: 10,
    perAdapter: { reference: { reps: 1, warmup: 0 } },
  },
  {
    method: 'deeplift',
    model: 'lenet_mnist',
    batch: 32,
    options: { baselines: 0 },
    reps: 10,
    warmup: 1,
    budgetS: 10,
    perAdapter: { reference: { reps: 1, warmup: 0 } },
  },
  {
    method: 'grad-cam',
    model: 'lenet_mnist',
    batch: 32,
    options: { layer: 'conv2', interpolation: 'bilinear' },
    reps: 10,
    warmup: 1,
    budgetS: 10,
    perAdapter: {
      reference: { reps: 1, warmup: 0 },
      'onnx-node': { options: { layer: '/conv2/Conv', interpolation: 'bilinear' } },
      'onnx-web': { options: { layer: '/conv2/Conv', interpolation: 'bilinear' } },
    },
  },
  // Forward-only perturbation methods; Captum explains one example at a time, figures per explanation.
  // KernelSHAP: 10 features, so the 2,048-sample budget covers all 2^10 − 2 = 1,022 coalitions
  // (exact enumeration: 1,022 model rows per explanation; Captum evaluates 2,048).
  { method: 'kernel-shap', model: 'mlp_tabular', batch: 16, options: { samples: 2048, baselines: 0, seed: 0 }, reps: 10, warmup: 1, budgetS: 10 },
  {
    method: 'lime',
    model: 'mlp_tabular',
    batch: 16,
    options: { samples: 1000, seed: 0, baselines: tabularTrainingData(512, 10, 7) },
    reps: 10,
    warmup: 1,
    budgetS: 10,
  },
];

export function workloadsFor(rows: readonly AlgorithmRow[], adapters: readonly string[]): Workload[] {
  const out: Workload[] = [];
  for (const adapter of adapters) {
    for (const { perAdapter, ...row } of rows) {
      out.push({
        ...row,
        ...perAdapter?.[adapter],
        adapter,
        id: `${row.method}/${row.model}/${adapter}/b${row.batch}`,
      });
    }
  }
  return out;
}

/** Every workload, grouped by adapter (one tfjs backend active at a time). */
export const WORKLOADS: readonly Workload[] = workloadsFor(
  ALGORITHM_ROWS,
  ADAPTERS.map((a) => a.id),
);

/**
 * Workloads as data: algorithm × model × batch rows, crossed with every adapter in ADAPTERS.
 * `reps` is the number of timed repetitions (after `warmup`), cut short by the time budget.
 */
import { createRng, type MethodOptions, type Model, type Tensor } from '@glasswing/core';
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
  readonly perAdapter?: Readonly<Record<string, Partial<Pick<AlgorithmRow, 'reps' | 'warmup' | 'budgetS' | 'options' | 'skip'>>>>;
  /** Not run, for this stated reason (reported as a skipped row). */
  readonly skip?: string;
  /** Options that depend on the built model (its layout, layer names), merged over `options`. */
  readonly adapt?: (model: Model) => MethodOptions;
  /** Rows the method will evaluate per repetition (forward-only, forward + backward), for --max-estimate. */
  readonly expectedRows?: { readonly forward: number; readonly gradient: number };
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

/**
 * Real published models (issue 19): the nsfwjs MobileNetV2 224 and InceptionV3 299 LayersModels,
 * one example, Saliency and integrated gradients with 8 Gauss–Legendre steps (default chunking),
 * beside Captum's figures for the same torchvision architectures (captum-baseline.ts). tfjs-cpu
 * and gpu.js on the CPU are skipped: slower than the reference executor on every earlier row
 * (2026-11-22, 2026-12-04-gpujs), they would take minutes a repetition here.
 */
const TFJS_CPU_SKIP = 'tfjs-cpu: slowest adapter on every 2026-11-22 row (LeNet IG 0.6 ex/s vs reference 5.8); minutes per repetition on these networks';
const GPUJS_SKIP =
  'gpu.js on the CPU: slower than the reference executor on every 2026-12-04-gpujs row (LeNet IG 0.8 ex/s vs 5.8); over 10 minutes for these rows; says nothing about GPU speed';
const gpujsSkips = Object.fromEntries(ADAPTERS.filter((a) => a.id.startsWith('gpujs-')).map((a) => [a.id, { skip: GPUJS_SKIP }]));
const realRow = (method: 'saliency' | 'integrated-gradients', model: string, options: MethodOptions, slow: boolean): AlgorithmRow => ({
  method,
  model,
  batch: 1,
  options,
  reps: 5,
  warmup: 1,
  budgetS: 30,
  perAdapter: {
    'tfjs-cpu': { skip: TFJS_CPU_SKIP },
    ...gpujsSkips,
    reference: { reps: slow ? 1 : 3, warmup: slow ? 0 : 1 },
    'tfjs-wasm': { reps: slow ? 1 : 3 },
  },
});

export const REAL_MODEL_ROWS: readonly AlgorithmRow[] = (['nsfwjs_mobilenet_v2', 'nsfwjs_inception_v3'] as const).flatMap((model) => [
  realRow('saliency', model, { abs: true }, false),
  realRow('integrated-gradients', model, { steps: 8, quadrature: 'gausslegendre', baselines: 0 }, true),
]);

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

/** The real-model rows on every adapter (`pnpm bench:real`). */
export const REAL_WORKLOADS: readonly Workload[] = workloadsFor(
  REAL_MODEL_ROWS,
  ADAPTERS.map((a) => a.id),
);

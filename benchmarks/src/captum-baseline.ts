/**
 * Captum CPU throughput, copied from the project's reference data (Glasswing's shared reference
 * folder: bench_captum_cpu.jsonl and CONVENTIONS.md, "Captum CPU throughput"): Captum 0.8.0,
 * PyTorch 1.13 CPU, float32, 2 threads, on this machine type, three runs each. IG: 50 steps,
 * Gauss–Legendre, internal batch 50, zero baseline. Saliency: abs = true. KernelShap / Lime:
 * bench_captum_perturbation_cpu.jsonl (explanations per second, one example per explanation).
 * Under other load the LeNet figures fall up to 10×: compare as ratios, side by side.
 */
export interface CaptumFigure {
  readonly method: 'saliency' | 'integrated-gradients' | 'kernel-shap' | 'lime';
  readonly model: 'mlp_tabular' | 'lenet_mnist' | 'nsfwjs_mobilenet_v2' | 'nsfwjs_inception_v3' | 'resnet18_64' | 'mobilenet_v2_64' | 'resnet18_224' | 'mobilenet_v2_224';
  /** The Glasswing workload's batch (perturbation figures are per explanation, any batch). */
  readonly batch: number;
  /** examples/second of the runs, in file order. */
  readonly runs: readonly number[];
  /** Where the figure comes from, when not CAPTUM_SOURCE. */
  readonly source?: string;
}

export const CAPTUM_SOURCE =
  'Captum 0.8.0 / PyTorch 1.13 CPU, 2 threads, float32 (bench_captum_cpu.jsonl in the reference data, 3 runs, median shown)';

const ISSUE_19 =
  'Captum 0.8.0 / torch 2.13 CPU, 2 threads, torchvision mobilenet_v2 / inception_v3 (issue 19 figures; IG: 8 steps, one image)';

const ISSUE_15 =
  'Captum 0.8 / torch 2.13 CPU, 2 threads, torchvision resnet18 / mobilenet_v2, 3×64×64, batch 8 (figures quoted in issue 15, measured side by side with onnx-node; IG settings of that run not recorded here)';

const TORCH_224 =
  "torch 2.13 CPU autograd in Captum's own loops (benchmarks/scripts/torch_baseline.py; Captum 0.8 is not installable here), 2 threads, torchvision resnet18 / mobilenet_v2 (random weights), 3×224×224, batch 8, IG 50 Gauss–Legendre steps 50 rows a pass; measured 2026-12-08 beside the onnx-node rows (at 64×64 the same script gave 0.96–1.7× the Captum figures of issue 15)";

export const CAPTUM_CPU: readonly CaptumFigure[] = [
  { method: 'integrated-gradients', model: 'mlp_tabular', batch: 256, runs: [4952.68, 5045.7, 4872.52] },
  { method: 'saliency', model: 'mlp_tabular', batch: 256, runs: [274355.48, 287748.44, 277707.27] },
  { method: 'integrated-gradients', model: 'lenet_mnist', batch: 32, runs: [48.8, 51.05, 47.61] },
  { method: 'saliency', model: 'lenet_mnist', batch: 32, runs: [4782.17, 3149.46, 3411.14] },
  // bench_captum_perturbation_cpu.jsonl (same machine type, Captum 0.8.0, one run each):
  // "KernelShap n_samples=2048 perturbations_per_eval=256" 12.39 explanations/s (0.08068 s each;
  // 5.77/s with perturbations_per_eval=1); "Lime n_samples=1000 perturbations_per_eval=256"
  // 22.55/s (0.04434 s each). Captum explains one example per call.
  { method: 'kernel-shap', model: 'mlp_tabular', batch: 16, runs: [12.39] },
  { method: 'lime', model: 'mlp_tabular', batch: 16, runs: [22.55] },
  // The nsfwjs architectures in torchvision (issue 19: Captum 0.8.0, torch 2.13 CPU, 2 threads, one
  // 3-channel image, seconds per attribution): MobileNetV2 224 Saliency 0.07 s, IG 8 steps 1.51 s;
  // InceptionV3 299 Saliency 0.22 s, IG 8 steps 3.0 s. As examples per second (batch 1).
  { method: 'saliency', model: 'nsfwjs_mobilenet_v2', batch: 1, runs: [1 / 0.07], source: ISSUE_19 },
  { method: 'integrated-gradients', model: 'nsfwjs_mobilenet_v2', batch: 1, runs: [1 / 1.51], source: ISSUE_19 },
  { method: 'saliency', model: 'nsfwjs_inception_v3', batch: 1, runs: [1 / 0.22], source: ISSUE_19 },
  { method: 'integrated-gradients', model: 'nsfwjs_inception_v3', batch: 1, runs: [1 / 3.0], source: ISSUE_19 },
  // The real layouts (issue 15): "ResNet-18 IG 6.7 vs 3.5 ex/s, Saliency 145–207 vs 218; MobileNetV2
  // IG 5.5 vs 4.1, Saliency 65 vs 225" (ours vs Captum), examples per second at batch 8.
  { method: 'saliency', model: 'resnet18_64', batch: 8, runs: [218], source: ISSUE_15 },
  { method: 'integrated-gradients', model: 'resnet18_64', batch: 8, runs: [3.5], source: ISSUE_15 },
  { method: 'saliency', model: 'mobilenet_v2_64', batch: 8, runs: [225], source: ISSUE_15 },
  { method: 'integrated-gradients', model: 'mobilenet_v2_64', batch: 8, runs: [4.1], source: ISSUE_15 },
  // 224×224 (issue 15 asks for ≥ 2× there too; no Captum figure was quoted): the torch-autograd
  // baseline, examples per second at batch 8, each the median of 3 repetitions after a warm-up, in
  // two windows ~15 min apart (benchmarks/results/2026-12-08-torch-baseline.jsonl); with two runs
  // the higher is used, so ratios err against Glasswing.
  { method: 'saliency', model: 'resnet18_224', batch: 8, runs: [17.378, 22.589], source: TORCH_224 },
  { method: 'integrated-gradients', model: 'resnet18_224', batch: 8, runs: [0.301, 0.384], source: TORCH_224 },
  { method: 'saliency', model: 'mobilenet_v2_224', batch: 8, runs: [36.017, 34.857], source: TORCH_224 },
  { method: 'integrated-gradients', model: 'mobilenet_v2_224', batch: 8, runs: [0.34, 0.672], source: TORCH_224 },
];

/** Where the figure for a method × model comes from (CAPTUM_SOURCE unless the figure says). */
export function captumSourceOf(method: string, model: string): string {
  return CAPTUM_CPU.find((c) => c.method === method && c.model === model)?.source ?? CAPTUM_SOURCE;
}

/** Median Captum examples/second for a method × model × batch, if measured. */
export function captumExamplesPerSecond(method: string, model: string, batch: number): number | undefined {
  const f = CAPTUM_CPU.find((c) => c.method === method && c.model === model && c.batch === batch);
  if (!f) return undefined;
  const sorted = [...f.runs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

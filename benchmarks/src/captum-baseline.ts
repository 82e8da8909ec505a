/**
 * Captum CPU throughput, copied from the project's reference data (Glasswing's shared reference
 * folder: bench_captum_cpu.jsonl and CONVENTIONS.md, "Captum CPU throughput"): Captum 0.8.0,
 * PyTorch 1.13 CPU, float32, 2 threads, on this machine type, three runs each. IG: 50 steps,
 * Gauss–Legendre, internal batch 50, zero baseline. Saliency: abs = true.
 * Under other load the LeNet figures fall up to 10×: compare as ratios, side by side.
 */
export interface CaptumFigure {
  readonly method: 'saliency' | 'integrated-gradients';
  readonly model: 'mlp_tabular' | 'lenet_mnist';
  readonly batch: number;
  /** examples/second of the three runs, in file order. */
  readonly runs: readonly number[];
}

export const CAPTUM_SOURCE =
  'Captum 0.8.0 / PyTorch 1.13 CPU, 2 threads, float32 (bench_captum_cpu.jsonl in the reference data, 3 runs, median shown)';

export const CAPTUM_CPU: readonly CaptumFigure[] = [
  { method: 'integrated-gradients', model: 'mlp_tabular', batch: 256, runs: [4952.68, 5045.7, 4872.52] },
  { method: 'saliency', model: 'mlp_tabular', batch: 256, runs: [274355.48, 287748.44, 277707.27] },
  { method: 'integrated-gradients', model: 'lenet_mnist', batch: 32, runs: [48.8, 51.05, 47.61] },
  { method: 'saliency', model: 'lenet_mnist', batch: 32, runs: [4782.17, 3149.46, 3411.14] },
];

/** Median Captum examples/second for a method × model × batch, if measured. */
export function captumExamplesPerSecond(method: string, model: string, batch: number): number | undefined {
  const f = CAPTUM_CPU.find((c) => c.method === method && c.model === model && c.batch === batch);
  if (!f) return undefined;
  const sorted = [...f.runs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

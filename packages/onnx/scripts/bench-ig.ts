// Integrated Gradients throughput on LeNet (50 steps, batch 32 = 1,600 gradients per attribute call)
// through core's IntegratedGradients on onnx-node and onnx-web. Not a test. Run from packages/onnx:
//   npx tsx --conditions=@glasswing/source scripts/bench-ig.ts [onnx-node|onnx-web ...] [--runs 3] [--max-batch N] [--threads N]
import { fileURLToPath } from 'node:url';
import { IntegratedGradients } from '@glasswing/core';
import { fromOnnx, type OnnxRuntimeName } from '../src/index.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback?: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runtimes = args.filter((a): a is OnnxRuntimeName => a === 'onnx-node' || a === 'onnx-web');
const runs = opt('--runs', 3)!;
const maxBatch = opt('--max-batch');
const threads = opt('--threads');
const lenet = fileURLToPath(new URL('../test/fixtures/lenet_mnist.onnx', import.meta.url));
const n = 32;

for (const runtime of runtimes.length ? runtimes : (['onnx-node', 'onnx-web'] as const)) {
  const model = await fromOnnx(lenet, {
    runtime,
    ...(maxBatch ? { maxBatch } : {}),
    ...(threads ? { intraOpNumThreads: threads, numThreads: threads } : {}),
  });
  const x = { shape: [n, ...model.inputShape], data: Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7919) % 1000) / 1000) };
  const ig = new IntegratedGradients(model);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await ig.attribute(x, { target: Array.from({ length: n }, (_, i) => i % 10), steps: 50 });
    times.push((performance.now() - t0) / 1000);
  }
  const fmt = (s: number) => `${s.toFixed(2)} s = ${(n / s).toFixed(1)} ex/s`;
  console.log(`${runtime}: IG 50 steps, ${n} examples, maxBatch ${maxBatch ?? 'default'}: first ${fmt(times[0]!)}; best ${fmt(Math.min(...times))}`);
  await model.dispose();
}

// IG-like throughput of the BUILT package (run `npx tsc -p tsconfig.build.json` first):
// input gradients of 1,600 LeNet inputs (= Integrated Gradients with 50 steps for 32 examples),
// reported as examples/s = 1600 / 50 / seconds. Not a test.
//   node scripts/bench-ig.mjs [cpu|wasm ...] [--batch 1600] [--max-batch 128] [--runs 3]
import { fileURLToPath } from 'node:url';
import { fromTfjsLayers } from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const backends = args.filter((a) => a === 'cpu' || a === 'wasm');
const n = opt('--batch', 1600);
const maxBatch = opt('--max-batch', 128);
const runs = opt('--runs', 3);
const lenet = fileURLToPath(new URL('../test/fixtures/lenet_mnist/model.json', import.meta.url));

for (const backend of backends.length ? backends : ['wasm', 'cpu']) {
  const model = await fromTfjsLayers(lenet, { backend, maxBatch });
  const x = { shape: [n, 28, 28, 1], data: Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7919) % 1000) / 1000) };
  const seed = { kind: 'index', indices: Array.from({ length: n }, (_, i) => i % 10) };
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await model.gradient(x, { seed });
    times.push((performance.now() - t0) / 1000);
  }
  const fmt = (s) => `${s.toFixed(2)} s = ${(n / 50 / s).toFixed(1)} ex/s`;
  console.log(`${backend}: ${n} gradients, maxBatch ${maxBatch}: first ${fmt(times[0])}; best ${fmt(Math.min(...times))}`);
  await model.dispose();
}

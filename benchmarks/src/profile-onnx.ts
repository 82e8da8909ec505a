/**
 * Where an onnx-node model call spends its time, per ONNX op type (issue 15: find the causes with a
 * profiler before changing code). Runs the given methods on a benchmark model with onnx-node, which
 * writes every session it makes (ORT-optimised) into a fresh disk cache; then re-runs each cached
 * graph alone with ORT's profiler on (the adapter's session options, 2 intra-op threads unless
 * GLASSWING_PROFILE_THREADS says otherwise) and prints, per graph: its inputs, best wall time of 10
 * runs, and kernel time per op type (the top 14).
 *
 *   pnpm --filter @glasswing/benchmarks profile:onnx <model> <batch> <method> [<method> ...]
 *   e.g. profile:onnx mobilenet_v2_224 8 saliency deeplift
 *
 * Inputs of the re-runs are deterministic values (zeros for a `reference` input), not the method's;
 * op costs on these graphs do not depend on the values. Scratch files go to a temporary directory.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { METHODS, type Tensor } from '@glasswing/core';
import { adapterById } from './adapters.js';
import { loadGraph, modelFiles } from './models.js';

const fill = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5 + 0.5);

async function main(argv: readonly string[]): Promise<void> {
  const [id, batchArg, ...methods] = argv;
  const batch = Number(batchArg);
  if (!id || !Number.isInteger(batch) || batch < 1 || methods.length === 0) throw new Error('usage: profile:onnx <model> <batch> <method> [<method> ...]');
  const unknown = methods.filter((m) => !METHODS[m]);
  if (unknown.length) throw new Error(`unknown method ${unknown.join(', ')} (known: ${Object.keys(METHODS).join(', ')})`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'glasswing-profile-'));
  try {
    // Every session the model makes goes through a disk cache there (ORT's optimised graphs).
    process.env['GLASSWING_ONNX_CACHE'] = path.join(dir, 'cache');
    const cached = await adapterById('onnx-node').create(await loadGraph(id), modelFiles(id));
    const x: Tensor = { shape: [batch, ...cached.inputShape], data: fill(batch * cached.inputShape.reduce((a, b) => a * b, 1)) };
    for (const m of methods) {
      const spec = METHODS[m]!;
      await spec.run(cached, x, { target: 0 });
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        await spec.run(cached, x, { target: 0 });
        best = Math.min(best, performance.now() - t);
      }
      console.log(`${m}: best of 5 ${best.toFixed(2)} ms (whole method call)`);
    }
    await cached.dispose();
    const threads = Number(process.env['GLASSWING_PROFILE_THREADS'] ?? 2);
    const cacheDir = path.join(dir, 'cache');
    for (const f of (await readdir(cacheDir)).filter((f) => f.endsWith('.onnx'))) {
      const prefix = path.join(dir, `prof_${f.slice(0, 8)}`);
      const s = await ort.InferenceSession.create(path.join(cacheDir, f), {
        graphOptimizationLevel: 'disabled',
        enableMemPattern: false,
        intraOpNumThreads: threads,
        enableProfiling: true,
        profileFilePrefix: prefix,
      });
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of s.inputNames) {
        const meta = (s as unknown as { inputMetadata?: { name: string; shape?: unknown[] }[] }).inputMetadata?.find((q) => q.name === name);
        const shape = (meta?.shape ?? []).map((d) => (typeof d === 'number' ? d : batch));
        const n = shape.reduce((a, b) => a * b, 1);
        feeds[name] = new ort.Tensor('float32', name === 'reference' ? new Float32Array(n) : fill(n), shape);
      }
      let best = Infinity;
      for (let r = 0; r < 10; r++) {
        const t = performance.now();
        await s.run(feeds);
        best = Math.min(best, performance.now() - t);
      }
      s.endProfiling();
      await s.release();
      const file = (await readdir(dir)).filter((q) => q.startsWith(path.basename(prefix))).sort().pop()!;
      const events = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { cat: string; name: string; dur: number; args: { op_name: string } }[];
      const byOp = new Map<string, { us: number; count: number }>();
      let total = 0;
      for (const e of events) {
        if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
        const q = byOp.get(e.args.op_name) ?? { us: 0, count: 0 };
        q.us += e.dur / 10;
        q.count += 1 / 10;
        total += e.dur / 10;
        byOp.set(e.args.op_name, q);
      }
      const inputs = Object.entries(feeds).map(([k, v]) => `${k} ${v.dims.join('×')}`).join(', ');
      console.log(`\n${f.slice(0, 8)} (${inputs}): best of 10 ${best.toFixed(2)} ms wall, ${(total / 1000).toFixed(1)} ms kernel time a run`);
      for (const [op, { us, count }] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, 14)) {
        console.log(`  ${op.padEnd(22)} ${(us / 1000).toFixed(2).padStart(9)} ms  ×${Math.round(count)}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * Loader fuzzing (issue 16; docs/reliability.md, "Loader fuzzing"). Generates seeded mutations of
 * valid ONNX, TensorFlow.js, Glasswing graph JSON and input tensor (JSON, CSV) files and runs each
 * through the CLI's loaders in a child process with a per-case time limit and a heap limit; a case
 * that times out is a hang, a child that dies (e.g. out of memory) a crash. Children run with
 * --expose-gc and measure each case's memory (packages/cli/src/fuzz/memory.ts): the peak resident
 * bytes it added (Linux VmHWM) and what its result retains after a GC must stay within
 * MEMORY_BOUND (proportional to the case's bytes plus a constant); a case above is a failure.
 *
 *   pnpm build && node scripts/fuzz-loaders.mjs [--cases 10000] [--seed 1] [--loaders onnx,tfjs,graph-json,tensor-file]
 *                                                [--timeout-ms 10000] [--heap-mb 1024] [--out fuzz.json]
 *
 * Exit code 1 when any case is untyped, escaped its directory, names no file, hangs, crashes or
 * allocates more than its bound.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const harness = join(root, 'packages/cli/dist/fuzz/loaders.js');
const memoryModule = join(root, 'packages/cli/dist/fuzz/memory.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[2] === '--child') {
  const [, , , loader, seedText, startText, endText, scratch] = process.argv;
  const { generateCase, loadSeeds, runCase } = await import(harness);
  const { caseBytes, linuxMemoryProbe, memoryBound } = await import(memoryModule);
  const probe = linuxMemoryProbe();
  const seeds = await loadSeeds(root);
  for (let i = Number(startText); i < Number(endText); i++) {
    const c = await generateCase(loader, Number(seedText), i, seeds);
    process.send({ type: 'start', i, mutation: c.mutation });
    const outcome = await runCase(c, scratch, probe);
    const { rss, arrayBuffers } = process.memoryUsage();
    process.send({ type: 'done', i, outcome, rss, arrayBuffers, bytes: caseBytes(c), bound: memoryBound(c), mutation: c.mutation });
  }
  process.send({ type: 'end' });
  process.exit(0);
}

const cases = Number(arg('cases', '10000'));
const seed = Number(arg('seed', '1'));
const timeoutMs = Number(arg('timeout-ms', '10000'));
const heapMb = Number(arg('heap-mb', '1024'));
const loaders = arg('loaders', 'onnx,tfjs,graph-json,tensor-file').split(',');
const out = arg('out');

function runLoader(loader) {
  const stats = {
    loader, cases: 0, ok: 0, typed: 0, untyped: 0, escaped: 0, unnamed: 0, hangs: 0, crashes: 0, overMemory: 0, maxMs: 0, maxRssMb: 0,
    measured: 0, maxCaseKiB: 0, maxPeakMiB: 0, maxRetainedMiB: 0, worstPeakOverBound: 0, worstCase: undefined, failures: [],
  };
  const scratch = mkdtempSync(join(tmpdir(), `glasswing-fuzz-${loader}-`));
  return new Promise((done) => {
    const startChild = (from) => {
      if (from >= cases) {
        rmSync(scratch, { recursive: true, force: true });
        done(stats);
        return;
      }
      const child = fork(fileURLToPath(import.meta.url), ['--child', loader, String(seed), String(from), String(cases), scratch], {
        execArgv: [`--max-old-space-size=${heapMb}`, '--expose-gc'],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let current;
      let finished = false;
      let timer;
      let stderr = '';
      child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
      const next = (i) => {
        finished = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        startChild(i);
      };
      child.on('message', (m) => {
        if (m.type === 'start') {
          current = m;
          clearTimeout(timer);
          timer = setTimeout(() => {
            stats.cases++;
            stats.hangs++;
            stats.failures.push({ i: m.i, kind: 'hang', mutation: m.mutation });
            next(m.i + 1);
          }, timeoutMs);
        } else if (m.type === 'done') {
          clearTimeout(timer);
          current = undefined;
          const o = m.outcome;
          stats.cases++;
          stats[o.kind]++;
          stats.maxMs = Math.max(stats.maxMs, o.ms);
          stats.maxRssMb = Math.max(stats.maxRssMb, Math.round(m.rss / 2 ** 20));
          if (o.kind !== 'ok' && o.kind !== 'typed' && stats.failures.length < 50) stats.failures.push({ i: m.i, kind: o.kind, error: o.error });
          stats.maxCaseKiB = Math.max(stats.maxCaseKiB, Math.round(m.bytes / 1024));
          if (o.memory) {
            const { peakBytes, retainedBytes } = o.memory;
            stats.measured++;
            stats.maxPeakMiB = Math.max(stats.maxPeakMiB, +(peakBytes / 2 ** 20).toFixed(1));
            if (Number.isFinite(retainedBytes)) stats.maxRetainedMiB = Math.max(stats.maxRetainedMiB, +(retainedBytes / 2 ** 20).toFixed(1));
            const worst = Math.max(peakBytes, Number.isFinite(retainedBytes) ? retainedBytes : 0) / m.bound;
            if (worst > stats.worstPeakOverBound) {
              stats.worstPeakOverBound = +worst.toFixed(3);
              stats.worstCase = { i: m.i, mutation: m.mutation, bytes: m.bytes, peakMiB: +(peakBytes / 2 ** 20).toFixed(1), retainedMiB: +(retainedBytes / 2 ** 20).toFixed(1), boundMiB: +(m.bound / 2 ** 20).toFixed(1) };
            }
            if (worst > 1) {
              stats.overMemory++;
              if (stats.failures.length < 50) stats.failures.push({ i: m.i, kind: 'memory', mutation: m.mutation, bytes: m.bytes, peakBytes, retainedBytes, bound: m.bound });
            }
          }
          if (m.i % 1000 === 999) process.stderr.write(`${loader}: ${m.i + 1}/${cases}\n`);
        }
      });
      child.on('exit', (code, signal) => {
        if (finished) return;
        clearTimeout(timer);
        if (current !== undefined) {
          stats.cases++;
          stats.crashes++;
          stats.failures.push({ i: current.i, kind: 'crash', mutation: current.mutation, exit: code ?? signal, stderr });
          next(current.i + 1);
        } else next(cases);
      });
    };
    startChild(0);
  });
}

const results = [];
for (const loader of loaders) {
  const t0 = Date.now();
  const s = await runLoader(loader);
  s.seconds = Math.round((Date.now() - t0) / 1000);
  results.push(s);
  const { failures, ...row } = s;
  console.log(JSON.stringify(row));
  for (const f of failures.slice(0, 10)) console.log('  ', JSON.stringify(f).slice(0, 600));
}
if (out) writeFileSync(out, JSON.stringify({ seed, cases, timeoutMs, heapMb, node: process.version, results }, null, 1));
const bad = results.some((s) => s.untyped + s.escaped + s.unnamed + s.hangs + s.crashes + s.overMemory > 0);
process.exit(bad ? 1 : 0);

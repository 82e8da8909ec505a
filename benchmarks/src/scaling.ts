/**
 * Scaling curves (issue 15): time against steps, batch and input size for integrated gradients,
 * and against samples, batch and input size for KernelSHAP, on one adapter (default onnx-node).
 * Each curve is fitted two ways: a straight line t = a + b·x (R²: how linear the cost is) and a
 * power law t ∝ x^k on log–log axes (k ≈ 1: linear; the fixed per-call overhead pulls k below 1
 * at small x). A curve is called linear when the line's R² ≥ 0.95. Input size is measured in
 * pixels (H·W: MobileNetV2 at 32…128 px square), the quantity the work is proportional to.
 *
 * Memory: every point runs with a fixed `internalBatchSize`; the counting wrapper records the most
 * rows one model call evaluated, which must stay ≤ internalBatchSize whatever the steps, samples or
 * batch (IG and KernelSHAP never send more rows at once); peak RSS per point is reported beside it
 * (a process-wide high-water mark: it only grows).
 *
 * `pnpm bench:scaling [--quick] [--adapter <id>] [--out <dir>]` writes <day>-scaling.{json,md,svg}.
 */
import { createRng, METHODS, type Graph, type Model, type Tensor } from '@glasswing/core';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapterById } from './adapters.js';
import { ensureLayoutOnnx, layoutGraphNchw, toNhwc } from './layouts.js';
import { patchMask } from './matrix.js';
import { MemorySampler, median } from './measure.js';
import { loadGraph, modelFiles, type ModelFiles } from './models.js';
import { countingModel } from './throughput.js';

export type ScalingAxis = 'steps' | 'samples' | 'batch' | 'pixels';

export interface ScalingPoint {
  readonly x: number;
  /** Median seconds of the timed repetitions. */
  readonly seconds: number;
  readonly forwardRows: number;
  readonly gradientRows: number;
  /** The most rows one model call evaluated. */
  readonly maxRowsPerCall: number;
  readonly peakRssMB: number;
}

export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  readonly r2: number;
  /** Power-law exponent k of t ∝ x^k (least squares on log–log axes). */
  readonly exponent: number;
}

export interface ScalingCurve {
  readonly method: 'integrated-gradients' | 'kernel-shap';
  readonly model: string;
  readonly adapter: string;
  readonly axis: ScalingAxis;
  readonly fixed: string;
  readonly internalBatchSize: number;
  readonly points: readonly ScalingPoint[];
  readonly fit?: LineFit;
  /** fit.r2 ≥ 0.95. */
  readonly linear?: boolean;
  /** Every point's largest call ≤ internalBatchSize rows. */
  readonly memoryBounded?: boolean;
  readonly error?: string;
}

/** Least-squares line through (x, y), its R², and the log–log slope. */
export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = xs.length;
  const ls = (a: readonly number[], b: readonly number[]): { slope: number; intercept: number; r2: number } => {
    const ma = a.reduce((s, v) => s + v, 0) / n;
    const mb = b.reduce((s, v) => s + v, 0) / n;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      sab += (a[i]! - ma) * (b[i]! - mb);
      saa += (a[i]! - ma) ** 2;
      sbb += (b[i]! - mb) ** 2;
    }
    const slope = saa > 0 ? sab / saa : 0;
    const r2 = saa > 0 && sbb > 0 ? (sab * sab) / (saa * sbb) : 1;
    return { slope, intercept: mb - slope * ma, r2 };
  };
  const line = ls(xs, ys);
  const log = ls(xs.map(Math.log), ys.map(Math.log));
  return { intercept: line.intercept, slope: line.slope, r2: line.r2, exponent: log.slope };
}

interface CurveSpec {
  readonly method: ScalingCurve['method'];
  readonly axis: ScalingAxis;
  readonly model: string;
  readonly fixed: string;
  readonly internalBatchSize: number;
  readonly xs: readonly number[];
  /** Model id, batch and options for a point. */
  point(x: number): { model: string; batch: number; options: Record<string, unknown>; mask?: boolean };
}

/** The curves; `quick` shrinks every axis. */
export function scalingSpecs(quick: boolean): CurveSpec[] {
  const ibs = 16;
  const ig = (steps: number) => ({ steps, quadrature: 'gausslegendre', baselines: 0, internalBatchSize: ibs });
  const ks = (samples: number) => ({ samples, baselines: 0, seed: 0, internalBatchSize: ibs });
  const sizes = quick ? [32, 48, 64] : [32, 64, 96, 128];
  const mobilenet = (px: number) => `mobilenet_v2@${Math.round(Math.sqrt(px))}`;
  return [
    { method: 'integrated-gradients', axis: 'steps', model: 'lenet_mnist', fixed: 'batch 4', internalBatchSize: ibs, xs: quick ? [4, 8, 16] : [8, 16, 32, 64, 128], point: (x) => ({ model: 'lenet_mnist', batch: 4, options: ig(x) }) },
    { method: 'integrated-gradients', axis: 'batch', model: 'lenet_mnist', fixed: '16 steps', internalBatchSize: ibs, xs: quick ? [1, 2, 4] : [1, 2, 4, 8, 16, 32], point: (x) => ({ model: 'lenet_mnist', batch: x, options: ig(16) }) },
    { method: 'integrated-gradients', axis: 'pixels', model: 'mobilenet_v2', fixed: `batch 1, ${quick ? 4 : 8} steps`, internalBatchSize: ibs, xs: sizes.map((s) => s * s), point: (x) => ({ model: mobilenet(x), batch: 1, options: ig(quick ? 4 : 8) }) },
    { method: 'kernel-shap', axis: 'samples', model: 'lenet_mnist', fixed: 'batch 1, 64 patches', internalBatchSize: ibs, xs: quick ? [32, 64, 128] : [128, 256, 512, 1024, 2048], point: (x) => ({ model: 'lenet_mnist', batch: 1, options: ks(x), mask: true }) },
    { method: 'kernel-shap', axis: 'batch', model: 'lenet_mnist', fixed: `${quick ? 32 : 256} samples, 64 patches`, internalBatchSize: ibs, xs: quick ? [1, 2, 3] : [1, 2, 4, 8], point: (x) => ({ model: 'lenet_mnist', batch: x, options: ks(quick ? 32 : 256), mask: true }) },
    { method: 'kernel-shap', axis: 'pixels', model: 'mobilenet_v2', fixed: `batch 1, ${quick ? 16 : 64} samples, 64 patches`, internalBatchSize: ibs, xs: sizes.map((s) => s * s), point: (x) => ({ model: mobilenet(x), batch: 1, options: ks(quick ? 16 : 64), mask: true }) },
  ];
}

async function graphAndFiles(model: string): Promise<{ graph: Graph; files: ModelFiles }> {
  const m = /^mobilenet_v2@(\d+)$/.exec(model);
  if (m) {
    const spec = { arch: 'mobilenet_v2', size: Number(m[1]), seed: 0 } as const;
    return { graph: toNhwc(layoutGraphNchw(spec)), files: { onnx: await ensureLayoutOnnx(spec) } };
  }
  return { graph: await loadGraph(model), files: modelFiles(model) };
}

function input(model: Model, batch: number): Tensor {
  const rng = createRng(1234);
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  return { shape: [batch, ...model.inputShape], data: Float32Array.from({ length: batch * per }, () => rng.uniform()) };
}

/** Runs one curve on one adapter: a warm-up at the first point, then `reps` timed runs per point. */
export async function runCurve(spec: CurveSpec, adapter: string, reps: number): Promise<ScalingCurve> {
  const head = { method: spec.method, model: spec.model, adapter, axis: spec.axis, fixed: spec.fixed, internalBatchSize: spec.internalBatchSize };
  const models = new Map<string, { model: Model; counter: ReturnType<typeof countingModel> }>();
  try {
    const points: ScalingPoint[] = [];
    for (const x of spec.xs) {
      const p = spec.point(x);
      let entry = models.get(p.model);
      if (!entry) {
        const { graph, files } = await graphAndFiles(p.model);
        const counter = countingModel(await adapterById(adapter).create(graph, files));
        entry = { model: counter.model, counter };
        models.set(p.model, entry);
      }
      const { model, counter } = entry;
      const x0 = input(model, p.batch);
      const rng = createRng(99);
      const outputs = model.outputShape.reduce((a, b) => a * b, 1);
      const target = Array.from({ length: p.batch }, () => rng.int(outputs));
      const options = { ...p.options, target, ...(p.mask ? { featureMask: patchMask(model.inputShape) } : {}) };
      const sampler = new MemorySampler();
      const run = async (): Promise<number> => {
        counter.reset();
        const t0 = performance.now();
        await METHODS[spec.method]!.run(model, x0, { ...options, onProgress: sampler.sample });
        sampler.sample();
        return (performance.now() - t0) / 1000;
      };
      await run(); // warm-up: sessions, kernels, wasm heap growth
      const times: number[] = [];
      for (let i = 0; i < reps; i++) times.push(await run());
      const rows = counter.rows();
      points.push({ x, seconds: median(times), forwardRows: rows.forward, gradientRows: rows.gradient, maxRowsPerCall: rows.maxPerCall, peakRssMB: sampler.peakRss / 2 ** 20 });
    }
    const fit = fitLine(
      points.map((q) => q.x),
      points.map((q) => q.seconds),
    );
    return { ...head, points, fit, linear: fit.r2 >= 0.95, memoryBounded: points.every((q) => q.maxRowsPerCall <= spec.internalBatchSize) };
  } catch (e) {
    return { ...head, points: [], error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  } finally {
    for (const { model } of models.values()) await model.dispose();
  }
}

export interface ScalingReport {
  readonly date: string;
  readonly quick: boolean;
  readonly environment: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly loadavg1mBefore: number };
  readonly curves: readonly ScalingCurve[];
}

const f = (v: number | undefined, d: number): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

export function scalingMarkdown(r: ScalingReport): string {
  const lines = [
    `# Glasswing scaling curves — ${r.date.slice(0, 10)}${r.quick ? ' (quick: short axes, 1 rep — not for comparison)' : ''}`,
    '',
    `Node ${r.environment.node}, ${r.environment.cpus} CPUs (${r.environment.cpuModel}), load average before: ${r.environment.loadavg1mBefore.toFixed(2)}.`,
    'Fit: least-squares line t = a + b·x (R²) and power law t ∝ x^k (log–log slope). Linear: R² ≥ 0.95. Memory bounded: no model call evaluated more than internalBatchSize rows.',
    '',
    '| method | model | adapter | x axis | fixed | internalBatchSize | points (x: seconds) | slope s/unit | R² | exponent k | linear | largest call (rows) | memory bounded | peak RSS MB (first → last) |',
    '|---|---|---|---|---|---:|---|---:|---:|---:|---|---:|---|---|',
  ];
  for (const c of r.curves) {
    if (c.error) {
      lines.push(`| ${c.method} | ${c.model} | ${c.adapter} | ${c.axis} | ${c.fixed} | ${c.internalBatchSize} | error: ${c.error.replace(/\|/g, '/').slice(0, 160)} | – | – | – | – | – | – | – |`);
      continue;
    }
    const pts = c.points.map((p) => `${p.x}: ${p.seconds.toFixed(3)}`).join(', ');
    const largest = Math.max(...c.points.map((p) => p.maxRowsPerCall));
    lines.push(
      `| ${c.method} | ${c.model} | ${c.adapter} | ${c.axis} | ${c.fixed} | ${c.internalBatchSize} | ${pts} | ${c.fit!.slope.toExponential(3)} | ${f(c.fit!.r2, 4)} | ${f(c.fit!.exponent, 3)} | ${c.linear ? 'yes' : 'NO'} | ${largest} | ${c.memoryBounded ? 'yes' : 'NO'} | ${f(c.points[0]!.peakRssMB, 0)} → ${f(c.points[c.points.length - 1]!.peakRssMB, 0)} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Small multiples: one panel per curve, seconds against x on linear axes with the fitted line. */
export function scalingSvg(r: ScalingReport): string {
  const W = 300;
  const H = 200;
  const cols = 3;
  const curves = r.curves.filter((c) => !c.error && c.points.length > 0);
  const rows = Math.max(1, Math.ceil(curves.length / cols));
  const width = cols * W + 20;
  const height = rows * H + 50;
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="10" y="22" font-size="14" font-weight="bold">${esc(`Scaling curves — ${r.date.slice(0, 10)} (seconds against x; dashed: least-squares line)`)}</text>`,
  ];
  curves.forEach((c, i) => {
    const ox = 10 + (i % cols) * W;
    const oy = 40 + Math.floor(i / cols) * H;
    const px = { l: ox + 48, r: ox + W - 12, t: oy + 40, b: oy + H - 34 };
    const xmax = Math.max(...c.points.map((p) => p.x));
    const ymax = Math.max(...c.points.map((p) => p.seconds), c.fit!.intercept + c.fit!.slope * xmax) * 1.1;
    const sx = (x: number) => px.l + (x / xmax) * (px.r - px.l);
    const sy = (y: number) => px.b - (y / ymax) * (px.b - px.t);
    parts.push(
      `<text x="${ox + 4}" y="${oy + 14}" font-size="11" font-weight="bold">${esc(`${c.method} · ${c.model} · ${c.adapter}`)}</text>`,
      `<text x="${ox + 4}" y="${oy + 26}" font-size="10" fill="#555">${esc(`vs ${c.axis} (${c.fixed}); R² ${f(c.fit!.r2, 3)}, k ${f(c.fit!.exponent, 2)}`)}</text>`,
      `<line x1="${px.l}" y1="${px.b}" x2="${px.r}" y2="${px.b}" stroke="#333"/><line x1="${px.l}" y1="${px.t}" x2="${px.l}" y2="${px.b}" stroke="#333"/>`,
      `<text x="${px.r}" y="${px.b + 14}" font-size="9" text-anchor="end">${xmax}</text><text x="${px.l}" y="${px.b + 14}" font-size="9">0</text>`,
      `<text x="${(px.l + px.r) / 2}" y="${px.b + 26}" font-size="10" text-anchor="middle">${c.axis}</text>`,
      `<text x="${px.l - 4}" y="${px.t + 4}" font-size="9" text-anchor="end">${ymax.toPrecision(2)} s</text><text x="${px.l - 4}" y="${px.b}" font-size="9" text-anchor="end">0</text>`,
      // The fitted line from x = 0 (or where it crosses t = 0) to the largest x.
      `<line x1="${sx(c.fit!.intercept < 0 && c.fit!.slope > 0 ? -c.fit!.intercept / c.fit!.slope : 0).toFixed(1)}" y1="${sy(Math.max(0, c.fit!.intercept)).toFixed(1)}" x2="${sx(xmax).toFixed(1)}" y2="${sy(c.fit!.intercept + c.fit!.slope * xmax).toFixed(1)}" stroke="#D55E00" stroke-dasharray="4 3"/>`,
      `<polyline fill="none" stroke="#0072B2" stroke-width="1.5" points="${c.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.seconds).toFixed(1)}`).join(' ')}"/>`,
      ...c.points.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.seconds).toFixed(1)}" r="3" fill="#0072B2"/>`),
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

export async function benchScaling(args: { quick: boolean; out: string; adapter?: string }, log: (l: string) => void = console.log): Promise<{ report: ScalingReport; files: string[]; markdown: string }> {
  const adapter = args.adapter ?? 'onnx-node';
  const loadBefore = os.loadavg()[0]!;
  const curves: ScalingCurve[] = [];
  for (const spec of scalingSpecs(args.quick)) {
    log(`scaling ${spec.method} vs ${spec.axis} (${spec.model}, ${adapter}) ...`);
    const c = await runCurve(spec, adapter, args.quick ? 1 : 3);
    log(c.error ? `  error: ${c.error}` : `  R² ${c.fit!.r2.toFixed(4)}, exponent ${c.fit!.exponent.toFixed(3)}, largest call ${Math.max(...c.points.map((p) => p.maxRowsPerCall))} rows`);
    curves.push(c);
  }
  const report: ScalingReport = {
    date: new Date().toISOString(),
    quick: args.quick,
    environment: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadavg1mBefore: loadBefore },
    curves,
  };
  await mkdir(args.out, { recursive: true });
  const stem = path.join(args.out, `${report.date.slice(0, 10)}-scaling${args.quick ? '-quick' : ''}`);
  const markdown = scalingMarkdown(report);
  const files = [`${stem}.json`, `${stem}.md`, `${stem}.svg`];
  await writeFile(files[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files[1]!, markdown);
  await writeFile(files[2]!, scalingSvg(report));
  return { report, files, markdown };
}

const HERE = fileURLToPath(import.meta.url);
if (process.argv[1] && path.resolve(process.argv[1]) === HERE) {
  const argv = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(['--quick', '--adapter', '--out']);
  const bad = argv.find((a, i) => a.startsWith('--') && !known.has(a) && !(i > 0 && (argv[i - 1] === '--adapter' || argv[i - 1] === '--out')));
  if (bad) {
    console.error(`unknown option ${bad} (options: --quick, --adapter <id>, --out <dir>)`);
    process.exitCode = 2;
  } else {
    const out = path.resolve(value('--out') ?? fileURLToPath(new URL('../results', import.meta.url)));
    const adapter = value('--adapter');
    const { files, markdown, report } = await benchScaling({ quick: argv.includes('--quick'), out, ...(adapter ? { adapter } : {}) });
    console.log('\n' + markdown);
    console.log(`wrote ${files.join(', ')}`);
    process.exitCode = report.curves.some((c) => c.error) ? 1 : 0;
  }
}

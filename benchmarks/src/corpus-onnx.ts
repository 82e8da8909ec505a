/**
 * The generated ONNX corpus (packages/onnx/test/fixtures/corpus, written by
 * tools/onnx-corpus/make_corpus.py) on the adapters that do not run ONNX Runtime (issue 19): each
 * export is read as published (path; external data next to it), imported into the IR as the CLI
 * does (`loadOnnxBytes` + `importOnnxModel`), and run on the adapter's own kernels — reference,
 * tfjs-cpu, tfjs-wasm, gpujs-cpu, gpujs-webasm. Per model: predictions against ONNX Runtime on the
 * original file (max |Δ| / max |ref| ≤ 1e-5), every gradient, rule and layer method of METHODS with
 * default settings (layer methods on the same layers as the ORT corpus test), and the checks of
 * packages/onnx/test/corpus/run-corpus.ts that apply: IG Σ = Captum's (50 steps), IG completeness
 * where Captum's own 50-step gap converges, DeepLIFT summation-to-delta where its rules are exact,
 * Captum 0.8 Saliency + IG (8 Gauss–Legendre steps) where recorded.
 *
 * The ONNX Runtime adapters are measured by the onnx package's own corpus tests, in every test run;
 * these rows are measured here (minutes on the slow adapters) and committed to
 * packages/onnx/test/corpus-results/<adapter>.json, rendered into docs/models.md by
 * scripts/gen-models-doc.mjs.
 *
 *   pnpm --filter @glasswing/benchmarks corpus:onnx --adapter reference[,tfjs-wasm,…] [--model resnet] [--budget-s 900]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IntegratedGradients, METHODS, Saliency, DeepLift, type Model, type Tensor } from '@glasswing/core';
import { importOnnxModel, loadOnnxBytes } from '@glasswing/onnx';
import { adapterById } from './adapters.js';
import { corpusFixtures, corpusPath, deepLiftExact, inputOf, methodLayers, ortReference, relError, sumRows, targetValues, type CorpusFixture } from './onnx-corpus-fixtures.js';

const PREDICTION_TOL = 1e-5;
const IG_COMPLETENESS = { rel: 0.05, scale: 0.01 };
const IG_SUM_TOL = 1e-4;
const DEEPLIFT_TOL = 1e-4;
const CAPTUM_TOL = 1e-4;
const GRADIENT_METHODS = Object.values(METHODS).filter((s) => Object.values(s.requires).some(Boolean));

const RESULTS = (adapter: string): string => fileURLToPath(new URL(`../../packages/onnx/test/corpus-results/${adapter}.json`, import.meta.url));

const errorBound = (err: number): number => (Number.isFinite(err) ? Number(`1e${Math.ceil(Math.log10(Math.max(err, 1e-9)) - 1e-9)}`) : err);

const finite = (t: Tensor): void => {
  const bad = Array.from(t.data).findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`non-finite attribution at ${bad}`);
};

/** One corpus row: the model on one adapter (same fields as the ORT corpus test's rows). */
export async function runFixture(adapter: string, f: CorpusFixture, budgetS: number, log: (l: string) => void) {
  const t0 = performance.now();
  const signal = AbortSignal.timeout(budgetS * 1000);
  const ok: string[] = [];
  const failed: { id: string; error: string }[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const checks: string[] = [];
  const notes: string[] = f.externalData ? [`external data (${f.externalData})`] : [];
  const seconds: Record<string, number> = {};
  let predictionError: number | null = null;
  let model: Model | undefined;
  let loads = false;
  let layerNote = '';
  const attempt = async (id: string, fn: () => Promise<void>): Promise<void> => {
    if (signal.aborted) {
      skipped.push({ id, reason: 'over the time budget' });
      return;
    }
    const s0 = performance.now();
    try {
      await fn();
      seconds[id] = Math.round((performance.now() - s0) / 10) / 100;
    } catch (e) {
      const err = e as Error;
      if (err.name === 'AbortError' || err.name === 'TimeoutError') skipped.push({ id, reason: 'over the time budget' });
      else failed.push({ id, error: `${err.name}: ${err.message.slice(0, 300)}` });
      log(`  ${adapter} ${f.name} ${id}: ${err.name}: ${err.message.slice(0, 200)}`);
    }
  };
  try {
    const bytes = await loadOnnxBytes(corpusPath(f.model));
    const graph = importOnnxModel(bytes, { source: f.model }).graph;
    if (!graph) throw new Error('not importable into the IR');
    model = await adapterById(adapter).create(graph, {});
    loads = model.capabilities.gradients && model.capabilities.layers && model.capabilities.rules;
    const { spatial: layer, tokens } = methodLayers(graph);
    layerNote = `layer methods on ${layer}${tokens ? ` and on ${tokens} (tokens; Guided Grad-CAM needs a spatial map)` : ''}`;
    const x = inputOf(f);
    const reference = await ortReference(f, x);
    predictionError = relError(await model.forward(x), reference);
    if (!(predictionError <= PREDICTION_TOL)) failed.push({ id: 'prediction', error: `max |Δ| / max |ORT| = ${predictionError}` });
    const x1 = inputOf(f, 1);
    const m = model;
    for (const spec of GRADIENT_METHODS) {
      const o = { target: f.target[0]!, signal, ...(spec.options.includes('layer') ? { layer } : {}), ...(spec.options.includes('neuron') ? { neuron: 0 } : {}) };
      await attempt(spec.id, async () => {
        finite((await spec.run(m, x1, o)).attributions);
        ok.push(spec.id);
      });
    }
    if (tokens) {
      for (const spec of GRADIENT_METHODS.filter((s) => s.options.includes('layer') && s.id !== 'guided-grad-cam')) {
        const o = { target: f.target[0]!, signal, layer: tokens, ...(spec.options.includes('neuron') ? { neuron: 0 } : {}), ...(spec.id === 'grad-cam' ? { attributeToLayer: true } : {}) };
        await attempt(`${spec.id} (${tokens})`, async () => finite((await spec.run(m, x1, o)).attributions));
      }
    }
    const zero = await ortReference(f, { shape: x.shape, data: new Float32Array(x.data.length) });
    const want = targetValues(reference, f.target).map((v, i) => v - targetValues(zero, f.target)[i]!);
    const scale = reference.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    await attempt('check: IG (50 steps)', async () => {
      const r = await new IntegratedGradients(m).attribute(x, { target: f.target, signal });
      const sums = sumRows(r.attributions);
      if (sums.every((s, i) => Math.abs(s - f.captumIG50.sums[i]!) <= IG_SUM_TOL * Math.max(Math.abs(f.captumIG50.sums[i]!), 1))) checks.push('IG = Captum (Σ, 50 steps)');
      else notes.push(`IG Σ ${sums.map((s) => s.toPrecision(6))} vs Captum ${f.captumIG50.sums.map((s) => s.toPrecision(6))}`);
      const tol = (d: number) => IG_COMPLETENESS.rel * Math.abs(d) + IG_COMPLETENESS.scale * scale;
      if (f.captumIG50.deltas.some((d, i) => Math.abs(d) > tol(want[i]!))) {
        notes.push(`IG at 50 steps: |Σ − (f(x) − f(0))| up to ${Math.max(...f.captumIG50.deltas.map(Math.abs)).toPrecision(2)} (outputs up to ${scale.toPrecision(2)}), as Captum's`);
      } else if (sums.every((s, i) => Math.abs(s - want[i]!) <= tol(want[i]!))) checks.push('IG completeness');
    });
    if (deepLiftExact(graph)) {
      await attempt('check: DeepLIFT', async () => {
        const r = await new DeepLift(m).attribute(x, { target: f.target, signal });
        if (sumRows(r.attributions).every((s, i) => Math.abs(s - want[i]!) <= DEEPLIFT_TOL * Math.max(Math.abs(want[i]!), 1))) checks.push('DeepLIFT summation-to-delta');
      });
    }
    if (f.captum) {
      const c = f.captum;
      await attempt('check: Captum', async () => {
        const sal = await new Saliency(m).attribute(x, { target: f.target, signal });
        const ig = await new IntegratedGradients(m).attribute(x, { target: f.target, steps: 8, quadrature: 'gausslegendre', signal });
        if (relError(sal.attributions, c.saliency) <= CAPTUM_TOL && relError(ig.attributions, c.integratedGradients) <= CAPTUM_TOL) checks.push('Captum Saliency + IG');
        else notes.push(`Captum 0.8 Saliency / IG: rel. error ${relError(sal.attributions, c.saliency).toPrecision(2)} / ${relError(ig.attributions, c.integratedGradients).toPrecision(2)}`);
      });
    }
  } catch (e) {
    failed.push({ id: 'load', error: `${(e as Error).name}: ${(e as Error).message.slice(0, 300)}` });
  } finally {
    await model?.dispose();
  }
  log(`${adapter} ${f.name}: ${ok.length}/${GRADIENT_METHODS.length} methods, ${failed.length} failed, ${skipped.length} skipped, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    model: f.name,
    description: f.about,
    format: 'ONNX',
    producer: f.exporter === 'dynamo' ? 'torch.onnx (dynamo)' : 'torch.onnx (TorchScript)',
    opset: f.opset,
    batch: f.batch,
    adapter,
    loads,
    reference: 'onnxruntime-node on the original file',
    predictionError: predictionError === null ? null : errorBound(predictionError),
    methods: { ok: [...ok].sort(), failed, ...(skipped.length ? { skipped } : {}) },
    runtime: { seconds: Math.round((performance.now() - t0) / 1000), methods: seconds },
    checks: [...new Set(checks)].sort(),
    notes: [...notes.slice(0, f.externalData ? 1 : 0), layerNote, ...notes.slice(f.externalData ? 1 : 0)].filter(Boolean).join('; '),
  };
}

/** Committed rows of the models not rerun (a `--model` run replaces only its own rows). */
function kept(adapter: string, rerun: readonly string[]): { model: string }[] {
  if (!existsSync(RESULTS(adapter))) return [];
  return (JSON.parse(readFileSync(RESULTS(adapter), 'utf8')) as { rows: { model: string }[] }).rows.filter((r) => !rerun.includes(r.model));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const adapters = (at('--adapter') ?? 'reference').split(',');
  const filter = at('--model');
  const budgetS = Number(at('--budget-s') ?? 900);
  const fixtures = corpusFixtures().filter((f) => !filter || f.name.includes(filter));
  for (const adapter of adapters) {
    const rows = [];
    for (const f of fixtures) rows.push(await runFixture(adapter, f, budgetS, (l) => console.log(l)));
    const file = {
      format: 'glasswing-model-corpus/1',
      package: '@glasswing/onnx',
      adapter,
      generatedBy: `benchmarks/src/corpus-onnx.ts (pnpm --filter @glasswing/benchmarks corpus:onnx --adapter ${adapter})`,
      rows: [...kept(adapter, rows.map((r) => r.model)), ...rows].sort((a, b) => a.model.localeCompare(b.model)),
    };
    writeFileSync(RESULTS(adapter), `${JSON.stringify(file, null, 2)}\n`);
    console.log(`wrote ${RESULTS(adapter)}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

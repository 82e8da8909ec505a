#!/usr/bin/env node
// Renders the model-compatibility table of docs/models.md (between <!-- models:start --> and
// <!-- models:end -->) from the corpus results the adapter tests write:
//
//   packages/<pkg>/test/corpus-results/<adapter>.json
//
// Usage (from the repository root):
//   node scripts/gen-models-doc.mjs           # rewrite docs/models.md
//   node scripts/gen-models-doc.mjs --check   # exit 1 if docs/models.md is out of date
// packages/onnx/test/models-doc.test.ts runs the same rendering and fails when the doc is stale.
//
// Results file format ("glasswing-model-corpus/1"; one file per package and adapter):
//   {
//     "format": "glasswing-model-corpus/1",
//     "package": "@glasswing/onnx",            // the adapter's package
//     "adapter": "onnx-node",                  // the adapter (backend) the rows were measured on
//     "generatedBy": "…",                      // the test that writes it, and how to rerun it
//     "rows": [{
//       "model": "resnet18_o13",               // corpus name (rows of one model on several adapters merge)
//       "description": "…",                   // what the model is
//       "format": "ONNX",                      // ONNX | tfjs LayersModel | tfjs graph model | …
//       "producer": "torch.onnx (TorchScript)",// how the file was made (exporter, converter, published package)
//       "opset": 13,                           // ONNX opset, or null
//       "batch": "dynamic",                    // dynamic | fixed <n>
//       "adapter": "onnx-node",
//       "loads": true,                         // loads as published, with gradients, layers and rules
//       "reference": "…",                      // what predictions are compared with (the model's own runtime)
//       "predictionError": 1e-6,               // bound on max |prediction − reference| / max |reference|, or null
//       "methods": { "ok": ["saliency", …], "failed": [{ "id": "…", "error": "…" }],
//                    "skipped": [{ "id": "…", "reason": "over the time budget" }],     // skipped: optional
//                    "reduced": [{ "id": "…", "option": "steps", "value": 2, "default": 50 }] },
//                    // reduced: optional; methods among ok run with fewer steps / samples (corpus --reduced)
//       "runtime": { "seconds": 24, "peakRssMb": 4970 },   // optional: all methods' wall time on 2 cores
//       "checks": ["IG completeness", …],      // checks passed beyond "runs"
//       "notes": "…"
//     }]
//   }
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DOC = 'docs/models.md';
const START = '<!-- models:start -->';
const END = '<!-- models:end -->';

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Every corpus results file under packages/<pkg>/test/corpus-results/ (sorted paths). */
export function readResults(dir = root) {
  const files = [];
  const pkgs = path.join(dir, 'packages');
  for (const pkg of fs.readdirSync(pkgs).sort()) {
    const d = path.join(pkgs, pkg, 'test', 'corpus-results');
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).filter((f) => f.endsWith('.json')).sort()) {
      const rel = path.relative(dir, path.join(d, f)).split(path.sep).join('/');
      const data = JSON.parse(fs.readFileSync(path.join(d, f), 'utf8'));
      if (data.format !== 'glasswing-model-corpus/1') throw new Error(`${rel}: format ${JSON.stringify(data.format)} is not glasswing-model-corpus/1`);
      files.push({ rel, data });
    }
  }
  return files;
}

function errorText(e) {
  if (e === null || e === undefined) return '—';
  if (e === 0) return '0';
  const exp = Math.round(Math.log10(e));
  return Math.abs(10 ** exp - e) < 1e-3 * e ? `≤ 1e${exp}` : `≤ ${e.toPrecision(2)}`;
}

/** One table line per (package, model): its adapters' rows merged. */
export function mergeRows(files) {
  const groups = new Map();
  for (const { data } of files) {
    for (const row of data.rows) {
      const key = `${data.package}\u0000${row.model}`;
      if (!groups.has(key)) groups.set(key, { pkg: data.package, rows: [] });
      groups.get(key).rows.push(row);
    }
  }
  return [...groups.values()].map(({ pkg, rows }) => {
    rows.sort((a, b) => a.adapter.localeCompare(b.adapter));
    const first = rows[0];
    const errs = rows.map((r) => r.predictionError).filter((e) => e !== null && e !== undefined);
    const skippedOf = (r) => r.methods.skipped ?? [];
    const total = (r) => r.methods.ok.length + r.methods.failed.length + skippedOf(r).length;
    const counts = [...new Set(rows.map((r) => `${r.methods.ok.length}/${total(r)}`))];
    const failed = rows.flatMap((r) => r.methods.failed.map((f) => `${f.id} on ${r.adapter}`));
    const skipped = rows.filter((r) => skippedOf(r).length).map((r) => `${skippedOf(r).length} on ${r.adapter}`);
    // Methods run with fewer steps / samples than their default (corpus --reduced): which, how many.
    const reduced = rows
      .filter((r) => r.methods.reduced?.length)
      .map((r) => `${r.methods.reduced.length} on ${r.adapter} (${[...new Set(r.methods.reduced.map((q) => `${q.option} ${q.value} of ${q.default}`))].join(', ')})`);
    const timed = rows.filter((r) => r.runtime);
    const runtime = timed.length
      ? `all methods: ${timed.map((r) => `${Math.round(r.runtime.seconds)} s on ${r.adapter}`).join(', ')} (2 cores)`
      : '';
    const everywhere = first.checks.filter((c) => rows.every((r) => r.checks.includes(c)));
    const somewhere = [...new Set(rows.flatMap((r) => r.checks))].filter((c) => !everywhere.includes(c));
    const checks = [...everywhere, ...somewhere.map((c) => `${c} (${rows.filter((r) => r.checks.includes(c)).map((r) => r.adapter).join(', ')})`)];
    const notes = [...new Set(rows.flatMap((r) => (r.notes ? r.notes.split('; ') : [])))];
    if (runtime) notes.push(runtime);
    return {
      pkg,
      model: first.model,
      description: first.description,
      format: `${first.format}, ${first.producer}`,
      opset: first.opset ?? '—',
      batch: first.batch,
      adapters: rows.map((r) => r.adapter).join(', '),
      loads: rows.every((r) => r.loads) ? 'yes' : `no (${rows.filter((r) => !r.loads).map((r) => r.adapter).join(', ')})`,
      error: errs.length ? errorText(Math.max(...errs)) : '—',
      reference: [...new Set(rows.map((r) => r.reference))].join('; '),
      methods:
        counts.join(' / ') +
        (failed.length ? ` (failed: ${failed.join(', ')})` : '') +
        (skipped.length ? ` (not run within the time budget: ${skipped.join(', ')})` : '') +
        (reduced.length ? ` (with fewer steps / samples, each call of default size: ${reduced.join('; ')})` : ''),
      checks: checks.join(', ') || '—',
      notes: notes.join('; '),
    };
  });
}

/** The generated block (without the marker lines). */
export function renderModelsTable(files) {
  const lines = mergeRows(files);
  const sources = files.map((f) => `\`${f.rel}\``).join(', ');
  const out = [
    `${lines.length} models (generated by \`scripts/gen-models-doc.mjs\` from ${sources || 'no results files'}):`,
    '',
    '| model | what it is | format | opset | batch | adapters | loads | prediction error | gradient, rule and layer methods | checks | notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const l of lines) {
    out.push(
      `| \`${cell(l.model)}\` | ${cell(l.description)} | ${cell(l.format)} | ${cell(l.opset)} | ${cell(l.batch)} | ${cell(l.adapters)} | ${cell(l.loads)} | ${cell(l.error)} | ${cell(l.methods)} | ${cell(l.checks)} | ${cell(l.notes)} |`,
    );
  }
  const refs = [...new Set(lines.map((l) => l.reference))];
  out.push('', `Prediction error: max |prediction − reference| / max |reference| over the recorded inputs, as a power-of-ten bound; reference: ${refs.join('; ') || '—'}.`);
  return out.join('\n');
}

/** `text` with the block between the markers replaced. */
export function replaceBlock(text, block, file = DOC) {
  const s = text.indexOf(START);
  const e = text.indexOf(END);
  if (s < 0 || e < s) throw new Error(`${file} has no ${START} … ${END} block`);
  return `${text.slice(0, s + START.length)}\n${block}\n${text.slice(e)}`;
}

/** The committed doc and what it should be. */
export function modelsDoc(dir = root) {
  const file = path.join(dir, DOC);
  const current = fs.readFileSync(file, 'utf8');
  return { file, current, wanted: replaceBlock(current, renderModelsTable(readResults(dir))) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { file, current, wanted } = modelsDoc();
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error(`${DOC} is out of date: run node scripts/gen-models-doc.mjs`);
      process.exit(1);
    }
  } else if (current !== wanted) {
    fs.writeFileSync(file, wanted);
    console.log(`wrote ${DOC}`);
  }
}

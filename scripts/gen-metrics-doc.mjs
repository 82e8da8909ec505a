#!/usr/bin/env node
// The ground-truth benchmark of docs/metrics.md (issue 14): `glasswing evaluate` on the bundled
// tasks with the default methods and metrics, seed 0, on onnx-node (the fastest adapter: about
// 1 + 2 minutes on 2 cores with every metric of issue 14; the pure-JS reference adapter would take
// most of an hour on the image task), and the ranking tables rendered from the committed results:
//   docs/metrics/ground-truth-<task>.json      the evaluate JSON without curves (bit-for-bit reproducible)
//   docs/images/metrics-<task>-heat.png        the metric × method heat table
//   docs/images/metrics-<task>-curves.png      the mean deletion / insertion curves (when a metric gives curves)
//   docs/metrics.md  <!-- ground-truth:start --> … <!-- ground-truth:end -->   the tables
// Usage (from the repository root, on the built packages: pnpm build):
//   node scripts/gen-metrics-doc.mjs --run      # run both evaluations (minutes), then rewrite the doc
//   node scripts/gen-metrics-doc.mjs            # rewrite the doc's tables from the committed JSON
//   node scripts/gen-metrics-doc.mjs --check    # exit 1 if the doc's tables are out of date
// packages/cli/src/test/metrics-doc.test.ts runs the same rendering on the CLI's sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DOC = 'docs/metrics.md';
export const TASK_IDS = ['image', 'tabular'];
export const resultFile = (task) => `docs/metrics/ground-truth-${task}.json`;
export const EVALUATE_ARGS = ['--seed', '0', '--adapter', 'onnx-node'];
const START = '<!-- ground-truth:start -->';
const END = '<!-- ground-truth:end -->';

/** The generated block from the committed results, with `rankingMarkdown` (the CLI's renderer). */
export function renderBenchmark(rankingMarkdown, dir = root) {
  const parts = [];
  for (const task of TASK_IDS) {
    const file = path.join(dir, resultFile(task));
    if (!fs.existsSync(file)) continue;
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    const curves = fs.existsSync(path.join(dir, `docs/images/metrics-${task}-curves.png`));
    parts.push(
      `### ${task === 'image' ? 'Image task' : 'Tabular task'}\n\n` +
        `\`glasswing evaluate --task ${task} ${EVALUATE_ARGS.join(' ')}\`: ${r.examples} examples, ${r.methods.length} rows ` +
        `(${r.methods.filter((m) => m.control).length} controls) × ${r.metrics.length} metrics on the ${r.adapter} adapter. ` +
        `Cells: mean score (rank within the metric, 1 = best; ↑ higher is better, ↓ lower); rows by overall rank ` +
        `(the mean of a method's ranks over the metrics it has).\n\n` +
        rankingMarkdown(r) +
        `\n![metric × method heat table, ${task} task](images/metrics-${task}-heat.png)\n` +
        (curves ? `\n![mean curves per method, ${task} task](images/metrics-${task}-curves.png)\n` : ''),
    );
  }
  return parts.length ? parts.join('\n') : '_Not generated yet: run `node scripts/gen-metrics-doc.mjs --run`._\n';
}

export function replaceBlock(text, block, file = DOC) {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${START} … ${END} block`);
  return `${text.slice(0, a + START.length)}\n${block}${text.slice(b)}`;
}

async function cli() {
  return import(pathToFileURL(path.join(root, 'packages/cli/dist/index.js')).href);
}

async function main(argv) {
  const { runCli, rankingMarkdown } = await cli();
  if (argv.includes('--run')) {
    for (const task of TASK_IDS) {
      fs.mkdirSync(path.join(root, 'docs/metrics'), { recursive: true });
      const curves = path.join(root, `docs/images/metrics-${task}-curves.png`);
      fs.rmSync(curves, { force: true });
      const code = await runCli(
        ['evaluate', '--task', task, ...EVALUATE_ARGS, '--json', resultFile(task), '--png', `docs/images/metrics-${task}-heat.png`, '--curves-png', `docs/images/metrics-${task}-curves.png`, '--progress'],
        { cwd: root },
      );
      if (code !== 0) process.exit(code);
      // The committed result keeps means, scores and ranks; the curves (drawn in the PNG) stay out.
      const file = path.join(root, resultFile(task));
      const r = JSON.parse(fs.readFileSync(file, 'utf8'));
      r.cells = r.cells.map(({ curves, ...cell }) => cell);
      fs.writeFileSync(file, JSON.stringify(r, null, 1) + '\n');
    }
  }
  const file = path.join(root, DOC);
  const current = fs.readFileSync(file, 'utf8');
  const wanted = replaceBlock(current, renderBenchmark(rankingMarkdown));
  if (argv.includes('--check')) {
    if (current !== wanted) {
      console.error(`${DOC} is out of date: run node scripts/gen-metrics-doc.mjs`);
      process.exit(1);
    }
    return;
  }
  if (current !== wanted) fs.writeFileSync(file, wanted);
  console.log(`${DOC}: ${current === wanted ? 'up to date' : 'rewritten'}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));

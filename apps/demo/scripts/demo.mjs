/**
 * `pnpm demo`: explain the bundled model's predictions with four attribution methods, show
 * how much of the attribution lands where the answer is, and write `report.html` (one
 * self-contained page: model diagram, weights, activations, every method's pictures).
 *
 *   node scripts/demo.mjs [--out DIR] [--adapter reference|tfjs-cpu|tfjs-wasm] [--count N] [--seed N]
 *
 * Output directory default: ./glasswing-demo-out in the directory pnpm was started from.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '@glasswing/cli';
import { env } from '@tensorflow/tfjs-core';
import { MODEL_PATH, runDemo } from './run-demo.mjs';

let values;
try {
  ({ values } = parseArgs({
    // `pnpm demo -- --out DIR` passes the `--` through; drop it
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      out: { type: 'string' },
      adapter: { type: 'string', default: 'tfjs-wasm' },
      count: { type: 'string', default: '6' },
      seed: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (err) {
  console.error(`demo: error: ${err.message}`);
  process.exit(2);
}
if (values.help) {
  console.log('Usage: pnpm demo [--out DIR] [--adapter reference|tfjs-cpu|tfjs-wasm] [--count N] [--seed N]');
  process.exit(0);
}
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('demo: error: --count must be a positive integer and --seed an integer');
  process.exit(2);
}
// this script owns its process: TensorFlow.js in production mode (no console banner)
env().set('PROD', true);
const base = process.env.INIT_CWD ?? process.cwd();
const outDir = resolve(base, values.out ?? 'glasswing-demo-out');
try {
  await runDemo({ outDir, adapter: values.adapter, count, seed });
  // the main job ends with the HTML report for the bundled model on the same examples
  const reportPath = join(outDir, 'report.html');
  let stderr = '';
  const code = await runCli(
    ['report', '--model', MODEL_PATH, '--input', join(outDir, 'inputs.json'), '--adapter', values.adapter, '--out', reportPath],
    { stdout: () => {}, stderr: (s) => void (stderr += s) },
  );
  if (code !== 0) throw new Error(`glasswing report failed: ${stderr.trim()}`);
  console.log(`report (model diagram, weights, activations, every method's pictures): ${reportPath}`);
} catch (err) {
  console.error(`demo: error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

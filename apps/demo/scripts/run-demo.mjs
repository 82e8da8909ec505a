/**
 * The demo's main job as a function: explain the bundled CNN's predictions on fresh examples of
 * the synthetic task with several methods, through the `glasswing attribute` CLI (runCli), and
 * measure how much attribution mass lands in the decisive region.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@glasswing/cli';
import { IMAGE_SIZE, REGION, generateDataset, regionMask } from './dataset.mjs';

export const MODEL_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'model', 'model.json');
export const DEMO_METHODS = ['saliency', 'integrated-gradients', 'smoothgrad', 'gradient-shap'];

/** Share of |attribution| mass inside the decisive region, per example ([N, 20, 20, 1] nested). */
export function regionShares(attributions) {
  const mask = regionMask();
  return attributions.map((example) => {
    const flat = example.flat(Infinity);
    let inside = 0;
    let total = 0;
    flat.forEach((v, i) => {
      total += Math.abs(v);
      if (mask[i]) inside += Math.abs(v);
    });
    return total > 0 ? inside / total : 0;
  });
}

export const AREA_SHARE = (REGION.size * REGION.size) / (IMAGE_SIZE * IMAGE_SIZE);

/**
 * Run the demo. Returns { outDir, labels, rows: [{ method, share, ratio, correct, seconds }] }.
 * `log` receives the printed lines.
 */
export async function runDemo({ outDir, adapter = 'tfjs-wasm', count = 6, seed = 3, methods = DEMO_METHODS, log = console.log }) {
  mkdirSync(outDir, { recursive: true });
  const ds = generateDataset({ count, seed });
  const inputPath = join(outDir, 'inputs.json');
  writeFileSync(inputPath, JSON.stringify({ shape: ds.shape, data: Array.from(ds.images) }));
  writeFileSync(join(outDir, 'labels.json'), JSON.stringify(Array.from(ds.labels)));
  const rows = [];
  for (const method of methods) {
    let stderr = '';
    const started = Date.now();
    const resultPath = join(outDir, `${method}.json`);
    const code = await runCli(
      ['attribute', '--model', MODEL_PATH, '--method', method, '--input', inputPath, '--adapter', adapter,
        '--out', resultPath, '--heatmap', join(outDir, method, 'example.png')],
      { stdout: () => {}, stderr: (s) => void (stderr += s) },
    );
    if (code !== 0) throw new Error(`glasswing attribute --method ${method} failed: ${stderr.trim()}`);
    const seconds = (Date.now() - started) / 1000;
    const result = JSON.parse(readFileSync(resultPath, 'utf8'));
    const shares = regionShares(result.attributions);
    const share = shares.reduce((a, b) => a + b, 0) / shares.length;
    const correct = result.targets.filter((t, i) => t === ds.labels[i]).length;
    rows.push({ method, share, ratio: share / AREA_SHARE, correct, seconds });
  }
  log(`Glasswing demo: bundled CNN (${MODEL_PATH})`);
  log(`${count} fresh examples of the synthetic task (seed ${seed}), adapter ${adapter}`);
  log(`decisive region: rows ${REGION.top}-${REGION.top + REGION.size - 1}, cols ${REGION.left}-${REGION.left + REGION.size - 1} (${(100 * AREA_SHARE).toFixed(1)}% of the image)`);
  log(`predicted class correct: ${rows[0]?.correct ?? 0}/${count}`);
  log('');
  log(`${'method'.padEnd(22)}${'|attr| in region'.padStart(18)}${'region area'.padStart(13)}${'ratio'.padStart(8)}${'time'.padStart(8)}`);
  for (const r of rows) {
    log(`${r.method.padEnd(22)}${(100 * r.share).toFixed(1).padStart(17)}%${(100 * AREA_SHARE).toFixed(1).padStart(12)}%${(r.ratio.toFixed(1) + 'x').padStart(8)}${(r.seconds.toFixed(1) + 's').padStart(8)}`);
  }
  log('');
  log(`results JSON and heatmaps (<method>/example-<i>.png): ${outDir}`);
  return { outDir, labels: Array.from(ds.labels), rows };
}

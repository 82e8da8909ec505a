/**
 * `glasswing evaluate` on the bundled ground-truth tasks (small counts, few methods) and on files;
 * reproducibility (same seed → the same JSON, bit for bit); usage errors. The grid itself is tested
 * on stub metrics in core (metrics/test/evaluate.test.ts); here METRICS is whatever has landed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS } from '@glasswing/core';
import { budgetSkip, dropUnscoredMetrics, naNotes, taskFiles } from '../evaluate-grid.js';
import type { EvaluateResult, MetricSpec } from '@glasswing/core';
import { run, tempDir, writeJson } from './helpers.js';

interface Out {
  task?: string;
  adapter: string;
  examples: number;
  metrics: { id: string }[];
  methods: { method: string; control: boolean; overallRank: number | null }[];
  cells: { method: string; metric: string; status: string; mean?: number; rank?: number; reason?: string; curves?: unknown[] }[];
}

const quick = ['--methods', 'saliency,feature-ablation', '--adapter', 'reference', '--no-progress'];

describe('glasswing evaluate', () => {
  it('image task: every asked method × every metric that applies, with both control rows, pictures and Markdown', async () => {
    const dir = tempDir();
    const r = await run(['evaluate', '--task', 'image', '--count', '2', ...quick, '--json', 'out.json', '--png', 'heat.png', '--svg', 'heat.svg', '--markdown', 'table.md', '--curves-png', 'curves.png'], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Out;
    expect(out).toMatchObject({ task: 'image', adapter: 'reference', examples: 2 });
    expect(out.methods.map((m) => m.method)).toEqual(['saliency', 'feature-ablation', 'control:edge', 'control:random']);
    // With masks and a graph every registered metric applies (gradients: the reference adapter has them).
    expect(out.metrics.map((m) => m.id)).toEqual(Object.keys(METRICS));
    expect(out.cells).toHaveLength(4 * out.metrics.length);
    const sp = out.cells.filter((c) => c.metric === 'sparseness');
    expect(sp.every((c) => c.status === 'ok' && typeof c.rank === 'number')).toBe(true);
    // The table on stdout names every row; the Markdown table has a header, a rule and 4 rows.
    for (const m of out.methods) expect(r.stdout).toContain(m.method);
    expect(readFileSync(join(dir, 'table.md'), 'utf8').trim().split('\n')).toHaveLength(6);
    expect(readFileSync(join(dir, 'heat.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(dir, 'heat.svg'), 'utf8')).toContain('Explanation quality: image task');
    // curves only where a metric gives them (deletion / insertion, ...); otherwise a note, not a failure.
    if (!out.cells.some((c) => c.status === 'ok' && (c.curves?.length ?? 0) > 0)) expect(r.stderr).toContain('no metric of this run gave curves');
    else expect(existsSync(join(dir, 'curves.png'))).toBe(true);
    // Bit for bit: the same run (seeded smoothgrad and random control) writes the same JSON.
    const again = ['evaluate', '--task', 'image', '--count', '2', '--methods', 'smoothgrad', '--adapter', 'reference', '--json', '-', '--seed', '3'];
    const [a, b] = [await run(again), await run(again)];
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('tabular task: no edge control (not an image); the same seed gives the same JSON bit for bit, another seed may not', async () => {
    const args = ['evaluate', '--task', 'tabular', '--count', '3', '--methods', 'saliency,kernel-shap,feature-permutation', '--adapter', 'reference', '--json', '-', '--no-progress'];
    const a = await run([...args, '--seed', '7']);
    const b = await run([...args, '--seed', '7']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const out = JSON.parse(a.stdout) as Out;
    expect(out.methods.map((m) => m.method)).toEqual(['saliency', 'kernel-shap', 'feature-permutation', 'control:random']);
    const c = await run([...args, '--seed', '8']);
    expect(c.code).toBe(0);
    // kernel-shap and the random control are seeded: their sparseness moves with the seed.
    const mean = (s: string, m: string) => (JSON.parse(s) as Out).cells.find((x) => x.method === m && x.metric === 'sparseness')!.mean;
    expect(mean(c.stdout, 'control:random')).not.toBe(mean(a.stdout, 'control:random'));
  });

  it('files: --model/--input with one mask for all examples; metrics needing masks are n/a without them', async () => {
    const dir = tempDir();
    const files = taskFiles('tabular');
    const mask = writeJson(dir, 'mask.json', [0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
    const r = await run(['evaluate', '--model', files.model, '--input', files.input, '--masks', mask, '--count', '2', ...quick, '--json', '-', '--controls', 'false']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.methods.map((m) => m.method)).toEqual(['saliency', 'feature-ablation']);
    expect(out.examples).toBe(2);
    const masked = Object.values(METRICS).filter((m) => m.needs.masks).map((m) => m.id);
    if (masked.length > 0) {
      const r2 = await run(['evaluate', '--model', files.model, '--input', files.input, '--count', '2', ...quick, '--json', '-', '--metrics', masked.join(',')]);
      const out2 = JSON.parse(r2.stdout) as Out;
      expect(out2.cells.every((c) => c.status === 'n/a' && /masks/.test(c.reason!))).toBe(true);
    }
  });

  it('usage errors and help', async () => {
    const help = await run(['evaluate', '--help']);
    expect(help.code).toBe(0);
    for (const t of ['--task image|tabular', '--metrics', '--metric-option', '--curves-png', 'sparseness']) expect(help.stdout).toContain(t);
    const bad: [string[], RegExp][] = [
      [['evaluate'], /missing --task/],
      [['evaluate', '--task', 'audio'], /--task must be one of image, tabular/],
      [['evaluate', '--task', 'image', '--model', 'm.json'], /brings its own model/],
      [['evaluate', '--model', 'm.json'], /missing required option --input/],
      [['evaluate', '--task', 'image', '--metrics', 'nope'], /unknown metric 'nope'/],
      [['evaluate', '--task', 'image', '--methods', 'saliency,saliency'], /twice/],
      [['evaluate', '--task', 'image', '--metric-option', 'sparseness.k=1'], /has no option 'k'/],
      [['evaluate', '--task', 'image', '--metric-option', 'oops'], /<metric>\.<option>=<value>/],
      [['evaluate', '--task', 'image', '--count', '0'], /--count must be at least 1/],
    ];
    for (const [argv, re] of bad) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    const dir = tempDir();
    const files = taskFiles('tabular');
    const masks = writeJson(dir, 'masks.json', { shape: [2, 10], data: new Array(20).fill(1) });
    const r = await run(['evaluate', '--model', files.model, '--input', files.input, '--masks', masks, '--count', '3', ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/2 masks for 3 examples/);
  });

  it('report: an "Explanation quality" section scores the report\'s methods by the cheap metrics', async () => {
    const dir = tempDir();
    const files = taskFiles('image');
    const all = JSON.parse(readFileSync(files.input, 'utf8')) as { shape: number[]; data: number[] };
    const input = writeJson(dir, 'x.json', { shape: [2, ...all.shape.slice(1)], data: all.data.slice(0, 800) });
    const r = await run(['report', '--model', files.model, '--input', input, '--methods', 'saliency,integrated-gradients', '--adapter', 'reference', '--out', 'r.html', '--no-progress'], dir);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    const at = html.indexOf('id="explanation-quality"');
    expect(at).toBeGreaterThan(0);
    const part = html.slice(at, at + 200000);
    expect(part).toContain('alt="metric by method heat table"');
    expect(part).toContain('sparseness');
    if (process.env['GLASSWING_WRITE_PICTURES']) {
      const uri = /alt="metric by method heat table"[^>]*src="data:image\/png;base64,([^"]+)"|src="data:image\/png;base64,([^"]+)"[^>]*alt="metric by method heat table"/.exec(part)!;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env['GLASSWING_WRITE_PICTURES']}/report-heat.png`, Buffer.from(uri[1] ?? uri[2]!, 'base64'));
    }
  });

  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'])('%s agrees with the reference adapter (tabular task, every registered metric)', async (adapter) => {
    const args = (a: string) => ['evaluate', '--task', 'tabular', '--count', '4', '--methods', 'saliency,integrated-gradients,feature-ablation', '--adapter', a, '--json', '-', '--no-progress'];
    const [ref, other] = [await run(args('reference')), await run(args(adapter))];
    expect(other.code, other.stderr).toBe(0);
    const a = JSON.parse(ref.stdout) as Out;
    const b = JSON.parse(other.stdout) as Out;
    expect(b.adapter).toBe(adapter);
    expect(b.cells.map((c) => [c.method, c.metric, c.status])).toEqual(a.cells.map((c) => [c.method, c.metric, c.status]));
    b.cells.forEach((c, k) => {
      if (c.status !== 'ok') return;
      const want = a.cells[k]!.mean!;
      // float32 executors: relative 1e-3 (scores of maps that agree to ~1e-5 relative)
      expect(Math.abs(c.mean! - want), `${c.method} × ${c.metric}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(want)));
    });
  }, 120000);

  it('budget: on images the re-explaining metrics skip the costly methods (not with --full); unscored metrics are dropped; n/a notes grouped', () => {
    const reexplain = { id: 'sensitivity-max', needs: { explain: true } } as unknown as MetricSpec;
    const plain = { id: 'deletion', needs: {} } as unknown as MetricSpec;
    const skip = budgetSkip([20, 20, 1])!;
    expect(skip({ id: 'kernel-shap' }, reexplain)).toMatch(/skipped to keep the run short.*--full/);
    expect(skip({ id: 'kernel-shap' }, plain)).toBeUndefined();
    expect(skip({ id: 'saliency' }, reexplain)).toBeUndefined();
    expect(budgetSkip([10])).toBeUndefined();
    const r = {
      examples: 1, targets: [0], seed: 0,
      metrics: [{ id: 'a', title: 'a', family: 'faithfulness', higherIsBetter: true, options: {} }, { id: 'road', title: 'road', family: 'faithfulness', higherIsBetter: true, options: {} }],
      methods: [{ method: 'm1', title: 'm1', control: false, meanRank: 1, overallRank: 1 }, { method: 'm2', title: 'm2', control: false, meanRank: 2, overallRank: 2 }],
      cells: [
        { method: 'm1', metric: 'a', status: 'ok', mean: 2, scores: [2], rank: 1 },
        { method: 'm1', metric: 'road', status: 'n/a', reason: 'images only' },
        { method: 'm2', metric: 'a', status: 'ok', mean: 1, scores: [1], rank: 2 },
        { method: 'm2', metric: 'road', status: 'n/a', reason: 'images only' },
      ],
    } as EvaluateResult;
    expect(naNotes(r)).toEqual(['n/a road × every method: images only']);
    const { result, dropped } = dropUnscoredMetrics(r);
    expect(dropped).toEqual([{ id: 'road', reason: 'images only' }]);
    expect(result.metrics.map((m) => m.id)).toEqual(['a']);
    expect(result.cells.map((c) => c.metric)).toEqual(['a', 'a']);
    expect(result.methods).toBe(r.methods);
  });
});

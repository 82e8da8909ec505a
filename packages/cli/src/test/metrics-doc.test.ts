/**
 * docs/metrics.md's ground-truth benchmark: the tables are what scripts/gen-metrics-doc.mjs renders
 * from the committed results (docs/metrics/ground-truth-<task>.json), and those results are what
 * `glasswing evaluate` gives today (rerun here for a cheap subset of rows: cell seeds depend on the
 * row and metric ids only, so a subset's cells equal the full grid's). The committed run used
 * onnx-node, whose CPU kernels may round differently on another machine: scores are compared to a
 * relative 1e-4 here (bit-for-bit reproduction on one machine is tested in evaluate.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOC, EVALUATE_ARGS, TASK_IDS, renderBenchmark, replaceBlock, resultFile } from '../../../../scripts/gen-metrics-doc.mjs';
import { rankingMarkdown } from '../evaluate-grid.js';
import { run } from './helpers.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

interface Cell { method: string; metric: string; status: string; mean?: number; scores?: number[]; reason?: string }

describe('docs/metrics.md ground-truth benchmark', () => {
  it('the tables match the committed results (regenerate: node scripts/gen-metrics-doc.mjs)', () => {
    const current = readFileSync(join(root, DOC), 'utf8');
    expect(replaceBlock(current, renderBenchmark(rankingMarkdown as (r: never) => string, root))).toBe(current);
    expect(current).toContain('| rank | method | mean rank |');
  });

  it('the committed tabular results are reproduced (saliency, input × gradient, random control)', async () => {
    const committed = JSON.parse(readFileSync(join(root, resultFile('tabular')), 'utf8')) as { examples: number; metrics: { id: string }[]; cells: Cell[] };
    expect(TASK_IDS).toContain('tabular');
    const rows = ['saliency', 'input-x-gradient'];
    const r = await run([
      'evaluate', '--task', 'tabular', ...EVALUATE_ARGS, '--count', String(committed.examples), '--methods', rows.join(','),
      '--metrics', committed.metrics.map((m) => m.id).join(','), '--json', '-', '--no-progress',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const now = (JSON.parse(r.stdout) as { cells: Cell[] }).cells;
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1e-2, Math.abs(b));
    for (const c of now) {
      const was = committed.cells.find((k) => k.method === c.method && k.metric === c.metric);
      const what = `${c.method} × ${c.metric} in ${resultFile('tabular')}`;
      expect(was, what).toBeDefined();
      expect([c.status, c.reason], what).toEqual([was!.status, was!.reason]);
      if (c.status !== 'ok') continue;
      expect(close(c.mean!, was!.mean!), `${what}: mean ${c.mean} vs ${was!.mean}`).toBe(true);
      c.scores!.forEach((v, i) => expect(close(v, was!.scores![i]!), `${what}: score ${i}`).toBe(true));
    }
    expect(now.map((c) => c.method)).toContain('control:random');
  });
});

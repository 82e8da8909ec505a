/**
 * docs/metrics.md's ground-truth benchmark: the tables are what scripts/gen-metrics-doc.mjs renders
 * from the committed results (docs/metrics/ground-truth-<task>.json), and those results are what
 * `glasswing evaluate` gives today, bit for bit (rerun here for a cheap subset of rows: cell seeds
 * depend on the row and metric ids only, so a subset's cells equal the full grid's).
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

  it('the committed tabular results are reproduced bit for bit (saliency, input × gradient, random control)', async () => {
    const committed = JSON.parse(readFileSync(join(root, resultFile('tabular')), 'utf8')) as { examples: number; metrics: { id: string }[]; cells: Cell[] };
    expect(TASK_IDS).toContain('tabular');
    const rows = ['saliency', 'input-x-gradient'];
    const r = await run([
      'evaluate', '--task', 'tabular', ...EVALUATE_ARGS, '--count', String(committed.examples), '--methods', rows.join(','),
      '--metrics', committed.metrics.map((m) => m.id).join(','), '--json', '-', '--no-progress',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const now = (JSON.parse(r.stdout) as { cells: Cell[] }).cells;
    const strip = ({ method, metric, status, mean, scores, reason }: Cell) => ({ method, metric, status, mean, scores, reason });
    for (const c of now) {
      const was = committed.cells.find((k) => k.method === c.method && k.metric === c.metric);
      expect(was, `${c.method} × ${c.metric} in ${resultFile('tabular')}`).toBeDefined();
      expect(strip(c)).toEqual(strip(was!));
    }
    expect(now.map((c) => c.method)).toContain('control:random');
  });
});

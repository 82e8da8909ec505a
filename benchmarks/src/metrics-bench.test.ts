/** The metrics benchmark runs end to end in quick mode (no timing assertion). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsBench, parseMetricsBenchArgs } from './metrics-bench.js';

describe('metrics benchmark (deletion and infidelity on LeNet)', () => {
  it('quick mode on reference and onnx-node: both metrics run, agree with reference, JSON + markdown written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-metrics-bench-'));
    const { report, markdown, files } = await metricsBench({ quick: true, out, adapters: ['reference', 'onnx-node'] }, () => {});
    expect(report.rows.map((r) => `${r.adapter}/${r.metric}/${r.status}`)).toEqual([
      'reference/deletion/ok', 'reference/infidelity/ok', 'onnx-node/deletion/ok', 'onnx-node/infidelity/ok',
    ]);
    expect(report.rows[0]!.modelCalls).toBe(2); // f(x) + 11 rows in one call
    for (const r of report.rows.slice(2)) expect(r.diffFromReference!).toBeLessThan(1e-2);
    expect(markdown).toContain('| onnx-node | deletion | 10 | ok |');
    expect(files.length).toBe(2);
    expect(parseMetricsBenchArgs(['--quick', '--adapters', 'reference']).adapters).toEqual(['reference']);
  }, 120_000);
});

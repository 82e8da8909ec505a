/** The surrogate benchmark runs end to end in quick mode (no timing assertion). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSurrogateBenchArgs, surrogateBench } from './surrogate-bench.js';

describe('surrogate benchmark', () => {
  it('quick mode: runs on the adapters, rules agree with the reference, writes JSON + markdown', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-surrogate-bench-'));
    const { report, markdown, files } = await surrogateBench({ quick: true, out, adapters: ['reference', 'onnx-node', 'tfjs-wasm'] }, () => {});
    expect(report.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    for (const r of report.results) {
      expect(r.rows).toBe(1000);
      expect(r.rulesMatchReference).toBe(true);
      expect(r.fidelity!).toBeGreaterThan(0.85);
    }
    expect(markdown).toContain('| onnx-node | ok |');
    expect(files.length).toBe(2);
    expect(parseSurrogateBenchArgs(['--quick']).quick).toBe(true);
  });
});

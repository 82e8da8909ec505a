/** The TCAV benchmark row runs in quick mode (no timing assertion) and agrees across adapters. */
import { describe, expect, it } from 'vitest';
import { tcavBench, tcavMarkdown } from './tcav-bench.js';

describe('TCAV benchmark (demo CNN, 10 random runs)', () => {
  it('runs in quick mode on reference and onnx-node with the same significant cells', async () => {
    const rows = await tcavBench({ quick: true, adapters: ['reference', 'onnx-node'] });
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(rows[0]!.modelCalls).toBeGreaterThanOrEqual(2);
    expect(rows[1]!.significant).toBe(rows[0]!.significant);
    expect(tcavMarkdown(rows, true)).toContain('| reference |');
  });
});

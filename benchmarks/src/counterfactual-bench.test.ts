/** The counterfactual benchmark row runs in quick mode (no timing assertion) on two adapters. */
import { describe, expect, it } from 'vitest';
import { COUNTERFACTUAL_METHODS, counterfactualBench, counterfactualMarkdown } from './counterfactual-bench.js';

describe('counterfactual benchmark (tabular MLP, per example)', () => {
  it('runs in quick mode on reference and onnx-node; every method finds its counterfactuals', async () => {
    const rows = await counterfactualBench({ quick: true, adapters: ['reference', 'onnx-node'] });
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'ok'));
    expect(rows.map((r) => r.method)).toEqual([...COUNTERFACTUAL_METHODS, ...COUNTERFACTUAL_METHODS]);
    for (const r of rows) expect(r.found).toBe(r.examples);
    expect(counterfactualMarkdown(rows, true)).toContain('| reference | wachter |');
  }, 120_000);
});

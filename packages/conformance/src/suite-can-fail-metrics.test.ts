/**
 * The metric checks must be able to fail: wrappers around the reference executor whose forward or
 * gradient is off by a few percent fail `metrics-agree` (scores and curves differ from the
 * reference executor's), and a skewed forward breaks the closed forms of `metrics-linear-truth`.
 */
import { createReferenceModel, type Graph, type Model, type Tensor } from '@glasswing/core';
import { mutant } from './test/mutant.js';
import { describe, expect, it } from 'vitest';
import { mlpGraph, runConformanceChecks, type ConformanceReport } from './index.js';


/** Off by 5 % + 0.01: wrong, and still plausible. */
const skew = (t: Tensor): Tensor => ({ shape: t.shape, data: t.data.map((v) => v * 1.05 + 0.01) });
const metricStatus = (reports: readonly ConformanceReport[]) =>
  Object.fromEntries(reports.filter((r) => r.test.startsWith('metrics-')).map((r) => [r.test, r.status]));

describe('the metric checks detect broken adapters', () => {
  it('the reference executor passes them', async () => {
    const reports = await runConformanceChecks({ name: 'ref', createModel: async (g) => createReferenceModel(g), graphs: [mlpGraph()] });
    expect(metricStatus(reports)).toEqual({ 'metrics-agree': 'passed', 'metrics-linear-truth': 'passed' });
  });

  it('a skewed forward fails both', async () => {
    const reports = await runConformanceChecks({
      name: 'skewed-forward',
      createModel: mutant((m) => ({ forward: async (x, o) => skew(await m.forward(x, o)) })),
      graphs: [mlpGraph()],
    });
    expect(metricStatus(reports)).toEqual({ 'metrics-agree': 'failed', 'metrics-linear-truth': 'failed' });
  });

  it('a skewed input gradient fails metrics-agree (re-explanations differ)', async () => {
    const reports = await runConformanceChecks({
      name: 'skewed-gradient',
      createModel: mutant((m) => ({
        gradient: async (x, r) => {
          const g = await m.gradient(x, r);
          return { ...g, inputGradient: skew(g.inputGradient) };
        },
      })),
      graphs: [mlpGraph()],
    });
    expect(metricStatus(reports)['metrics-agree']).toBe('failed');
  });
});

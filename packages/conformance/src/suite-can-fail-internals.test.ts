/**
 * The model-internals checks must be able to fail: broken wrappers around the reference executor
 * (activations, layer gradients or the canonized feature-visualization gradient gone wrong) fail
 * exactly the internals checks that read what they break; capability-less models skip them.
 */
import { createReferenceModel, type Graph, type Model, type Tensor } from '@glasswing/core';
import { mutant } from './test/mutant.js';
import { describe, expect, it } from 'vitest';
import { attentionGraph, mlpGraph, runConformanceChecks, type ConformanceReport } from './index.js';


const statuses = (reports: readonly ConformanceReport[], status: ConformanceReport['status']): string[] =>
  reports.filter((r) => r.status === status).map((r) => r.test);
const internals = (reports: readonly ConformanceReport[], status: ConformanceReport['status']): string[] =>
  statuses(reports, status).filter((t) => t.includes('internals-'));
/** Off by 1 % + 1e-3: a wrong value that still looks plausible. */
const skew = (t: Tensor): Tensor => ({ shape: t.shape, data: t.data.map((v) => v * 1.01 + 1e-3) });

const graphs = [mlpGraph(), attentionGraph()];

describe('the internals checks detect broken adapters', () => {
  it('the reference executor passes them all (attention only where there is attention)', async () => {
    const reports = await runConformanceChecks({ name: 'ref', createModel: async (g) => createReferenceModel(g), graphs });
    expect(internals(reports, 'failed')).toEqual([]);
    expect(internals(reports, 'skipped')).toEqual(['mlp/internals-attention', 'mlp/internals-attention-gradient']);
    expect(internals(reports, 'passed')).toEqual([
      'mlp/internals-feature-visualization',
      'mlp/internals-dataset-examples',
      'mlp/internals-tcav',
      'mlp/internals-activation-clustering',
      'attention/internals-feature-visualization',
      'attention/internals-dataset-examples',
      'attention/internals-tcav',
      'attention/internals-activation-clustering',
      'attention/internals-attention',
      'attention/internals-attention-gradient',
      'internals-fv-known-filter',
    ]);
  });

  it('skewed activations() fail every internals check that reads activations()', async () => {
    const reports = await runConformanceChecks({
      name: 'bad-activations',
      graphs,
      createModel: mutant((m) => ({
        activations: async (x, l, o) => {
          const r = await m.activations(x, l, o);
          return { ...r, layers: Object.fromEntries(Object.entries(r.layers).map(([k, v]) => [k, skew(v)])) };
        },
      })),
    });
    // the non-linear feature-visualization run (layer + diversity) reads activations() each step;
    // gradient-weighted attention and the known filter read taps of gradient() only
    expect(internals(reports, 'failed')).toEqual([
      'mlp/internals-feature-visualization',
      'mlp/internals-dataset-examples',
      'mlp/internals-tcav',
      'mlp/internals-activation-clustering',
      'attention/internals-feature-visualization',
      'attention/internals-dataset-examples',
      'attention/internals-tcav',
      'attention/internals-activation-clustering',
      'attention/internals-attention',
    ]);
  });

  it('wrong layer gradients fail TCAV and gradient-weighted attention', async () => {
    const reports = await runConformanceChecks({
      name: 'bad-layer-gradient',
      graphs,
      createModel: mutant((m) => ({
        gradient: async (x, r) => {
          const g = await m.gradient(x, r);
          const wobble = (t: Tensor): Tensor => ({ shape: t.shape, data: t.data.map((v, i) => v * (1 + 0.5 * Math.sin(i))) });
          return { ...g, layers: Object.fromEntries(Object.entries(g.layers).map(([k, v]) => [k, { activation: v.activation, gradient: wobble(v.gradient) }])) };
        },
      })),
    });
    const failed = internals(reports, 'failed');
    for (const t of ['mlp/internals-tcav', 'attention/internals-tcav', 'attention/internals-attention-gradient']) expect(failed).toContain(t);
    for (const t of ['mlp/internals-dataset-examples', 'attention/internals-attention', 'internals-fv-known-filter']) expect(failed).not.toContain(t);
  });

  it('a gradient that ignores canonizers (the layer-seed objective) fails feature visualization and the known filter', async () => {
    const reports = await runConformanceChecks({
      name: 'no-canonizers',
      graphs,
      // without the canonizer, the overrides it names do not exist: drop them too
      createModel: mutant((m) => ({ gradient: (x, r) => m.gradient(x, r.canonizers?.length ? { ...r, canonizers: [], overrides: {} } : r) })),
    });
    expect(internals(reports, 'failed')).toEqual(['mlp/internals-feature-visualization', 'attention/internals-feature-visualization', 'internals-fv-known-filter']);
  });

  it('a model that exposes no graph skips what reads the graph, with the reason, and runs TCAV and clustering', async () => {
    const reports = await runConformanceChecks({ name: 'no-graph', graphs, createModel: mutant(() => ({}), false) });
    expect(internals(reports, 'failed')).toEqual([]);
    expect(internals(reports, 'passed')).toEqual([
      'mlp/internals-tcav',
      'mlp/internals-activation-clustering',
      'attention/internals-tcav',
      'attention/internals-activation-clustering',
    ]);
    const fv = reports.find((r) => r.test === 'attention/internals-feature-visualization');
    expect(fv?.message).toMatch(/exposes no graph, which feature visualization reads/);
    expect(reports.find((r) => r.test === 'attention/internals-attention')?.message).toMatch(/exposes no graph, which attention detection reads/);
  });

  it('a model without gradients, layers or rules skips every internals check', async () => {
    const reports = await runConformanceChecks({
      name: 'forward-only',
      graphs,
      createModel: mutant(() => ({ capabilities: { gradients: false, layers: false, rules: false } })),
    });
    expect(internals(reports, 'passed')).toEqual([]);
    expect(internals(reports, 'failed')).toEqual([]);
    expect(internals(reports, 'skipped')).toHaveLength(13);
  });
});

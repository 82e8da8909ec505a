/**
 * The suite must be able to fail: run it (through runConformanceChecks) on deliberately broken
 * wrappers around the reference executor and check the right tests fail, skip or pass.
 */
import { createReferenceModel, METHODS, type Graph, type MethodSpec, type Model, type Tensor } from '@glasswing/core';
import { mutant } from './test/mutant.js';
import { describe, expect, it } from 'vitest';
import { mlpGraph, cnnNhwcGraph, runConformanceChecks, type ConformanceReport } from './index.js';

const scale = (t: Tensor, s: number): Tensor => ({ shape: t.shape, data: t.data.map((v) => v * s) });


function statuses(reports: readonly ConformanceReport[], status: ConformanceReport['status']): string[] {
  return reports.filter((r) => r.status === status).map((r) => r.test);
}

const graphs = [mlpGraph()];

/** The `method-<id>` checks on graph `g` of the METHODS entries matching `pick` (METHODS order). */
const methodTests = (g: string, pick: (s: MethodSpec) => boolean): string[] =>
  Object.values(METHODS)
    .filter(pick)
    .map((s) => `${g}/method-${s.id}`);
/** Attribute to the input (no `layer`). */
const inputLevel = (s: MethodSpec) => !s.options.includes('layer');

describe('the conformance suite detects broken adapters', () => {
  it('passes the reference executor everywhere', async () => {
    const reports = await runConformanceChecks({ name: 'ref', createModel: async (g) => createReferenceModel(g), graphs: [mlpGraph(), cnnNhwcGraph()] });
    expect(statuses(reports, 'failed')).toEqual([]);
    // Grad-CAM resizes to an image input: not applicable to the MLP (decided on the reference executor)
    // and the attention checks do not apply to graphs without attention Softmaxes
    expect(statuses(reports, 'skipped')).toEqual([
      'mlp/method-guided-grad-cam',
      'mlp/method-grad-cam',
      'mlp/internals-attention',
      'mlp/internals-attention-gradient',
      'cnn-nhwc/internals-attention',
      'cnn-nhwc/internals-attention-gradient',
    ]);
    expect(reports.find((r) => r.test === 'mlp/method-grad-cam')?.message).toMatch(/grad-cam does not apply to graph mlp .*image input/);
    // every registered method is picked up, and runs on the CNN
    const passed = statuses(reports, 'passed');
    expect(Object.keys(METHODS).length).toBeGreaterThanOrEqual(29);
    for (const id of Object.keys(METHODS)) expect(passed).toContain(`cnn-nhwc/method-${id}`);
  });

  it('a gradient off by 5% fails the gradient checks, not forward', async () => {
    const reports = await runConformanceChecks({
      name: 'bad-gradient',
      graphs,
      createModel: mutant((m) => ({
        gradient: async (x, r) => {
          const g = await m.gradient(x, r);
          return { ...g, inputGradient: scale(g.inputGradient, 1.05) };
        },
      })),
    });
    const failed = statuses(reports, 'failed');
    for (const t of ['gradient-index-seed', 'gradient-tensor-seed', 'gradient-finite-differences', 'algorithm-ig-completeness'].map((c) => `mlp/${c}`)) {
      expect(failed).toContain(t);
    }
    // every input-level gradient method notices (saliency, IG, SmoothGrad, DeepLIFT, LRP, …)
    const gradientMethods = methodTests('mlp', (s) => s.requires.gradients === true && inputLevel(s));
    expect(gradientMethods.length).toBeGreaterThanOrEqual(12);
    for (const t of gradientMethods) expect(failed).toContain(t);
    expect(failed).not.toContain('mlp/forward');
    for (const t of methodTests('mlp', (s) => Object.keys(s.requires).length === 0)) expect(failed).not.toContain(t);
  });

  it('a wrong layer gradient fails the layer finite-difference and reference checks', async () => {
    const reports = await runConformanceChecks({
      name: 'bad-layer-gradient',
      graphs,
      createModel: mutant((m) => ({
        gradient: async (x, r) => {
          const g = await m.gradient(x, r);
          const layers = Object.fromEntries(
            Object.entries(g.layers).map(([k, v]) => [k, { activation: v.activation, gradient: scale(v.gradient, 0.9) }]),
          );
          return { ...g, layers };
        },
      })),
    });
    const failed = statuses(reports, 'failed');
    expect(failed).toContain('mlp/layer-gradients');
    expect(failed).toContain('mlp/layer-gradient-finite-differences');
    // the layer methods that read layer gradients notice too (Grad-CAM does not apply to the MLP)
    const skipped = statuses(reports, 'skipped');
    const layerMethods = methodTests('mlp', (s) => s.requires.layers === true && s.requires.gradients === true && !s.options.includes('neuron')).filter(
      (t) => !skipped.includes(t),
    );
    expect(layerMethods.length).toBeGreaterThanOrEqual(4);
    for (const t of layerMethods) expect(failed).toContain(t);
    expect(failed).not.toContain('mlp/gradient-finite-differences');
  });

  it('a forward pass off by 1e-3 fails forward', async () => {
    const reports = await runConformanceChecks({
      name: 'bad-forward',
      graphs,
      createModel: mutant((m) => ({
        forward: async (x, o) => {
          const y = await m.forward(x, o);
          return { shape: y.shape, data: y.data.map((v) => v + 1e-3) };
        },
      })),
    });
    const failed = statuses(reports, 'failed');
    expect(failed).toContain('mlp/forward');
    // every forward-only method compares its outputs with the reference executor's
    const forwardOnly = methodTests('mlp', (s) => Object.keys(s.requires).length === 0);
    expect(forwardOnly.length).toBeGreaterThanOrEqual(7);
    for (const t of forwardOnly) expect(failed).toContain(t);
  });

  it('ignoring rules fails the guided-ReLU check and the rule axioms', async () => {
    const reports = await runConformanceChecks({
      name: 'no-rules',
      graphs,
      createModel: mutant((m) => ({ gradient: (x, { rules: _ignored, ...r }) => m.gradient(x, r) })),
    });
    expect(statuses(reports, 'failed')).toEqual([
      'mlp/rule-guided-relu',
      // the input-level rule methods: deconvolution, deeplift, deeplift-shap, guided-backprop, lrp
      ...methodTests('mlp', (s) => s.requires.rules === true && inputLevel(s)),
      'rule-lrp-epsilon-conservation',
      'rule-deeplift-summation-to-delta',
      'rule-guided-backprop-positive',
      'rule-canonizers',
    ]);
  });

  it('untyped errors fail the error checks; working calls after dispose fail dispose', async () => {
    const reports = await runConformanceChecks({
      name: 'untyped',
      graphs,
      createModel: mutant((m) => ({
        forward: async (x, o) => {
          try {
            return await m.forward(x, o);
          } catch (e) {
            throw new Error(String(e));
          }
        },
        dispose: () => {},
      })),
    });
    expect(statuses(reports, 'failed')).toEqual(['mlp/error-input-shape', 'dispose']);
  });

  it('skips by declared capability, never by name', async () => {
    const reports = await runConformanceChecks({
      name: 'forward-only',
      graphs,
      createModel: mutant(() => ({ capabilities: { gradients: false, layers: false, rules: false } })),
    });
    expect(statuses(reports, 'passed')).toEqual([
      'mlp/forward',
      'mlp/batch-invariance',
      'mlp/error-input-shape',
      ...methodTests('mlp', (s) => Object.keys(s.requires).length === 0),
      'dispose',
    ]);
    expect(statuses(reports, 'skipped')).toEqual(expect.arrayContaining(methodTests('mlp', (s) => Object.keys(s.requires).length > 0)));
    expect(statuses(reports, 'skipped')).toContain('maxpool-ties');
    expect(statuses(reports, 'failed')).toEqual([]);
  });

  it('expectedFailures: a failing test is an expected failure, a passing one is flagged', async () => {
    const reports = await runConformanceChecks({
      name: 'no-rules',
      graphs,
      createModel: mutant((m) => ({ gradient: (x, { rules: _ignored, ...r }) => m.gradient(x, r) })),
      expectedFailures: [
        { test: 'mlp/rule-guided-relu', reason: 'rules not implemented' },
        { test: 'mlp/forward', reason: 'pretend' },
      ],
    });
    expect(statuses(reports, 'expected-failure')).toEqual(['mlp/rule-guided-relu']);
    expect(statuses(reports, 'failed')).toEqual([
      ...methodTests('mlp', (s) => s.requires.rules === true && inputLevel(s)),
      'rule-lrp-epsilon-conservation',
      'rule-deeplift-summation-to-delta',
      'rule-guided-backprop-positive',
      'rule-canonizers',
    ]);
    expect(statuses(reports, 'unexpected-pass')).toEqual(['mlp/forward']);
  });
});

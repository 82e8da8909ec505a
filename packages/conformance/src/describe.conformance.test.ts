/**
 * The vitest wiring of describeAdapterConformance: an expected failure runs as `it.fails` (this
 * file fails if the broken adapter starts passing), and capability-less adapters get skips, not
 * failures. runConformanceChecks' statuses are asserted in suite-can-fail.test.ts.
 */
import { createReferenceModel, METHODS, type Graph, type Model } from '@glasswing/core';
import { describeAdapterConformance, mlpGraph } from './index.js';

function wrap(g: Graph, patch: (m: Model) => Partial<Model>): Model {
  const m = createReferenceModel(g);
  return {
    inputShape: m.inputShape,
    outputShape: m.outputShape,
    capabilities: m.capabilities,
    layerNames: m.layerNames,
    ...(m.graph ? { graph: m.graph } : {}),
    backend: 'wrapped',
    forward: (x, o) => m.forward(x, o),
    gradient: (x, r) => m.gradient(x, r),
    activations: (x, l, o) => m.activations(x, l, o),
    dispose: () => m.dispose(),
    ...patch(m),
  };
}

describeAdapterConformance({
  name: 'rules ignored (expected failure)',
  graphs: [mlpGraph()],
  createModel: async (g) => wrap(g, (m) => ({ gradient: (x, { rules: _ignored, ...r }) => m.gradient(x, r) })),
  expectedFailures: [
    { test: 'mlp/rule-guided-relu', reason: 'this wrapper drops rules on purpose' },
    { test: 'rule-lrp-epsilon-conservation', reason: 'this wrapper drops rules on purpose' },
    { test: 'rule-deeplift-summation-to-delta', reason: 'this wrapper drops rules on purpose' },
    { test: 'rule-guided-backprop-positive', reason: 'this wrapper drops rules on purpose' },
    { test: 'rule-canonizers', reason: 'this wrapper drops rules on purpose' },
    // the METHODS entries that attribute to the input through rules (DeepLIFT, LRP, guided backprop, …)
    ...Object.values(METHODS)
      .filter((s) => s.requires.rules === true && !s.options.includes('layer'))
      .map((s) => ({ test: `mlp/method-${s.id}`, reason: 'this wrapper drops rules on purpose' })),
  ],
});

describeAdapterConformance({
  name: 'forward only (capability skips)',
  graphs: [mlpGraph()],
  createModel: async (g) => wrap(g, () => ({ capabilities: { gradients: false, layers: false, rules: false } })),
});

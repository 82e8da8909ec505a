/**
 * For the suite's own tests (suite-can-fail*.test.ts): a Model wrapper around the reference
 * executor with selected methods replaced — a deliberately broken adapter.
 */
import { createReferenceModel, type Graph, type Model } from '@glasswing/core';

export function mutant(patch: (m: Model) => Partial<Model>, withGraph = true): (g: Graph) => Promise<Model> {
  return async (g) => {
    const m = createReferenceModel(g);
    const p = patch(m);
    return {
      inputShape: m.inputShape,
      outputShape: m.outputShape,
      capabilities: p.capabilities ?? m.capabilities,
      layerNames: m.layerNames,
      ...(m.graph && withGraph ? { graph: m.graph } : {}),
      backend: 'mutant',
      forward: p.forward ?? ((x, o) => m.forward(x, o)),
      gradient: p.gradient ?? ((x, r) => m.gradient(x, r)),
      activations: p.activations ?? ((x, l, o) => m.activations(x, l, o)),
      dispose: p.dispose ?? (() => m.dispose()),
    };
  };
}

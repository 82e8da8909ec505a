/**
 * Dispose semantics (model-level, run once per adapter). The decision, documented in
 * docs/adding-an-adapter.md: `dispose()` is idempotent (a second call neither throws nor frees
 * twice) and any call after it rejects (preferably with a typed Glasswing error) instead of
 * touching freed memory.
 */
import type { Graph, Model } from '@glasswing/core';
import type { ConformanceGraph } from '../graphs/types.js';
import { ConformanceError } from '../numeric.js';
import { indexSeed, makeInput } from './context.js';

async function expectRejects(call: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await call();
  } catch {
    return;
  }
  throw new ConformanceError(`${what} succeeded after dispose(); it must reject`);
}

export const DISPOSE_TEST_ID = 'dispose';

export async function disposeCheck(createModel: (graph: Graph) => Promise<Model>, spec: ConformanceGraph): Promise<void> {
  const model = await createModel(spec.graph);
  const x = makeInput(spec, 2, 61);
  await model.forward(x);
  await model.dispose();
  try {
    await model.dispose();
  } catch (error) {
    throw new ConformanceError(`a second dispose() threw (${String(error)}); dispose must be idempotent`);
  }
  await expectRejects(() => model.forward(x), 'forward()');
  if (model.capabilities.gradients) {
    await expectRejects(() => model.gradient(x, { seed: indexSeed([0, 0]) }), 'gradient()');
  }
  if (model.capabilities.layers) {
    await expectRejects(() => model.activations(x, [spec.taps[0]!]), 'activations()');
  }
}

/**
 * The Captum 0.8 figures of the propagation-rule and layer family (DeepLift rescale,
 * GuidedBackprop, Deconvolution, LRP with Captum's default composite, LayerActivation,
 * LayerConductance) through the imported TensorFlow.js LayersModels (cpu and wasm backends): the
 * same rules-as-data run by the tfjs kernels. Figures copied into packages/core/test/fixtures by
 * tools/import-reference-fixtures.mjs; tolerance 1e-5 relative + 1e-8 absolute, deltas 2e-7.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '@glasswing/core';
import { captumRuleMethods, type RuleFixture } from '../../core/src/algorithms/test/captum-rule-methods.js';
import { fromTfjsLayers, initTfjsBackend } from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { modelJson } from './fixtures.js';

const NAMES = ['tiny_additive', 'mlp_tabular'] as const;
const load = (name: string): RuleFixture =>
  JSON.parse(readFileSync(new URL(`../../core/test/fixtures/${name}.json`, import.meta.url), 'utf8')) as RuleFixture;

describe.each(BACKENDS)('Captum rule/layer figures through tfjs-%s', (backend) => {
  beforeAll(async () => {
    await initTfjsBackend(backend);
  });

  describe.each(NAMES)('%s', (name) => {
    let model: Model;
    beforeAll(async () => {
      model = await fromTfjsLayers(modelJson(name), { backend });
    });
    afterAll(async () => {
      await model.dispose();
    });

    it('exposes its graph with the Captum layer names', () => {
      expect(model.graph).toBeDefined();
      expect(model.layerNames).toEqual(expect.arrayContaining(['fc1', 'relu1']));
    });

    captumRuleMethods(load(name), () => model, { rel: 1e-5, abs: 1e-8, delta: 2e-7 });
  });
});

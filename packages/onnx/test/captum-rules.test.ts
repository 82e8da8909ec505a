/**
 * The Captum 0.8 figures of the propagation-rule and layer family (DeepLift rescale,
 * GuidedBackprop, Deconvolution, LRP with Captum's default composite, LayerActivation,
 * LayerConductance) through fromOnnx on the exported PyTorch models: the rules are emitted into
 * the ONNX backward graphs and run by ONNX Runtime, on both onnx-node and onnx-web. Captum's
 * module names map to the exported node names (fc1 → /fc1/Gemm, relu1 → /relu1/Relu). Figures copied into
 * packages/core/test/fixtures by tools/import-reference-fixtures.mjs; tolerance 1e-5 relative +
 * 1e-8 absolute, deltas 2e-7.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '@glasswing/core';
import { captumRuleMethods, type RuleFixture } from '../../core/src/algorithms/test/captum-rule-methods.js';
import { fromOnnx } from '../src/index.js';

const NAMES = ['tiny_additive', 'mlp_tabular'] as const;
const load = (name: string): RuleFixture =>
  JSON.parse(readFileSync(new URL(`../../core/test/fixtures/${name}.json`, import.meta.url), 'utf8')) as RuleFixture;
const onnxLayer = (captum: string): string => `/${captum}/${captum.startsWith('relu') ? 'Relu' : 'Gemm'}`;

const RUNTIMES = ['onnx-node', 'onnx-web'] as const;
const CASES = RUNTIMES.flatMap((runtime) => NAMES.map((name) => [runtime, name] as const));

describe.each(CASES)('Captum rule/layer figures through %s: %s', (runtime, name) => {
  let model: Model;
  beforeAll(async () => {
    model = await fromOnnx(fileURLToPath(new URL(`./fixtures/${name}.onnx`, import.meta.url)), { runtime });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('has gradients, layers, rules and a graph', () => {
    expect(model.backend).toBe(runtime);
    expect(model.capabilities).toEqual({ gradients: true, layers: true, rules: true });
    expect(model.graph).toBeDefined();
    expect(model.layerNames).toEqual(expect.arrayContaining([onnxLayer('fc1'), onnxLayer('relu1')]));
  });

  captumRuleMethods(load(name), () => model, { rel: 1e-5, abs: 1e-8, delta: 2e-7 }, onnxLayer);
});

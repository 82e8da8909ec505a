/** Propagation rules (needs capabilities.rules). */
import { guidedReluRule, type Rule } from '@glasswing/core';
import { ConformanceError, expectClose } from '../numeric.js';
import { BATCH, indexSeed, makeInput, makeTargets, type ConformanceCheck } from './context.js';

export const guidedReluCheck: ConformanceCheck = {
  id: 'rule-guided-relu',
  title: 'the guided-ReLU rule on every Relu matches the reference and changes the gradient',
  requires: { gradients: true, rules: true },
  async run({ model, reference, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 31);
    const seed = indexSeed(makeTargets(spec, BATCH));
    const rules: Record<string, Rule> = {};
    for (const name of spec.reluNodes) rules[name] = guidedReluRule;
    const got = await model.gradient(x, { seed, rules });
    const ref = await reference.gradient(x, { seed, rules });
    expectClose(got.outputs, ref.outputs, tolerance.forward, 'outputs under rules');
    expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, 'guided-ReLU input gradient');
    const plain = await model.gradient(x, { seed });
    let differs = false;
    for (let i = 0; i < plain.inputGradient.data.length && !differs; i++) {
      differs = Math.abs(plain.inputGradient.data[i]! - got.inputGradient.data[i]!) > 1e-4;
    }
    if (!differs) throw new ConformanceError('the guided-ReLU rule left the gradient unchanged: rules seem ignored');
  },
};

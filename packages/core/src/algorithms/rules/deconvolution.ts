/**
 * Deconvolution (Zeiler & Fergus 2014) — Captum's `Deconvolution`: the input gradient with every
 * ReLU's backward pass replaced by relu(grad), ignoring the forward gate (`deconvReluRule`: relu
 * gradient mapper + identity VJP). Rules are assigned to every `Relu` node of `model.graph`.
 * Needs capabilities 'gradients' and 'rules' and `model.graph` (CapabilityError otherwise).
 *
 * Model calls: as GuidedBackprop.
 */
import { common, ruleMethod } from '../_utils/method-entries.js';
import type { Rule } from '../../rules/rule.js';
import { deconvRelu } from '../../rules/presets.js';
import { GuidedBackprop, type GuidedBackpropOptions } from './guided-backprop.js';

export type DeconvolutionOptions = GuidedBackpropOptions;

/** Deconvolution's ReLU: relu of the incoming signal, passed through regardless of the gate (rules/presets.ts `deconvRelu`). */
export const deconvReluRule: Rule = deconvRelu;

export class Deconvolution extends GuidedBackprop {
  override readonly id: string = 'deconvolution';
  protected override readonly reluRule: Rule = deconvReluRule;
}

/** METHODS entry `deconvolution`. */
export const deconvolutionMethod = ruleMethod('deconvolution', 'Deconvolution', ['target', 'internalBatchSize'], {}, (m, x, o) =>
  new Deconvolution(m).attribute(x, common(o)),
);

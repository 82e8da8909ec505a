/**
 * Guided backpropagation (Springenberg et al. 2015) — Captum's `GuidedBackprop`: the input
 * gradient of the target output with every ReLU's backward pass replaced by the guided rule,
 * relu(grad) · [ReLU input > 0] (`guidedReluRule`: relu gradient mapper + the ReLU's own VJP).
 *
 * Rules are assigned by node name to every `Relu` node of `model.graph` (Captum hooks ReLU
 * modules; here functional and reused ReLUs are covered too, since every Relu node is a node).
 * Needs capabilities 'gradients' and 'rules' and an IR-backed model exposing `model.graph`
 * (CapabilityError otherwise). Other ops (MaxPool included) use their plain VJP: PyTorch's
 * max-pool gradient goes to the first maximal element of a window, as here.
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls if the target is the predicted class, then
 * ⌈N / internalBatchSize⌉ rule-modified gradient calls.
 */
import { common, ruleMethod } from '../_utils/method-entries.js';
import type { Model } from '../../model.js';
import type { Rule, RuleAssignment } from '../../rules/rule.js';
import { guidedReluRule } from '../../rules/rule.js';
import type { Tensor } from '../../tensor.js';
import { checkBatchSize, type CommonOptions, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { resolveTargetRows, sliceRows } from '../_utils/rows.js';
import { requestRows, requireGraph, requireRules } from '../_utils/requests.js';
import { resolveComposite } from '../../rules/composites.js';
import { RowStore, targetPlusChunks } from '../layer/layer-common.js';

export type GuidedBackpropOptions = CommonOptions;

/** The same rule on every Relu node of the model's graph. */
export function reluRules(model: Model, rule: Rule, method: string): RuleAssignment {
  return resolveComposite({ name: `${method}-relu`, entries: [{ match: { op: 'Relu' }, rule }] }, requireGraph(model, method));
}

/** Input gradients with `rules`, per example (one forward for the predicted class, then chunks). */
export async function ruleGradients(
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  rules: RuleAssignment,
  internalBatchSize: number | undefined,
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const max = checkBatchSize(internalBatchSize);
  const resolved = await resolveTargetRows(ctx, x, target, max);
  const attr = new RowStore(n);
  const outs = new RowStore(n);
  await requestRows(ctx, n, max, (s, e) => sliceRows(x, s, e), resolved, () => ({ rules }), (s, _e, res) => {
    attr.put(s, res.inputGradient);
    outs.put(s, res.outputs);
  });
  return { attributions: attr.tensor(), outputs: outs.tensor(), target: resolved };
}

export class GuidedBackprop extends GradientMethod<GuidedBackpropOptions> {
  readonly id: string = 'guided-backprop';
  protected readonly reluRule: Rule = guidedReluRule;

  validateOptions(options: GuidedBackpropOptions): void {
    requireRules(this.model, this.id);
    requireGraph(this.model, this.id);
    checkBatchSize(options.internalBatchSize);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: GuidedBackpropOptions): number {
    return targetPlusChunks(rows, resolveTarget, options.internalBatchSize);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: GuidedBackpropOptions): Promise<CoreResult> {
    return ruleGradients(ctx, x, target, reluRules(this.model, this.reluRule, this.id), options.internalBatchSize);
  }
}

/** METHODS entry `guided-backprop`. */
export const guidedBackpropMethod = ruleMethod('guided-backprop', 'Guided backpropagation', ['target', 'internalBatchSize'], {}, (m, x, o) =>
  new GuidedBackprop(m).attribute(x, common(o)),
);

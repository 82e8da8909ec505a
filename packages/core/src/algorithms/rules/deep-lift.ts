/**
 * DeepLIFT (Shrikumar et al. 2017) — Captum's `DeepLift` (multiply_by_inputs=True by default):
 *
 *   attr = (x − x′) ⊙ m,   delta = Σ attr − (f(x) − f(x′))
 *
 * where m are DeepLIFT multipliers: the backward pass with a rule on every node that is not
 * affine — Rescale ('secant' rules: Δy/Δx on element-wise nonlinearities, the standard derivative
 * where |Δx| < eps, default 1e-10 as Captum) or RevealCancel ('reveal-cancel' rules on element-wise
 * nonlinearities after a linear producer) — evaluated against the reference forward pass on x′
 * (GradientRequest.reference). MaxPool gets Captum's cross-maximum rule (ir/secant.ts: with
 * m = max(y, y′), m − y′ to the input's argmax and y − m to the reference's, over Δx), accumulated
 * over overlapping windows, so summation-to-delta is exact there too. Captum's own figures break it
 * when a pool directly follows or precedes a ReLU (its hooks drop one rule) or windows overlap
 * (its unpooling overwrites); elsewhere they agree to 1e-4 (see the deeplift_maxpool fixtures).
 * Softmax / LogSoftmax / LayerNormalization get no DeepLIFT rule (plain gradient): explain the
 * logits; the delta shows any gap.
 *
 * Baselines: a number, a per-example tensor [N, ...inputShape] or a shared [1, ...] / [...]
 * tensor (default 0). Needs capabilities 'gradients' and 'rules' and `model.graph`.
 *
 * Model calls: ⌈N / internalBatchSize⌉ rule-modified gradient calls (which return f(x)), after
 * forward calls on the references only — one row when the baseline is shared (a number, or one
 * [1, …] tensor), else ⌈N / internalBatchSize⌉ — for f(x′) in delta (issue 15: rule methods within
 * 2× of Saliency). For a predicted target, ⌈2N / internalBatchSize⌉ forward calls on [x; x′].
 */
import { common, ruleMethod } from '../_utils/method-entries.js';
import type { Model } from '../../model.js';
import type { Graph } from '../../ir/graph.js';
import type { RuleAssignment } from '../../rules/rule.js';
import { deepLiftComposite, resolveComposite } from '../../rules/composites.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkBatchSize, checkNonNegative, chunkCount, resolveBaselines, targetValue, type CommonOptions, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { firstRows, stackedRows, targetOrPredicted } from '../_utils/rows.js';
import { requestRows, requireGraph, requireRules } from '../_utils/requests.js';
import type { DeepLiftRule } from '../_utils/types.js';

export type { DeepLiftRule };
export const DEEP_LIFT_RULES: readonly DeepLiftRule[] = ['rescale', 'reveal-cancel'];

export interface DeepLiftOptions extends CommonOptions {
  /** Reference input x′ (default 0). */
  readonly baselines?: number | Tensor;
  /** Default 'rescale'. */
  readonly rule?: DeepLiftRule;
  /** attr = (x − x′) ⊙ multipliers (default true); false returns the multipliers. */
  readonly multiplyByInputs?: boolean;
  /** |Δx| below which the plain derivative is used (default 1e-10). */
  readonly eps?: number;
}

/** DeepLIFT rules per node of `graph` (`deepLiftComposite` of the rules engine). */
export function deepLiftRules(graph: Graph, rule: DeepLiftRule = 'rescale', eps = 1e-10): RuleAssignment {
  return resolveComposite(deepLiftComposite(rule, eps), graph);
}

export function checkDeepLiftOptions(model: Model, method: string, options: DeepLiftOptions): void {
  requireRules(model, method);
  requireGraph(model, method);
  if (options.rule !== undefined && !DEEP_LIFT_RULES.includes(options.rule)) {
    throw new InvalidArgumentError(`unknown DeepLIFT rule '${String(options.rule)}'; expected one of ${DEEP_LIFT_RULES.join(', ')}`);
  }
  if (options.multiplyByInputs !== undefined && typeof options.multiplyByInputs !== 'boolean') {
    throw new InvalidArgumentError(`multiplyByInputs must be a boolean, got ${String(options.multiplyByInputs)}`);
  }
  checkNonNegative(options.eps, 'eps', 1e-10);
  checkBatchSize(options.internalBatchSize);
}

/**
 * DeepLIFT multipliers for `rows` rows: row r is input row `xRow(r)` against reference row
 * `refRow(r)` (rows of `x` and `refs`), explaining `rowTarget`. `consume` gets each chunk's
 * input "gradients" (multipliers).
 */
export async function deepLiftMultipliers(
  ctx: ModelCaller,
  x: Tensor,
  refs: Tensor,
  rows: number,
  xRow: (r: number) => number,
  refRow: (r: number) => number,
  rowTarget: ResolvedTarget,
  rules: RuleAssignment,
  maxRows: number,
  consume: (start: number, end: number, m: Float32Array, outputs: Tensor) => void,
): Promise<void> {
  const per = x.data.length / x.shape[0]!;
  const gather = (src: Tensor, pick: (r: number) => number, s: number, e: number): Tensor => {
    const data = new Float32Array((e - s) * per);
    for (let r = s; r < e; r++) data.set(src.data.subarray(pick(r) * per, (pick(r) + 1) * per), (r - s) * per);
    return { shape: [e - s, ...x.shape.slice(1)], data };
  };
  await requestRows(
    ctx,
    rows,
    maxRows,
    (s, e) => gather(x, xRow, s, e),
    rowTarget,
    (s, e) => ({ rules, reference: gather(refs, refRow, s, e) }),
    (s, e, res) => consume(s, e, res.inputGradient.data, res.outputs),
  );
}

export class DeepLift extends GradientMethod<DeepLiftOptions> {
  readonly id = 'deeplift';
  validateOptions(options: DeepLiftOptions): void {
    checkDeepLiftOptions(this.model, this.id, options);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: DeepLiftOptions): number {
    const max = checkBatchSize(options.internalBatchSize);
    if (resolveTarget) return chunkCount(2 * rows, max) + chunkCount(rows, max);
    return chunkCount(sharedBaseline(options.baselines, this.model.inputShape.length) ? 1 : rows, max) + chunkCount(rows, max);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: DeepLiftOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const per = x.data.length / n;
    const max = checkBatchSize(options.internalBatchSize);
    const baselines = resolveBaselines(options.baselines, n, ctx.model.inputShape);
    if (target) return this.knownTarget(ctx, x, baselines, target, options, max);
    const both = await ctx.forwardRows(2 * n, max, stackedRows([x.data, baselines.data], per, x.shape.slice(1)));
    const resolved = targetOrPredicted(target, firstRows(both, n));
    const rules = deepLiftRules(requireGraph(ctx.model, this.id), options.rule, options.eps ?? 1e-10);
    const times = options.multiplyByInputs ?? true;
    const attr = new Float32Array(n * per);
    await deepLiftMultipliers(ctx, x, baselines, n, (r) => r, (r) => r, resolved, rules, max, (s, _e, m) => {
      for (let j = 0; j < m.length; j++) {
        const k = s * per + j;
        attr[k] = times ? (x.data[k]! - baselines.data[k]!) * m[j]! : m[j]!;
      }
    });
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < per; j++) sum += attr[i * per + j]!;
      delta[i] = sum - (targetValue(both, i, resolved, i) - targetValue(both, n + i, resolved, i));
    }
    return { attributions: { shape: [...x.shape], data: attr }, outputs: firstRows(both, n), target: resolved, delta };
  }

  /** Target known: f(x) from the gradient calls, f(x′) from forward calls on the (deduplicated) references. */
  private async knownTarget(ctx: ModelCaller, x: Tensor, baselines: Tensor, target: ResolvedTarget, options: DeepLiftOptions, max: number): Promise<CoreResult> {
    const n = x.shape[0]!;
    const per = x.data.length / n;
    const refRows = sharedBaseline(options.baselines, x.shape.length - 1) ? 1 : n;
    const refOut = await ctx.forwardRows(refRows, max, (s, e) => ({ shape: [e - s, ...x.shape.slice(1)], data: baselines.data.slice(s * per, e * per) }));
    const perOut = refOut.data.length / refRows;
    const outputs: Tensor = { shape: [n, ...refOut.shape.slice(1)], data: new Float32Array(n * perOut) };
    const rules = deepLiftRules(requireGraph(ctx.model, this.id), options.rule, options.eps ?? 1e-10);
    const times = options.multiplyByInputs ?? true;
    const attr = new Float32Array(n * per);
    await deepLiftMultipliers(ctx, x, baselines, n, (r) => r, (r) => r, target, rules, max, (s, _e, m, out) => {
      outputs.data.set(out.data, s * perOut);
      for (let j = 0; j < m.length; j++) {
        const k = s * per + j;
        attr[k] = times ? (x.data[k]! - baselines.data[k]!) * m[j]! : m[j]!;
      }
    });
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < per; j++) sum += attr[i * per + j]!;
      delta[i] = sum - (targetValue(outputs, i, target, i) - targetValue(refOut, refRows === 1 ? 0 : i, target, i));
    }
    return { attributions: { shape: [...x.shape], data: attr }, outputs, target, delta };
  }
}

/** A baseline every row shares: a number (or none) or one tensor without a batch dimension / with batch 1. */
function sharedBaseline(b: number | Tensor | undefined, inputRank: number): boolean {
  return b === undefined || typeof b === 'number' || b.shape.length === inputRank || b.shape[0] === 1;
}

/** METHODS entry `deeplift`: baselines 0, rule 'rescale'. */
export const deepliftMethod = ruleMethod('deeplift', 'DeepLIFT (rescale / reveal-cancel)', ['target', 'baselines', 'rule', 'internalBatchSize'], { baselines: 0, rule: 'rescale' }, (m, x, o) =>
  new DeepLift(m).attribute(x, { ...common(o), baselines: o.baselines, rule: o.rule }),
);

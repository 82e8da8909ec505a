/**
 * DeepLIFT-SHAP — Captum's `DeepLiftShap`: DeepLIFT against every baseline of a distribution
 * x′₁ … x′_B, averaged per example:
 *
 *   attr_i = (1/B) Σ_b (x_i − x′_b) ⊙ m(x_i; x′_b),   delta_i = Σ attr_i − (f(x_i) − (1/B) Σ_b f(x′_b))
 *
 * The N·B (example, baseline) pairs form one expanded batch, example-major (row i·B + b, as
 * Captum's repeat_interleave), chunked by `internalBatchSize`. Baselines: a tensor [B, ...inputShape]
 * (B ≥ 1; [...inputShape] is one baseline) or a number (a single constant baseline — plain DeepLIFT).
 * Rules, `rule`, `eps` and `multiplyByInputs` as DeepLift.
 *
 * Deviation from Captum: one delta per EXAMPLE (the mean of the per-pair deltas, since the
 * delta is linear), not one per (example, baseline) pair.
 *
 * Model calls: ⌈(N + B) / internalBatchSize⌉ forward calls on [x; baselines] and
 * ⌈N·B / internalBatchSize⌉ rule-modified gradient calls.
 */
import { common, ruleMethod } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { checkBatchSize, chunkCount, expandTarget, resolveBaselines, targetValue, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { firstRows, stackedRows, targetOrPredicted } from '../_utils/rows.js';
import { requireGraph } from '../_utils/requests.js';
import { checkDeepLiftOptions, deepLiftMultipliers, deepLiftRules, type DeepLiftOptions } from './deep-lift.js';

export type DeepLiftShapOptions = DeepLiftOptions;

/** The baseline distribution as [B, ...inputShape]. */
export function baselineDistribution(baselines: number | Tensor | undefined, inputShape: readonly number[]): Tensor {
  if (baselines === undefined || typeof baselines === 'number') return resolveBaselines(baselines, 1, inputShape);
  if (!baselines || !Array.isArray(baselines.shape) || !(baselines.data instanceof Float32Array)) {
    throw new InvalidArgumentError('baselines must be a number or a Tensor {shape, data: Float32Array}');
  }
  const s = baselines.shape;
  const same = (a: readonly number[]) => a.length === inputShape.length && a.every((d, i) => d === inputShape[i]);
  if (same(s)) return resolveBaselines(baselines, 1, inputShape);
  if (s.length === inputShape.length + 1 && s[0]! >= 1 && same(s.slice(1))) return resolveBaselines(baselines, s[0]!, inputShape);
  throw new ShapeError(`baselines have shape [${s.join(', ')}]; expected [B, ${inputShape.join(', ')}] or [${inputShape.join(', ')}]`);
}

export class DeepLiftShap extends GradientMethod<DeepLiftShapOptions> {
  readonly id = 'deeplift-shap';
  validateOptions(options: DeepLiftShapOptions): void {
    checkDeepLiftOptions(this.model, this.id, options);
    baselineDistribution(options.baselines, this.model.inputShape);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: DeepLiftShapOptions): number {
    const max = checkBatchSize(options.internalBatchSize);
    const b = baselineDistribution(options.baselines, this.model.inputShape).shape[0]!;
    return chunkCount(rows + b, max) + chunkCount(rows * b, max);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: DeepLiftShapOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const per = sizeOf(ctx.model.inputShape);
    const max = checkBatchSize(options.internalBatchSize);
    const base = baselineDistribution(options.baselines, ctx.model.inputShape);
    const B = base.shape[0]!;
    const all = await ctx.forwardRows(n + B, max, stackedRows([x.data, base.data], per, x.shape.slice(1)));
    const resolved = targetOrPredicted(target, firstRows(all, n));
    const rules = deepLiftRules(requireGraph(ctx.model, this.id), options.rule, options.eps ?? 1e-10);
    const times = options.multiplyByInputs ?? true;
    const rows = n * B;
    const acc = new Float64Array(n * per);
    await deepLiftMultipliers(
      ctx,
      x,
      base,
      rows,
      (r) => Math.floor(r / B),
      (r) => r % B,
      expandTarget(resolved, rows, (r) => Math.floor(r / B)),
      rules,
      max,
      (s, e, m) => {
        for (let r = s; r < e; r++) {
          const i = Math.floor(r / B);
          const b = r % B;
          const o = (r - s) * per;
          for (let j = 0; j < per; j++) {
            const v = m[o + j]!;
            acc[i * per + j] += times ? (x.data[i * per + j]! - base.data[b * per + j]!) * v : v;
          }
        }
      },
    );
    const attr = new Float32Array(n * per);
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < per; j++) {
        const v = acc[i * per + j]! / B;
        attr[i * per + j] = v;
        sum += v;
      }
      let fb = 0;
      for (let b = 0; b < B; b++) fb += targetValue(all, n + b, resolved, i);
      delta[i] = sum - (targetValue(all, i, resolved, i) - fb / B);
    }
    return { attributions: { shape: [...x.shape], data: attr }, outputs: firstRows(all, n), target: resolved, delta };
  }
}

/** METHODS entry `deeplift-shap`: baselines 0 (a tensor [B, ...] is the baseline distribution), rule 'rescale'. */
export const deepliftShapMethod = ruleMethod(
  'deeplift-shap',
  'DeepLIFT-SHAP (DeepLIFT averaged over a baseline distribution)',
  ['target', 'baselines', 'rule', 'internalBatchSize'],
  { baselines: 0, rule: 'rescale' },
  (m, x, o) => new DeepLiftShap(m).attribute(x, { ...common(o), baselines: o.baselines, rule: o.rule }),
);

/**
 * Integrated gradients (Sundararajan et al. 2017) — Captum's `IntegratedGradients` with
 * `multiply_by_inputs=True`:
 *
 *   attr = (x − x′) ⊙ Σₖ wₖ ∇f(x′ + αₖ (x − x′)),   delta = Σ attr − (f(x) − f(x′))
 *
 * for the target output, with (αₖ, wₖ) from `approximation.ts` (default 50-point Gauss–Legendre).
 * The steps × N scaled inputs form one expanded batch, step-major like Captum (row k·N + i), sent
 * in chunks of at most `internalBatchSize` rows (unset: `pathBatchSize`, at most 16,384 rows and
 * 2²² input values a call). Each chunk's points (and only its nodes) are built just before its
 * call and its gradients accumulated per example in float64 in step order, so memory does not
 * grow with steps and chunking never changes the result.
 *
 * Model calls: ⌈2N / internalBatchSize⌉ forward calls on [x; x′] (outputs, predicted-class
 * target, and f(x′) for the delta) and ⌈steps·N / internalBatchSize⌉ gradient calls.
 *
 * Deviations from Captum: the convergence delta is always returned (Captum: on request);
 * `internalBatchSize` counts rows, not whole steps (Captum rounds chunks to whole steps; results
 * are the same); float32 model I/O with float64 accumulation (the Captum figures in the fixtures
 * are float64).
 */
import { common, inputMethod, pathOptions, PATH_DEFAULTS } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { QUADRATURES, lazyQuadratureRule, type Quadrature } from '../_utils/approximation.js';
import { checkBatchSize, checkPositiveInt, chunkCount, expandedSeeds, resolveBaselines, targetValue, type CommonOptions, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { firstRows, stackedRows, targetOrPredicted } from '../_utils/rows.js';
import { accumulateWeighted, pathAttributions, pathBatchSize, PathSteps, scaledRows } from '../_utils/path.js';

export interface IntegratedGradientsOptions extends CommonOptions {
  /**
   * Reference input x′: a number (every element), or a tensor [N, ...inputShape] (per example),
   * [1, ...inputShape] or [...inputShape]. Default 0.
   */
  readonly baselines?: number | Tensor;
  /** Integration points (default 50). */
  readonly steps?: number;
  /** Default 'gausslegendre'. */
  readonly quadrature?: Quadrature;
}

export class IntegratedGradients extends GradientMethod<IntegratedGradientsOptions> {
  readonly id = 'integrated-gradients';

  validateOptions(options: IntegratedGradientsOptions): void {
    const steps = checkPositiveInt(options.steps, 'steps', 50);
    const q = options.quadrature ?? 'gausslegendre';
    if (!QUADRATURES.includes(q)) {
      throw new InvalidArgumentError(`unknown quadrature '${String(q)}'; expected one of ${QUADRATURES.join(', ')}`);
    }
    lazyQuadratureRule(q, steps); // validates; computes no node
    checkBatchSize(options.internalBatchSize);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: IntegratedGradientsOptions): number {
    const max = pathBatchSize(options.internalBatchSize, sizeOf(this.model.inputShape), this.model.maxRowsPerCall);
    return chunkCount(2 * rows, max) + chunkCount((options.steps ?? 50) * rows, max);
  }

  async run(
    ctx: ModelCaller,
    x: Tensor,
    target: ResolvedTarget | undefined,
    options: IntegratedGradientsOptions,
  ): Promise<CoreResult> {
    const n = x.shape[0]!;
    const baselines = resolveBaselines(options.baselines, n, ctx.model.inputShape);
    const steps = new PathSteps(options.quadrature ?? 'gausslegendre', options.steps ?? 50, n);
    return integratedGradients(ctx, x, baselines, target, steps, pathBatchSize(options.internalBatchSize, x.data.length / n, ctx.model.maxRowsPerCall));
  }
}

/** The IG computation on validated inputs; `baselines` is [N, ...inputShape]. */
export async function integratedGradients(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  target: ResolvedTarget | undefined,
  rule: PathSteps,
  maxRows: number,
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  const xd = x.data;
  const bd = baselines.data;

  // f(x) and f(x′) in one (chunked) forward pass over [x; x′].
  const both = await ctx.forwardRows(2 * n, maxRows, stackedRows([xd, bd], per, x.shape.slice(1)));
  const outputs = firstRows(both, n);
  const resolved = targetOrPredicted(target, outputs);

  const rows = rule.steps * n;
  // Row r = k·N + i (step-major): example r mod N at α_k, k = ⌊r / N⌋. Points, seeds and
  // nodes are made per chunk; gradients are reduced into `acc` in row order.
  const acc = new Float64Array(n * per);
  await ctx.gradientRows(
    rows,
    maxRows,
    (s, e) => scaledRows(x, baselines, rule, s, e),
    expandedSeeds(resolved, (r) => r % n),
    (s, e, res) => accumulateWeighted(acc, res.inputGradient.data, rule, n, per, s, e),
  );

  const { attr, delta } = pathAttributions(xd, bd, 0, acc, n, per, (i) => targetValue(both, i, resolved, i) - targetValue(both, n + i, resolved, i));
  return { attributions: { shape: [...x.shape], data: attr }, outputs, target: resolved, delta };
}

/** METHODS entry `integrated-gradients`: steps 50, quadrature 'gausslegendre', baselines 0 (Captum's). */
export const integratedGradientsMethod = inputMethod(
  'integrated-gradients',
  'Integrated Gradients',
  ['target', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
  PATH_DEFAULTS,
  (model, x, o) => new IntegratedGradients(model).attribute(x, { ...common(o), ...pathOptions(o) }),
);

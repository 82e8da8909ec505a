/**
 * LayerIntegratedGradients — Captum's `LayerIntegratedGradients` (multiply_by_inputs=True,
 * attribute_to_layer_input=False): integrated gradients of the target output with respect to a
 * layer's output, along the straight path in LAYER space between the layer's activation on the
 * baseline input, a′ = layer(x′), and on the input, a = layer(x):
 *
 *   attr = (a − a′) ⊙ Σₖ wₖ ∂F/∂layer |_{layer := a′ + αₖ (a − a′)},   delta = Σ attr − (f(x) − f(x′))
 *
 * The layer's output is overridden by the interpolated activation (the rest of the network is
 * fed the input x itself, as Captum's forward hook does), so gradients are taken with respect to
 * the layer. Rows are step-major (row k·N + i), chunked by `internalBatchSize` (unset:
 * `pathBatchSize`) and built per chunk from lazily computed nodes; accumulation is float64 in
 * step order, so memory does not grow with steps and chunking never changes the result.
 * Completeness holds up to the quadrature error: Σ attr ≈ f(x) − f(x′).
 *
 * Model calls: ⌈2N / internalBatchSize⌉ activation calls on [x; x′] (layer activations, outputs,
 * predicted-class target, f(x′)) and ⌈steps·N / internalBatchSize⌉ gradient calls.
 */
import { layerPathMethod } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { QUADRATURES, lazyQuadratureRule, type Quadrature } from '../_utils/approximation.js';
import { checkPositiveInt, chunkCount, chunkRanges, expandedSeeds, resolveBaselines, targetValue, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { firstRows, stackedRows, targetOrPredicted } from '../_utils/rows.js';
import { requestRows } from '../_utils/requests.js';
import { accumulateWeighted, pathAttributions, pathBatchSize, pathPoints, PathSteps } from '../_utils/path.js';
import { LayerMethod, RowStore, type LayerOptions } from './layer-common.js';

export interface LayerIntegratedGradientsOptions extends LayerOptions {
  /** Baseline input x′ (number, [N, ...], [1, ...] or [...inputShape]); default 0. */
  readonly baselines?: number | Tensor;
  /** Integration points (default 50). */
  readonly steps?: number;
  /** Default 'gausslegendre'. */
  readonly quadrature?: Quadrature;
}

export function checkPathOptions(options: { steps?: number; quadrature?: Quadrature }, minSteps = 1): void {
  const steps = checkPositiveInt(options.steps, 'steps', 50, minSteps);
  const q = options.quadrature ?? 'gausslegendre';
  if (!QUADRATURES.includes(q)) {
    throw new InvalidArgumentError(`unknown quadrature '${String(q)}'; expected one of ${QUADRATURES.join(', ')}`);
  }
  lazyQuadratureRule(q, steps); // validates; computes no node
}

/**
 * Layer activations and outputs on [x; x′] (2N rows, chunked): returns the activations a (first N
 * rows) and a′ (last N rows), all outputs, and the resolved target.
 */
export async function layerEndpoints(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  layer: string,
  maxRows: number,
  target: ResolvedTarget | undefined,
): Promise<{ acts: Tensor; both: Tensor; resolved: ResolvedTarget }> {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  const build = stackedRows([x.data, baselines.data], per, x.shape.slice(1));
  const acts = new RowStore(2 * n);
  const outs = new RowStore(2 * n);
  for (const [s, e] of chunkRanges(2 * n, maxRows)) {
    const res = await ctx.activations(build(s, e), [layer]);
    acts.put(s, res.layers[layer]!);
    outs.put(s, res.outputs);
  }
  const both = outs.tensor();
  return { acts: acts.tensor(), both, resolved: targetOrPredicted(target, firstRows(both, n)) };
}

export class LayerIntegratedGradients extends LayerMethod<LayerIntegratedGradientsOptions> {
  readonly id = 'layer-integrated-gradients';

  validateOptions(options: LayerIntegratedGradientsOptions): void {
    checkPathOptions(options);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: LayerIntegratedGradientsOptions): number {
    const max = pathBatchSize(options.internalBatchSize, sizeOf(this.model.inputShape), this.model.maxRowsPerCall);
    return chunkCount(2 * rows, max) + chunkCount((options.steps ?? 50) * rows, max);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: LayerIntegratedGradientsOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const per = x.data.length / n;
    const max = pathBatchSize(options.internalBatchSize, per, ctx.model.maxRowsPerCall);
    const layer = options.layer;
    const baselines = resolveBaselines(options.baselines, n, ctx.model.inputShape);
    const rule = new PathSteps(options.quadrature ?? 'gausslegendre', options.steps ?? 50, n);
    const { acts, both, resolved } = await layerEndpoints(ctx, x, baselines, layer, max, target);
    const lshape = acts.shape.slice(1);
    const lper = acts.data.length / (2 * n);
    const ad = acts.data;
    const rows = rule.steps * n;
    const acc = new Float64Array(n * lper);
    await requestRows(
      ctx,
      rows,
      max,
      (s, e) => {
        const data = new Float32Array((e - s) * per);
        for (let r = s; r < e; r++) data.set(x.data.subarray((r % n) * per, (r % n + 1) * per), (r - s) * per);
        return { shape: [e - s, ...x.shape.slice(1)], data };
      },
      expandedSeeds(resolved, (r) => r % n),
      (s, e) => ({
        layers: [layer],
        overrides: { [layer]: { shape: [e - s, ...lshape], data: pathPoints(ad, ad, n, n, lper, rule, s, e) } },
      }),
      (s, e, res) => accumulateWeighted(acc, res.layers[layer]!.gradient.data, rule, n, lper, s, e),
    );
    const { attr, delta } = pathAttributions(ad, ad, n, acc, n, lper, (i) => targetValue(both, i, resolved, i) - targetValue(both, n + i, resolved, i));
    return { attributions: { shape: [n, ...lshape], data: attr }, outputs: firstRows(both, n), target: resolved, delta };
  }
}

/** METHODS entry `layer-integrated-gradients`: `layer` required; steps 50, Gauss–Legendre, baselines 0. */
export const layerIntegratedGradientsMethod = layerPathMethod('layer-integrated-gradients', 'Layer integrated gradients', LayerIntegratedGradients);

/**
 * LayerConductance — Captum's `LayerConductance` (Dhamdhere et al. 2018; attribute_to_layer_input
 * = False): the flow of the target output through each unit of a layer along the input path
 * x′ + α (x − x′). As in Captum, the path is sampled at the n_steps + 1 nodes α₀ < … < α_steps of
 * the quadrature rule with steps + 1 points (default Gauss–Legendre), and the conductance sums
 * over consecutive nodes without quadrature weights:
 *
 *   attr = Σ_{k<steps} ∂F/∂layer(αₖ) ⊙ (layer(αₖ₊₁) − layer(αₖ)),   delta = Σ attr − (f(x) − f(x′))
 *
 * (Gauss–Legendre nodes exclude 0 and 1, so Σ attr ≈ F(α_steps) − F(α₀), not f(x) − f(x′): the
 * delta reports the gap, as in Captum.) Rows are step-major (row k·N + i) in chunks of
 * `internalBatchSize` (unset: `pathBatchSize`), built per chunk from lazily computed nodes; the
 * sum streams over steps in float64, so memory does not grow with steps and chunking never
 * changes results.
 *
 * Model calls: ⌈2N / internalBatchSize⌉ forward calls on [x; x′] and
 * ⌈(steps + 1)·N / internalBatchSize⌉ tapped gradient calls.
 */
import { layerPathMethod } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { chunkCount, expandedSeeds, resolveBaselines, targetValue, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { firstRows, stackedRows, targetOrPredicted } from '../_utils/rows.js';
import { requestRows } from '../_utils/requests.js';
import { pathBatchSize, PathSteps, scaledRows } from '../_utils/path.js';
import { LayerMethod, type LayerOptions } from './layer-common.js';
import { checkPathOptions, type LayerIntegratedGradientsOptions } from './layer-integrated-gradients.js';

export type LayerConductanceOptions = LayerIntegratedGradientsOptions;

export class LayerConductance extends LayerMethod<LayerConductanceOptions> {
  readonly id = 'layer-conductance';

  validateOptions(options: LayerConductanceOptions): void {
    checkPathOptions(options);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: LayerConductanceOptions): number {
    const max = pathBatchSize(options.internalBatchSize, sizeOf(this.model.inputShape), this.model.maxRowsPerCall);
    return chunkCount(2 * rows, max) + chunkCount(((options.steps ?? 50) + 1) * rows, max);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: LayerConductanceOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const baselines = resolveBaselines(options.baselines, n, ctx.model.inputShape);
    const per = x.data.length / n;
    const max = pathBatchSize(options.internalBatchSize, per, ctx.model.maxRowsPerCall);
    const both = await ctx.forwardRows(2 * n, max, stackedRows([x.data, baselines.data], per, x.shape.slice(1)));
    const resolved = targetOrPredicted(target, firstRows(both, n));
    const res = await conductanceSums(ctx, x, baselines, resolved, options, (lper) => ({
      size: lper,
      // Whole layer: the gradient and activation difference per unit.
      add: (acc, i, g, prev, cur) => {
        for (let j = 0; j < lper; j++) acc[i * lper + j] += g[j]! * (cur[j]! - prev[j]!);
      },
    }));
    const attr = Float32Array.from(res.acc);
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < res.size; j++) sum += attr[i * res.size + j]!;
      delta[i] = sum - (targetValue(both, i, resolved, i) - targetValue(both, n + i, resolved, i));
    }
    return { attributions: { shape: [n, ...res.layerShape], data: attr }, outputs: firstRows(both, n), target: resolved, delta };
  }
}

/** How one example's step k contributes: acc[i·size …] += f(g_k, a_k, a_{k+1}). */
export interface ConductanceAccumulator {
  readonly size: number;
  /** Example i: g = ∂F/∂layer at step k, prev / cur = layer activations at steps k and k + 1 (one layer row each). */
  add(acc: Float64Array, i: number, g: Float32Array, prev: Float32Array, cur: Float32Array): void;
}

/**
 * Streams the (steps + 1)·N tapped gradient rows of a conductance computation in step-major
 * order, keeping each example's previous activation and gradient, and calls the accumulator for
 * every consecutive pair. `makeAcc` receives the per-example layer size.
 */
export async function conductanceSums(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  resolved: ResolvedTarget,
  options: LayerOptions & { steps?: number; quadrature?: LayerConductanceOptions['quadrature'] },
  makeAcc: (layerSize: number) => ConductanceAccumulator,
): Promise<{ acc: Float64Array; size: number; layerShape: number[] }> {
  const n = x.shape[0]!;
  const max = pathBatchSize(options.internalBatchSize, x.data.length / n, ctx.model.maxRowsPerCall);
  const layer = options.layer;
  const steps = options.steps ?? 50;
  const alphas = new PathSteps(options.quadrature ?? 'gausslegendre', steps + 1, n);
  const rows = (steps + 1) * n;
  let acc = new Float64Array(0);
  let prevAct = new Float32Array(0);
  let prevGrad = new Float32Array(0);
  let size = 0;
  let layerShape: number[] = [];
  let accumulator: ConductanceAccumulator | undefined;
  await requestRows(
    ctx,
    rows,
    max,
    (s, e) => scaledRows(x, baselines, alphas, s, e),
    expandedSeeds(resolved, (r) => r % n),
    () => ({ layers: [layer] }),
    (s, e, res) => {
      const tap = res.layers[layer]!;
      if (!accumulator) {
        layerShape = tap.activation.shape.slice(1) as number[];
        size = tap.activation.data.length / (e - s);
        accumulator = makeAcc(size);
        acc = new Float64Array(n * accumulator.size);
        prevAct = new Float32Array(n * size);
        prevGrad = new Float32Array(n * size);
      }
      const act = tap.activation.data;
      const grad = tap.gradient.data;
      for (let r = s; r < e; r++) {
        const k = Math.floor(r / n);
        const i = r % n;
        const o = (r - s) * size;
        const cur = act.subarray(o, o + size);
        const row = [i * size, (i + 1) * size] as const;
        if (k > 0) accumulator.add(acc, i, prevGrad.subarray(...row), prevAct.subarray(...row), cur);
        prevAct.set(cur, i * size);
        prevGrad.set(grad.subarray(o, o + size), i * size);
      }
    },
  );
  return { acc, size, layerShape };
}

/** METHODS entry `layer-conductance`: `layer` required; steps 50, Gauss–Legendre, baselines 0. */
export const layerConductanceMethod = layerPathMethod('layer-conductance', 'Layer conductance', LayerConductance);

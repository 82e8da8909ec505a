/**
 * NeuronIntegratedGradients — Captum's `NeuronIntegratedGradients` (multiply_by_inputs=True):
 * integrated gradients of one neuron a_j of a layer with respect to the input,
 *
 *   attr = (x − x′) ⊙ Σₖ wₖ ∂a_j/∂x (x′ + αₖ (x − x′)),   delta = Σ attr − (a_j(x) − a_j(x′))
 *
 * (Captum returns no delta; ours reports completeness for the neuron.) Step-major rows, chunked
 * by `internalBatchSize`, float64 accumulation; no target (`targets` −1).
 *
 * Model calls: ⌈2N / internalBatchSize⌉ activation calls on [x; x′] and
 * ⌈steps·N / internalBatchSize⌉ gradient calls with the neuron-output canonizer.
 */
import { neuronMethod, pathOptions, PATH_DEFAULTS } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import type { Quadrature } from '../_utils/approximation.js';
import { chunkCount, resolveBaselines, type ModelCaller } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { firstRows } from '../_utils/rows.js';
import { requestRows } from '../_utils/requests.js';
import { noTarget } from '../layer/layer-common.js';
import { checkPathOptions, layerEndpoints } from '../layer/layer-integrated-gradients.js';
import { accumulateWeighted, pathAttributions, pathBatchSize, PathSteps, scaledRows } from '../_utils/path.js';
import { NeuronMethod, type NeuronOptions } from './neuron-common.js';
import { neuronSeed } from './neuron-gradient.js';

export interface NeuronIntegratedGradientsOptions extends Omit<NeuronOptions, 'target'> {
  readonly baselines?: number | Tensor;
  /** Default 50. */
  readonly steps?: number;
  /** Default 'gausslegendre'. */
  readonly quadrature?: Quadrature;
}

export class NeuronIntegratedGradients extends NeuronMethod<NeuronIntegratedGradientsOptions & NeuronOptions> {
  readonly id = 'neuron-integrated-gradients';

  protected override validateMore(options: NeuronIntegratedGradientsOptions): void {
    checkPathOptions(options);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: NeuronIntegratedGradientsOptions): number {
    const max = pathBatchSize(options.internalBatchSize, sizeOf(this.model.inputShape), this.model.maxRowsPerCall);
    return chunkCount(2 * rows, max) + chunkCount((options.steps ?? 50) * rows, max);
  }

  async run(ctx: ModelCaller, x: Tensor, _target: unknown, options: NeuronIntegratedGradientsOptions & NeuronOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const per = x.data.length / n;
    const max = pathBatchSize(options.internalBatchSize, per, ctx.model.maxRowsPerCall);
    const { canonizer, flat, layerSize } = this.neuronOf(ctx.model, options);
    const baselines = resolveBaselines(options.baselines, n, ctx.model.inputShape);
    const rule = new PathSteps(options.quadrature ?? 'gausslegendre', options.steps ?? 50, n);
    const { acts, both } = await layerEndpoints(ctx, x, baselines, options.layer, max, noTarget(n));
    const rows = rule.steps * n;
    const acc = new Float64Array(n * per);
    await requestRows(ctx, rows, max, (s, e) => scaledRows(x, baselines, rule, s, e), (s, e) => neuronSeed(e - s), () => ({ canonizers: [canonizer] }), (s, e, res) =>
      accumulateWeighted(acc, res.inputGradient.data, rule, n, per, s, e),
    );
    const { attr, delta } = pathAttributions(x.data, baselines.data, 0, acc, n, per, (i) => acts.data[i * layerSize + flat]! - acts.data[(n + i) * layerSize + flat]!);
    return { attributions: { shape: [...x.shape], data: attr }, outputs: firstRows(both, n), target: noTarget(n), delta };
  }
}

/** METHODS entry `neuron-integrated-gradients`: `layer` and `neuron` required; steps 50, Gauss–Legendre, baselines 0. */
export const neuronIntegratedGradientsMethod = neuronMethod(
  'neuron-integrated-gradients',
  'Neuron integrated gradients',
  ['layer', 'neuron', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
  PATH_DEFAULTS,
  (m, x, o) =>
    new NeuronIntegratedGradients(m).attribute(x, {
      signal: o.signal,
      onProgress: o.onProgress,
      internalBatchSize: o.internalBatchSize,
      ...pathOptions(o),
      layer: o.layer!,
      neuron: o.neuron!,
    }),
);

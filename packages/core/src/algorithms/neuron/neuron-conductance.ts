/**
 * NeuronConductance — Captum's `NeuronConductance` (multiply_by_inputs=True): the flow of the
 * target output through one neuron a_j of a layer, per input element:
 *
 *   attr = (x − x′) ⊙ Σₖ wₖ · ∂F/∂a_j(αₖ) · ∂a_j/∂x(αₖ)      at x′ + αₖ (x − x′)
 *
 * with Captum's `steps` quadrature nodes and weights (default 50-point Gauss–Legendre). Summed
 * over the inputs it approximates the neuron's layer conductance. Each chunk of step-major rows
 * takes two gradient calls: the target's, tapping the layer (∂F/∂a_j), and the neuron's (∂a_j/∂x,
 * with the neuron-output canonizer). No delta (as Captum).
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls (outputs, predicted-class target) and
 * 2·⌈steps·N / internalBatchSize⌉ gradient calls.
 */
import { common, neuronMethod, pathOptions, PATH_DEFAULTS } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { chunkCount, chunkRanges, expandedSeeds, resolveBaselines, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { sliceRows, targetOrPredicted } from '../_utils/rows.js';
import { checkPathOptions } from '../layer/layer-integrated-gradients.js';
import { NeuronMethod, type NeuronOptions } from './neuron-common.js';
import { neuronSeed } from './neuron-gradient.js';
import type { NeuronIntegratedGradientsOptions } from './neuron-integrated-gradients.js';
import { pathBatchSize, PathSteps, scaledRows } from '../_utils/path.js';

export type NeuronConductanceOptions = NeuronIntegratedGradientsOptions & NeuronOptions;

export class NeuronConductance extends NeuronMethod<NeuronConductanceOptions> {
  readonly id = 'neuron-conductance';

  protected override validateMore(options: NeuronConductanceOptions): void {
    checkPathOptions(options);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: NeuronConductanceOptions): number {
    const max = pathBatchSize(options.internalBatchSize, sizeOf(this.model.inputShape), this.model.maxRowsPerCall);
    return chunkCount(rows, max) + 2 * chunkCount((options.steps ?? 50) * rows, max);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: NeuronConductanceOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const per = x.data.length / n;
    const max = pathBatchSize(options.internalBatchSize, per, ctx.model.maxRowsPerCall);
    const { canonizer, flat, layerSize } = this.neuronOf(ctx.model, options);
    const baselines = resolveBaselines(options.baselines, n, ctx.model.inputShape);
    const rule = new PathSteps(options.quadrature ?? 'gausslegendre', options.steps ?? 50, n);
    const outputs = await ctx.forwardRows(n, max, (s, e) => sliceRows(x, s, e));
    const resolved = targetOrPredicted(target, outputs);
    const rows = rule.steps * n;
    const rowSeeds = expandedSeeds(resolved, (r) => r % n);
    const acc = new Float64Array(n * per);
    for (const [s, e] of chunkRanges(rows, max)) {
      const xs = scaledRows(x, baselines, rule, s, e);
      const outer = await ctx.request(xs, { seed: rowSeeds(s, e), layers: [options.layer] });
      const inner = await ctx.request(xs, { seed: neuronSeed(e - s), canonizers: [canonizer] });
      const dF = outer.layers[options.layer]!.gradient.data;
      const g = inner.inputGradient.data;
      for (let r = s; r < e; r++) {
        const i = r % n;
        const c = rule.weight(r) * dF[(r - s) * layerSize + flat]!;
        const o = (r - s) * per;
        for (let j = 0; j < per; j++) acc[i * per + j] += c * g[o + j]!;
      }
    }
    const attr = new Float32Array(n * per);
    for (let k = 0; k < attr.length; k++) attr[k] = (x.data[k]! - baselines.data[k]!) * acc[k]!;
    return { attributions: { shape: [...x.shape], data: attr }, outputs, target: resolved };
  }
}

/** METHODS entry `neuron-conductance`: `layer` and `neuron` required; steps 50, Gauss–Legendre, baselines 0. */
export const neuronConductanceMethod = neuronMethod(
  'neuron-conductance',
  'Neuron conductance',
  ['target', 'layer', 'neuron', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
  PATH_DEFAULTS,
  (m, x, o) => new NeuronConductance(m).attribute(x, { ...common(o), ...pathOptions(o), layer: o.layer!, neuron: o.neuron! }),
);

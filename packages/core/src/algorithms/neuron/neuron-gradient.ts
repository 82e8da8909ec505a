/**
 * NeuronGradient — Captum's `NeuronGradient`: ∂a_j/∂x, the gradient of one neuron of a layer's
 * output (per example; `neuron` = flat index or multi-index into [...layerShape]) with respect to
 * the input, [N, ...inputShape]. Computed with the neuron-output canonizer (neuron-common.ts).
 * No target: `targets` is −1 per example.
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls (model outputs) and as many gradient calls.
 */
import { neuronMethod } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { checkBatchSize, chunkCount, type ModelCaller } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { sliceRows } from '../_utils/rows.js';
import { requestRows } from '../_utils/requests.js';
import { noTarget, RowStore } from '../layer/layer-common.js';
import { NeuronMethod, type NeuronOptions } from './neuron-common.js';

export type NeuronGradientOptions = Omit<NeuronOptions, 'target'>;

export function neuronSeed(rows: number): { kind: 'index'; indices: number[] } {
  return { kind: 'index', indices: new Array<number>(rows).fill(0) };
}

export class NeuronGradient extends NeuronMethod<NeuronGradientOptions & NeuronOptions> {
  readonly id = 'neuron-gradient';

  plannedCalls(rows: number, _resolveTarget: boolean, options: NeuronGradientOptions): number {
    return 2 * chunkCount(rows, checkBatchSize(options.internalBatchSize));
  }

  async run(ctx: ModelCaller, x: Tensor, _target: unknown, options: NeuronGradientOptions & NeuronOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const max = checkBatchSize(options.internalBatchSize);
    const { canonizer } = this.neuronOf(ctx.model, options);
    const outputs = await ctx.forwardRows(n, max, (s, e) => sliceRows(x, s, e));
    const attr = new RowStore(n);
    await requestRows(ctx, n, max, (s, e) => sliceRows(x, s, e), neuronSeed(n), () => ({ canonizers: [canonizer] }), (s, _e, res) =>
      attr.put(s, res.inputGradient),
    );
    return { attributions: attr.tensor(), outputs, target: noTarget(n) };
  }
}

/** METHODS entry `neuron-gradient`: `layer` and `neuron` (flat index or multi-index into the layer's per-example output) required. */
export const neuronGradientMethod = neuronMethod('neuron-gradient', 'Neuron gradient', ['layer', 'neuron', 'internalBatchSize'], {}, (m, x, o) =>
  new NeuronGradient(m).attribute(x, { signal: o.signal, onProgress: o.onProgress, internalBatchSize: o.internalBatchSize, layer: o.layer!, neuron: o.neuron! }),
);

/**
 * LayerActivation — Captum's `LayerActivation` (attribute_to_layer_input=False): the layer's
 * output for each example, [N, ...layerShape]. Needs capability 'layers' only (no gradients).
 *
 * Model calls: ⌈N / internalBatchSize⌉ activation calls. No target: `targets` is −1 per example.
 */
import { spec } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { checkBatchSize, chunkCount, chunkRanges, type ModelCaller } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { sliceRows } from '../_utils/rows.js';
import { LayerMethod, noTarget, RowStore, type LayerOptions } from './layer-common.js';

export type LayerActivationOptions = Omit<LayerOptions, 'target'>;

export class LayerActivation extends LayerMethod<LayerActivationOptions> {
  readonly id = 'layer-activation';
  protected override readonly usesGradients = false;

  validateOptions(): void {}

  plannedCalls(rows: number, _resolveTarget: boolean, options: LayerActivationOptions): number {
    return chunkCount(rows, checkBatchSize(options.internalBatchSize));
  }

  async run(ctx: ModelCaller, x: Tensor, _target: unknown, options: LayerActivationOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const acts = new RowStore(n);
    const outs = new RowStore(n);
    for (const [s, e] of chunkRanges(n, checkBatchSize(options.internalBatchSize))) {
      const res = await ctx.activations(sliceRows(x, s, e), [options.layer]);
      acts.put(s, res.layers[options.layer]!);
      outs.put(s, res.outputs);
    }
    return { attributions: acts.tensor(), outputs: outs.tensor(), target: noTarget(n) };
  }
}

/** METHODS entry `layer-activation`: `layer` required; needs only `{ layers: true }` (no gradients). */
export const layerActivationMethod = spec('layer-activation', 'Layer activation', { layers: true }, ['layer', 'internalBatchSize'], {}, (m, x, o) =>
  new LayerActivation(m).attribute(x, { signal: o.signal, onProgress: o.onProgress, internalBatchSize: o.internalBatchSize, layer: o.layer! }),
);

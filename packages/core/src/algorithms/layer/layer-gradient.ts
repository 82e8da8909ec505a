/**
 * LayerGradient: ∂F/∂layer, the gradient of the target output with respect to a layer's output,
 * [N, ...layerShape] (Captum: `LayerGradientXActivation(multiply_by_inputs=False)`).
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls if the target is the predicted class, then
 * ⌈N / internalBatchSize⌉ gradient calls with a tap on the layer.
 */
import { common, layerMethod } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { checkBatchSize, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { resolveTargetRows, sliceRows } from '../_utils/rows.js';
import { requestRows } from '../_utils/requests.js';
import { LayerMethod, RowStore, targetPlusChunks, type LayerOptions } from './layer-common.js';

export type LayerGradientOptions = LayerOptions;

export class LayerGradient extends LayerMethod<LayerGradientOptions> {
  readonly id: string = 'layer-gradient';
  /** Multiply by the activation (LayerGradientXActivation). */
  protected readonly times: boolean = false;

  validateOptions(): void {}

  plannedCalls(rows: number, resolveTarget: boolean, options: LayerGradientOptions): number {
    return targetPlusChunks(rows, resolveTarget, options.internalBatchSize);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: LayerGradientOptions): Promise<CoreResult> {
    return layerGradients(ctx, x, target, options, this.times);
  }
}

/** ∂F/∂layer (times = false) or activation ⊙ ∂F/∂layer (times = true), per example. */
export async function layerGradients(
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  options: LayerOptions,
  times: boolean,
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const max = checkBatchSize(options.internalBatchSize);
  const resolved = await resolveTargetRows(ctx, x, target, max);
  const layer = options.layer;
  const attr = new RowStore(n);
  const outs = new RowStore(n);
  await requestRows(
    ctx,
    n,
    max,
    (s, e) => sliceRows(x, s, e),
    resolved,
    () => ({ layers: [layer] }),
    (s, _e, res) => {
      const tap = res.layers[layer]!;
      const g = tap.gradient;
      if (times) {
        const d = new Float32Array(g.data.length);
        for (let i = 0; i < d.length; i++) d[i] = g.data[i]! * tap.activation.data[i]!;
        attr.put(s, { shape: g.shape, data: d });
      } else attr.put(s, g);
      outs.put(s, res.outputs);
    },
  );
  return { attributions: attr.tensor(), outputs: outs.tensor(), target: resolved };
}

/** METHODS entry `layer-gradient`: `layer` required; attributions have the layer's shape. */
export const layerGradientMethod = layerMethod('layer-gradient', 'Layer gradient', ['target', 'layer', 'internalBatchSize'], {}, (m, x, o) =>
  new LayerGradient(m).attribute(x, { ...common(o), layer: o.layer! }),
);

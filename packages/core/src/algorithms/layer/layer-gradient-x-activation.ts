/**
 * LayerGradientXActivation — Captum's `LayerGradientXActivation` (multiply_by_inputs=True):
 * layer activation ⊙ ∂F/∂layer, [N, ...layerShape].
 *
 * Model calls: as LayerGradient (one tapped gradient call per chunk, plus a forward pass for the
 * predicted-class target).
 */
import { common, layerMethod } from '../_utils/method-entries.js';
import { LayerGradient, type LayerGradientOptions } from './layer-gradient.js';

export type LayerGradientXActivationOptions = LayerGradientOptions;

export class LayerGradientXActivation extends LayerGradient {
  override readonly id: string = 'layer-gradient-x-activation';
  protected override readonly times: boolean = true;
}

/** METHODS entry `layer-gradient-x-activation`: `layer` required; attributions have the layer's shape. */
export const layerGradientXActivationMethod = layerMethod(
  'layer-gradient-x-activation',
  'Layer gradient × activation',
  ['target', 'layer', 'internalBatchSize'],
  {},
  (m, x, o) => new LayerGradientXActivation(m).attribute(x, { ...common(o), layer: o.layer! }),
);

/**
 * Guided Grad-CAM (Selvaraju et al. 2017) — Captum's `GuidedGradCam`: guided backpropagation
 * times the Grad-CAM map of `layer` resized to the input (default 'nearest', as Captum's
 * interpolate_mode), broadcast over the input's channels:
 *
 *   attr[c, h, w] = GuidedBackprop(x)[c, h, w] · upsample(cam)[h, w]
 *
 * Captum's GuidedGradCam applies no ReLU to the map unless asked (`relu`, default false here as
 * in LayerGradCam's relu_attributions). Input and layer in the same layout (see GradCam).
 * Needs 'gradients', 'layers', 'rules' and `model.graph`.
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls if the target is the predicted class, then
 * 2·⌈N / internalBatchSize⌉ gradient calls (tapped, and rule-modified).
 */
import { common, spec } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { checkBatchSize, chunkCount, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { targetCalls } from '../_utils/rows.js';
import { gradCam, GradCam, type GradCamOptions } from '../layer/grad-cam.js';
import { reluRules, ruleGradients } from './guided-backprop.js';
import { requireGraph, requireRules } from '../_utils/requests.js';
import { guidedReluRule } from '../../rules/rule.js';
import { InvalidArgumentError } from '../../errors.js';

export type GuidedGradCamOptions = Omit<GradCamOptions, 'attributeToLayer'>;

export class GuidedGradCam extends GradCam {
  override readonly id: string = 'guided-grad-cam';

  override validateOptions(options: GuidedGradCamOptions & { attributeToLayer?: boolean }): void {
    if (options.attributeToLayer) throw new InvalidArgumentError('guided-grad-cam attributes to the input; attributeToLayer is not available');
    requireRules(this.model, this.id);
    requireGraph(this.model, this.id);
    super.validateOptions(options);
  }

  override plannedCalls(rows: number, resolveTarget: boolean, options: GuidedGradCamOptions): number {
    const max = checkBatchSize(options.internalBatchSize);
    return targetCalls(rows, resolveTarget, max) + 2 * chunkCount(rows, max);
  }

  override async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: GuidedGradCamOptions): Promise<CoreResult> {
    const cam = await gradCam(ctx, x, target, { ...options, attributeToLayer: false });
    const guided = await ruleGradients(ctx, x, cam.target, reluRules(ctx.model, guidedReluRule, this.id), options.internalBatchSize);
    const n = x.shape[0]!;
    const per = x.data.length / n;
    const shape = x.shape.slice(1);
    const channels = cam.layout === 'NCHW' ? shape[0]! : shape[shape.length - 1]!;
    const plane = per / channels;
    const g = guided.attributions.data;
    const m = cam.attributions.data;
    const out = new Float32Array(g.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < per; j++) {
        const p = cam.layout === 'NCHW' ? j % plane : Math.floor(j / channels);
        out[i * per + j] = g[i * per + j]! * m[i * plane + p]!;
      }
    }
    return { attributions: { shape: [...x.shape], data: out }, outputs: cam.outputs, target: cam.target };
  }
}

/** METHODS entry `guided-grad-cam`: `layer` required; relu false, interpolation 'nearest'. */
export const guidedGradCamMethod = spec(
  'guided-grad-cam',
  'Guided Grad-CAM',
  { gradients: true, layers: true, rules: true },
  ['target', 'layer', 'relu', 'interpolation', 'internalBatchSize'],
  { relu: false, interpolation: 'nearest' },
  (m, x, o) => new GuidedGradCam(m).attribute(x, { ...common(o), layer: o.layer!, relu: o.relu, interpolation: o.interpolation }),
);

/**
 * LIME (Local Interpretable Model-agnostic Explanations) for tabular data, images and text:
 * see lime/surrogate.ts (the shared engine), lime/tabular.ts, lime/image.ts and lime/text.ts.
 *
 * Differences from Captum's Lime (0.8), which is a generic engine with user-supplied
 * perturbation, similarity and interpretable model (defaults: Bernoulli masks over the feature
 * mask replaced by baselines, exponential cosine-distance kernel of width 1, a Lasso α = 0.01
 * surrogate): these explainers follow the `lime` package's explainers (tabular quartile
 * discretisation and training statistics, superpixels with a hide colour, token masking), fit a
 * ridge α = 1 surrogate, include the unperturbed instance as sample 0, and report intercept,
 * weighted R² and the local prediction besides the coefficients.
 *
 * `limeForModel` picks the variant for the METHODS registry from the input rank: images
 * ([H, W], [H, W, C], [C, H, W]) → LimeImage (hide colour = a numeric baseline, default 0);
 * 1-D inputs with a baseline tensor [T, F] → LimeTabular with those rows as training data;
 * other 1-D inputs → feature masking (LimeText over [F]: switched-off features take the numeric
 * baseline, default 0).
 */
import { forwardMethod, perturbationCommon } from '../_utils/method-entries.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { LimeCommonOptions, LimeResult } from './lime/surrogate.js';
import { LimeImage } from './lime/image.js';
import { LimeTabular } from './lime/tabular.js';
import { LimeText } from './lime/text.js';

export { type LimeCommonOptions, type LimeResult, type FeatureSelection } from './lime/surrogate.js';
export { LimeTabular, LIME_TABULAR_DEFAULTS, tabularStats, type LimeTabularOptions, type TabularStats } from './lime/tabular.js';
export { LimeImage, LIME_IMAGE_DEFAULTS, imageGeometry, type LimeImageOptions, type LimeImageResult, type HideColor, type ImageLayout } from './lime/image.js';
export { LimeText, LIME_TEXT_DEFAULTS, type LimeTextOptions } from './lime/text.js';

/** The registry's choice of LIME variant (see the file comment). */
export function limeForModel(model: Model, x: Tensor, baselines: number | Tensor | undefined, common: LimeCommonOptions): Promise<LimeResult> {
  const rank = model.inputShape.length;
  if (rank >= 2) {
    if (baselines !== undefined && typeof baselines !== 'number') {
      throw new InvalidArgumentError('LIME for images takes a numeric baseline (the hide colour), not a tensor');
    }
    return new LimeImage(model).attribute(x, { ...common, hideColor: baselines ?? 0 });
  }
  if (baselines !== undefined && typeof baselines !== 'number') {
    const t = baselines.shape.length === 1 ? { shape: [1, ...baselines.shape], data: baselines.data } : baselines;
    return new LimeTabular(model).attribute(x, { ...common, trainingData: t });
  }
  return new LimeText(model).attribute(x, { ...common, maskValue: baselines ?? 0 });
}

/**
 * METHODS entry `lime`: forward-only; the variant follows the input (`limeForModel`): images →
 * LimeImage (SLIC, hide colour = numeric baseline, 1000 samples), 1-D with a baseline tensor
 * [T, F] → LimeTabular (training data; 5000 samples), else feature masking (1000 samples); seed 0.
 */
export const limeMethod = forwardMethod(
  'lime',
  'LIME (tabular / image superpixels / feature masking)',
  ['target', 'baselines', 'samples', 'seed', 'perturbationsPerEval', 'internalBatchSize'],
  { baselines: 0, samples: 'image 1000, tabular 5000, masking 1000', seed: 0 },
  (model, x, o) => limeForModel(model, x, o.baselines, { ...perturbationCommon(o), nSamples: o.samples, seed: o.seed }),
);

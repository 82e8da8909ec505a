/**
 * Control "explainers" that ignore the model (Adebayo et al. 2018, "Sanity checks for saliency
 * maps"): a metric that scores them as well as a real method does not measure faithfulness to the
 * model. `evaluate` lists them as control rows; the randomisation tests use the edge detector as the
 * map that must NOT change when the model's weights are randomised.
 */
import type { Tensor } from '../../tensor.js';
import { sizeOf } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import type { Explainer } from './metric-spec.js';

/** Where an image input keeps its channels. */
export type ImageLayout = 'NHWC' | 'NCHW';

/**
 * The layout an image input shape suggests: [H, W, C] with C ≤ 4 is NHWC, [C, H, W] with C ≤ 4 is
 * NCHW; a rank-2 shape [H, W] is one channel. Otherwise (not an image) an InvalidArgumentError.
 */
export function imageDims(inputShape: readonly number[], layout?: ImageLayout): { h: number; w: number; c: number; layout: ImageLayout } {
  if (inputShape.length === 2) return { h: inputShape[0]!, w: inputShape[1]!, c: 1, layout: 'NHWC' };
  if (inputShape.length !== 3) throw new InvalidArgumentError(`an image input has shape [H, W, C] or [C, H, W]; this model's input is [${inputShape.join(', ')}]`);
  const [a, b, c] = inputShape as [number, number, number];
  const l = layout ?? (c <= 4 ? 'NHWC' : a <= 4 ? 'NCHW' : undefined);
  if (!l) throw new InvalidArgumentError(`cannot tell the channel axis of input [${inputShape.join(', ')}]: pass layout 'NHWC' or 'NCHW'`);
  return l === 'NHWC' ? { h: a, w: b, c, layout: l } : { h: b, w: c, c: a, layout: l };
}

/**
 * The Sobel gradient magnitude of each input image, summed over channels and copied to every channel
 * (an edge detector: a map that looks plausible and knows nothing of the model).
 */
export function edgeMaps(x: Tensor, inputShape: readonly number[], layout?: ImageLayout): Tensor {
  const { h, w, c, layout: l } = imageDims(inputShape, layout);
  const size = sizeOf(inputShape);
  const n = x.shape[0]!;
  const out = new Float32Array(n * size);
  const at = (base: number, y: number, xx: number, ch: number): number => {
    const yy = Math.min(h - 1, Math.max(0, y));
    const xc = Math.min(w - 1, Math.max(0, xx));
    return x.data[base + (l === 'NHWC' ? (yy * w + xc) * c + ch : (ch * h + yy) * w + xc)]!;
  };
  for (let i = 0; i < n; i++) {
    const base = i * size;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let mag = 0;
        for (let ch = 0; ch < c; ch++) {
          const gx = at(base, y - 1, xx + 1, ch) + 2 * at(base, y, xx + 1, ch) + at(base, y + 1, xx + 1, ch) - at(base, y - 1, xx - 1, ch) - 2 * at(base, y, xx - 1, ch) - at(base, y + 1, xx - 1, ch);
          const gy = at(base, y + 1, xx - 1, ch) + 2 * at(base, y + 1, xx, ch) + at(base, y + 1, xx + 1, ch) - at(base, y - 1, xx - 1, ch) - 2 * at(base, y - 1, xx, ch) - at(base, y - 1, xx + 1, ch);
          mag += Math.hypot(gx, gy);
        }
        for (let ch = 0; ch < c; ch++) out[base + (l === 'NHWC' ? (y * w + xx) * c + ch : (ch * h + y) * w + xx)] = mag;
      }
    }
  }
  return { shape: [n, ...inputShape], data: out };
}

/** The edge-detector control: `edgeMaps` of the input, whatever the model. */
export function edgeExplainer(layout?: ImageLayout): Explainer {
  return async (model, x) => edgeMaps(x, model.inputShape, layout);
}

/**
 * The random control: i.i.d. uniform [0, 1) maps from `seed` (the same seed and call order give the
 * same maps), whatever the model and input.
 */
export function randomExplainer(seed = 0): Explainer {
  const rng = createRng(seed);
  return async (model, x) => {
    const size = sizeOf(model.inputShape);
    const n = x.shape[0]!;
    return { shape: [n, ...model.inputShape], data: Float32Array.from({ length: n * size }, () => rng.uniform()) };
  };
}

/**
 * Pixel flipping: deletion and insertion curves (Bach et al. 2015 / Samek et al. 2017, "Evaluating
 * the visualization of what a deep neural network has learned"; Petsiuk et al. 2018, RISE;
 * Quantus `PixelFlipping`, `RegionPerturbation`).
 *
 * Features (input elements, or the groups of `featureMask`: superpixels, patches) are ranked by
 * their summed attribution (|sum| with `absolute`), MoRF = most relevant first, LeRF = least
 * relevant first; ties keep the lower group id first. With F features and `steps` S, point k = 0…S
 * of a curve has the first ⌊k·F/S⌋ ranked features changed, at x = k/S:
 *   - deletion: x with those features set to the baseline (`baseline`, default 0);
 *   - insertion: the baseline (or, with `insertionStart: 'blur'`, a Gaussian blur of x with σ =
 *     `blurSigma` pixels, RISE's start) with those features copied from x.
 * y = the explained output (the target's raw output; with `softmax`, its softmax probability —
 * for a model whose last op is a softmax the raw output already is the probability).
 * Scores: the area under the curve by the trapezoid rule over [0, 1]:
 *   - 'deletion'  = AUC of the MoRF deletion curve (lower is better: the output falls fast);
 *   - 'insertion' = AUC of the MoRF insertion curve (higher is better);
 *   - 'morf-lerf' = AUC(LeRF deletion) − AUC(MoRF deletion), Samek et al.'s area between the
 *     perturbation curves (ABPC; higher is better).
 * Differences from Quantus: one forward row per point (Quantus `features_in_step` is ⌈F/S⌉ here),
 * AUC over x ∈ [0, 1] rather than over the step index, no normalisation of the attributions.
 */
import type { Tensor } from '../../../tensor.js';
import { InvalidArgumentError } from '../../../errors.js';
import { resolveFeatureMask, type FeatureMaskInput } from '../../_utils/perturbation/feature-mask.js';
import { imageDims, type ImageLayout } from '../../_utils/control-explainers.js';
import { metricSpec, meanOf, type MetricCurve, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { boolOption, evaluateMetricRows, groupOrder, intOption, metricContext, numberOption, trapezoid, resolveMetricBaseline, type MetricBaseline } from '../../_utils/metric-forward.js';

export interface PixelFlippingOptions extends MetricOptions {
  /** Points per curve − 1 (x = 0, 1/steps, …, 1). Default 100. */
  readonly steps?: number;
  /** Value of removed features (deletion) and of the insertion start: a number or a tensor like x's rows. Default 0. */
  readonly baseline?: MetricBaseline;
  /** Groups of elements moved together (superpixels); as the perturbation methods take it. */
  readonly featureMask?: FeatureMaskInput;
  /** Rank by |summed attribution|. Default false (signed: most positive first). */
  readonly absolute?: boolean;
  /** Read the target through a softmax of the output. Default false. */
  readonly softmax?: boolean;
  /** Insertion starts from the baseline or from a blur of x. Default 'baseline'. */
  readonly insertionStart?: 'baseline' | 'blur';
  /** σ in pixels of the insertion blur. Default 5 (RISE). */
  readonly blurSigma?: number;
  /** Image layout for the blur (guessed from the input shape when absent). */
  readonly layout?: ImageLayout;
}

export type FlipKind = 'deletion' | 'insertion';
export type FlipOrder = 'morf' | 'lerf';

/** Separable Gaussian blur of each image of x (edges clamped); σ = 0 returns a copy. */
export function pixelFlippingBlur(x: Tensor, inputShape: readonly number[], sigma: number, layout?: ImageLayout): Float32Array {
  const { h, w, c, layout: l } = imageDims(inputShape, layout);
  const out = Float32Array.from(x.data);
  if (sigma === 0) return out;
  const rad = Math.ceil(3 * sigma);
  const k = Float64Array.from({ length: 2 * rad + 1 }, (_, t) => Math.exp(-((t - rad) ** 2) / (2 * sigma * sigma)));
  const ks = k.reduce((a, b) => a + b, 0);
  const at = (y: number, xx: number, ch: number) => (l === 'NHWC' ? (y * w + xx) * c + ch : (ch * h + y) * w + xx);
  const per = h * w * c;
  const tmp = new Float64Array(per);
  for (let i = 0; i < x.shape[0]!; i++) {
    const b = i * per;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          let s = 0;
          for (let t = -rad; t <= rad; t++) s += k[t + rad]! * x.data[b + at(y, Math.min(w - 1, Math.max(0, xx + t)), ch)]!;
          tmp[at(y, xx, ch)] = s / ks;
        }
      }
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          let s = 0;
          for (let t = -rad; t <= rad; t++) s += k[t + rad]! * tmp[at(Math.min(h - 1, Math.max(0, y + t)), xx, ch)]!;
          out[b + at(y, xx, ch)] = s / ks;
        }
      }
    }
  }
  return out;
}

/** The curves and AUCs of the requested (kind, order) pairs, one row per point per example. */
export async function flipCurves(
  input: MetricInput,
  options: PixelFlippingOptions,
  which: readonly { readonly kind: FlipKind; readonly order: FlipOrder }[],
): Promise<{ curves: MetricCurve[]; auc: number[][]; modelCalls: number }> {
  const m = metricContext(input, options);
  const steps = intOption(options.steps, 'steps', 100);
  const absolute = boolOption(options.absolute, 'absolute', false);
  const start = options.insertionStart ?? 'baseline';
  if (start !== 'baseline' && start !== 'blur') throw new InvalidArgumentError(`insertionStart must be 'baseline' or 'blur', got ${String(start)}`);
  const sigma = numberOption(options.blurSigma, 'blurSigma', 5, 0);
  const { n, per, x } = m;
  const baseline = resolveMetricBaseline(options.baseline, x, m.model.inputShape);
  const mask = resolveFeatureMask(options.featureMask, n, m.model.inputShape);
  const insertStart = which.some((w) => w.kind === 'insertion') && start === 'blur' ? pixelFlippingBlur(x, m.model.inputShape, sigma, options.layout) : baseline;
  const orders = { morf: [] as Int32Array[], lerf: [] as Int32Array[] };
  for (let i = 0; i < n; i++) {
    const row = m.attributions.data.subarray(i * per, (i + 1) * per);
    if (which.some((w) => w.order === 'morf')) orders.morf.push(groupOrder(row, mask, i, absolute, true));
    if (which.some((w) => w.order === 'lerf')) orders.lerf.push(groupOrder(row, mask, i, absolute, false));
  }
  const points = steps + 1;
  const rows = await evaluateMetricRows(m, which.length * points, (p, r, dst, off) => {
    const c = which[Math.floor(p / points)]!;
    const k = p % points;
    const order = orders[c.order][r]!;
    const changed = Math.floor((k * order.length) / steps);
    const from = c.kind === 'deletion' ? x.data : insertStart;
    const to = c.kind === 'deletion' ? baseline : x.data;
    dst.set(from.subarray(r * per, (r + 1) * per), off);
    for (let q = 0; q < changed; q++) {
      const els = mask.elements(r, order[q]!);
      for (let e = 0; e < els.length; e++) dst[off + els[e]!] = to[r * per + els[e]!]!;
    }
  });
  const xs = Array.from({ length: points }, (_, k) => k / steps);
  const curves: MetricCurve[] = [];
  const auc: number[][] = [];
  which.forEach((c, ci) => {
    const y = Array.from({ length: n }, (_, i) => Array.from({ length: points }, (_, k) => rows.values[(ci * points + k) * n + i]!));
    curves.push({ label: `${c.order === 'morf' ? 'MoRF' : 'LeRF'} ${c.kind}`, xLabel: c.kind === 'deletion' ? 'fraction of features removed' : 'fraction of features inserted', x: xs, y });
    auc.push(y.map((yi) => trapezoid(xs, yi)));
  });
  return { curves, auc, modelCalls: m.ctx.modelCalls };
}

/** AUC of the MoRF deletion curve per example (lower is better). */
export async function deletion(input: MetricInput, options: PixelFlippingOptions = {}): Promise<MetricResult> {
  const r = await flipCurves(input, options, [{ kind: 'deletion', order: 'morf' }]);
  const scores = r.auc[0]!;
  return { metric: 'deletion', scores, mean: meanOf(scores), higherIsBetter: false, curves: r.curves, details: { modelCalls: r.modelCalls } };
}

/** AUC of the MoRF insertion curve per example (higher is better). */
export async function insertion(input: MetricInput, options: PixelFlippingOptions = {}): Promise<MetricResult> {
  const r = await flipCurves(input, options, [{ kind: 'insertion', order: 'morf' }]);
  const scores = r.auc[0]!;
  return { metric: 'insertion', scores, mean: meanOf(scores), higherIsBetter: true, curves: r.curves, details: { modelCalls: r.modelCalls } };
}

/** AUC(LeRF deletion) − AUC(MoRF deletion) per example (ABPC; higher is better). */
export async function morfLerf(input: MetricInput, options: PixelFlippingOptions = {}): Promise<MetricResult> {
  const r = await flipCurves(input, options, [{ kind: 'deletion', order: 'morf' }, { kind: 'deletion', order: 'lerf' }]);
  const scores = r.auc[1]!.map((l, i) => l - r.auc[0]![i]!);
  return {
    metric: 'morf-lerf', scores, mean: meanOf(scores), higherIsBetter: true, curves: r.curves,
    details: { modelCalls: r.modelCalls, morfAuc: r.auc[0], lerfAuc: r.auc[1] },
  };
}

const DEFAULTS = { steps: 100, baseline: 0, absolute: false, softmax: false } as const;
const SOURCE = 'Samek et al. 2017; Petsiuk et al. 2018 (RISE); Quantus PixelFlipping / RegionPerturbation';

/** METRICS entries. */
export const deletionMetric = metricSpec({
  id: 'deletion', title: 'Deletion curve AUC (MoRF)', family: 'faithfulness', higherIsBetter: false, needs: {},
  defaults: DEFAULTS, source: SOURCE, run: (input, options) => deletion(input, options as PixelFlippingOptions),
});
export const insertionMetric = metricSpec({
  id: 'insertion', title: 'Insertion curve AUC (MoRF)', family: 'faithfulness', higherIsBetter: true, needs: {},
  defaults: { ...DEFAULTS, insertionStart: 'baseline', blurSigma: 5 }, source: SOURCE,
  run: (input, options) => insertion(input, options as PixelFlippingOptions),
});
export const morfLerfMetric = metricSpec({
  id: 'morf-lerf', title: 'Area between LeRF and MoRF deletion curves', family: 'faithfulness', higherIsBetter: true, needs: {},
  defaults: DEFAULTS, source: SOURCE, run: (input, options) => morfLerf(input, options as PixelFlippingOptions),
});

/**
 * ROAD, RemOve And Debias (Rong, Leemann, Borisov, Kasneci & Kasneci 2022, "A Consistent and
 * Efficient Evaluation Strategy for Attribution Methods", ICML; reference implementation
 * github.com/tleemann/road_evaluation, `road/imputations.py` NoisyLinearImputer and
 * `road/imputed_dataset.py`).
 *
 * Pixels (all channels of one position together) are ranked by their attribution summed over the
 * channels (|sum| with `absolute`). At each fraction p of `percentages` (default 0.1, 0.2, …, 0.9)
 * the ⌊p·H·W⌋ most relevant (MoRF) or least relevant (LeRF) pixels are removed and imputed by
 * noisy linear imputation: each removed pixel's value is the weighted mean of its in-image
 * 8-neighbours (weight 1/6 for the 4 direct, 1/12 for the 4 diagonal ones), removed neighbours
 * being unknowns themselves — a sparse symmetric positive-definite system per channel,
 *
 *   (Σ_{n ∈ N(i)} w_n) u_i − Σ_{n ∈ N(i) removed} w_n u_n = Σ_{n ∈ N(i) kept} w_n v_n,
 *
 * solved here by conjugate gradients in float64 (core is dependency-free; the reference uses
 * scipy's spsolve: same system, same solution to solver tolerance) — then N(0, `noise`²) noise
 * (default 0.01, the reference's) is added to every imputed value, drawn from a seeded stream per
 * example. y = the explained output (raw; `softmax` for its softmax probability) of the imputed
 * image; the reference reports accuracy over a data set, which is the mean over examples of
 * [argmax = label] — pass `softmax` for a per-example probability curve instead.
 * Scores, by the trapezoid rule over the percentages:
 *   'road-morf' = AUC of the MoRF curve (lower is better), 'road-lerf' = AUC of the LeRF curve
 *   (higher is better), 'road' = AUC(LeRF) − AUC(MoRF) (higher is better).
 * Differences from the reference: LeRF at p removes the ⌊p·H·W⌋ least relevant pixels (the
 * paper's definition; the reference code's LeRF at p removes the (1 − p) least relevant, i.e. it
 * keeps the top p); ties are broken by pixel index (the reference adds 1e-4·N(0,1) noise to the map);
 * the map is summed over channels without the reference's per-channel rescaling (a monotone
 * rescaling of a one-channel map changes no ranking).
 */
import type { Tensor } from '../../../tensor.js';
import { InvalidArgumentError } from '../../../errors.js';
import { createRng, type Rng } from '../../../random/prng.js';
import { imageDims, type ImageLayout } from '../../_utils/control-explainers.js';
import { metricSpec, meanOf, type MetricCurve, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { boolOption, evaluateMetricRows, metricContext, numberOption, trapezoid } from '../../_utils/metric-forward.js';

export interface RoadOptions extends MetricOptions {
  /** Fractions of pixels removed, ascending in [0, 1) (an array or a comma-separated string). Default 0.1 … 0.9. */
  readonly percentages?: readonly number[] | string;
  /** σ of the imputation noise. Default 0.01. */
  readonly noise?: number;
  /** Rank pixels by |summed attribution|. Default false. */
  readonly absolute?: boolean;
  /** Read the target through a softmax of the output. Default false. */
  readonly softmax?: boolean;
  /** Image layout (guessed from the input shape when absent). */
  readonly layout?: ImageLayout;
}

/** The reference's neighbour weights: [dy, dx, weight]. */
const NEIGHBOURS: readonly (readonly [number, number, number])[] = [
  [1, 1, 1 / 12], [0, 1, 1 / 6], [-1, 1, 1 / 12], [1, -1, 1 / 12], [0, -1, 1 / 6], [-1, -1, 1 / 12], [1, 0, 1 / 6], [-1, 0, 1 / 6],
];

export interface ImageGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly layout: ImageLayout;
}

/**
 * Noisy linear imputation of one image: `removed[y·w + x]` = 1 marks removed pixels; writes the image
 * with every removed value imputed (plus `noise`·N(0,1) from `rng`, drawn pixel by pixel, channel
 * by channel) into `out`. At least one pixel must be kept.
 */
export function noisyLinearImpute(img: ArrayLike<number>, g: ImageGeometry, removed: Uint8Array, noise: number, rng: Rng | undefined, out: Float32Array): void {
  const { h, w, c } = g;
  const at = (y: number, x: number, ch: number) => (g.layout === 'NHWC' ? (y * w + x) * c + ch : (ch * h + y) * w + x);
  for (let k = 0; k < h * w * c; k++) out[k] = img[k]!;
  const vars = new Int32Array(h * w).fill(-1);
  const pix: number[] = [];
  for (let k = 0; k < h * w; k++) if (removed[k]) vars[k] = pix.push(k) - 1;
  const m = pix.length;
  if (m === 0) return;
  if (m === h * w) throw new InvalidArgumentError('noisy linear imputation needs at least one kept pixel');
  // Sparse rows: diagonal, unknown neighbours (index, weight), known neighbours (pixel, weight).
  const diag = new Float64Array(m);
  const offI: number[][] = [];
  const offW: number[][] = [];
  const knownP: number[][] = [];
  const knownW: number[][] = [];
  for (let i = 0; i < m; i++) {
    const y = Math.floor(pix[i]! / w);
    const x = pix[i]! % w;
    offI.push([]); offW.push([]); knownP.push([]); knownW.push([]);
    for (const [dy, dx, wt] of NEIGHBOURS) {
      const yy = y + dy;
      const xx = x + dx;
      if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
      diag[i] += wt;
      const v = vars[yy * w + xx]!;
      if (v >= 0) { offI[i]!.push(v); offW[i]!.push(wt); } else { knownP[i]!.push(yy * w + xx); knownW[i]!.push(wt); }
    }
  }
  const mul = (p: Float64Array, q: Float64Array) => {
    for (let i = 0; i < m; i++) {
      let s = diag[i]! * p[i]!;
      const oi = offI[i]!;
      const ow = offW[i]!;
      for (let k = 0; k < oi.length; k++) s -= ow[k]! * p[oi[k]!]!;
      q[i] = s;
    }
  };
  const u = new Float64Array(m);
  const r = new Float64Array(m);
  const p = new Float64Array(m);
  const q = new Float64Array(m);
  const sol: Float64Array[] = [];
  for (let ch = 0; ch < c; ch++) {
    let bb = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      const kp = knownP[i]!;
      for (let k = 0; k < kp.length; k++) s += knownW[i]![k]! * img[at(Math.floor(kp[k]! / w), kp[k]! % w, ch)]!;
      r[i] = s; // b (u starts at 0, so r = b)
      bb += s * s;
    }
    u.fill(0);
    p.set(r);
    let rr = bb;
    // Relative residual 1e-9: far below float32 storage (≈ 6e-8 relative) and the 0.01 noise.
    const tol = 1e-18 * Math.max(bb, 1e-30);
    for (let it = 0; it < 10 * m + 100 && rr > tol; it++) {
      mul(p, q);
      let pq = 0;
      for (let i = 0; i < m; i++) pq += p[i]! * q[i]!;
      const alpha = rr / pq;
      let rr2 = 0;
      for (let i = 0; i < m; i++) {
        u[i] += alpha * p[i]!;
        r[i] -= alpha * q[i]!;
        rr2 += r[i]! * r[i]!;
      }
      const beta = rr2 / rr;
      rr = rr2;
      for (let i = 0; i < m; i++) p[i] = r[i]! + beta * p[i]!;
    }
    sol.push(Float64Array.from(u));
  }
  for (let i = 0; i < m; i++) {
    const y = Math.floor(pix[i]! / w);
    const x = pix[i]! % w;
    for (let ch = 0; ch < c; ch++) out[at(y, x, ch)] = sol[ch]![i]! + (noise > 0 && rng ? noise * rng.normal() : 0);
  }
}

function parsePercentages(v: RoadOptions['percentages']): number[] {
  const list = v === undefined ? [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] : typeof v === 'string' ? v.split(',').map((s) => Number(s.trim())) : [...v];
  if (!Array.isArray(list) || list.length < 2) throw new InvalidArgumentError('percentages must list at least two fractions');
  list.forEach((q, k) => {
    if (typeof q !== 'number' || !Number.isFinite(q) || q < 0 || q >= 1 || (k > 0 && q <= list[k - 1]!)) {
      throw new InvalidArgumentError(`percentages must be strictly ascending fractions in [0, 1), got ${list.join(', ')}`);
    }
  });
  return list;
}

/** ROAD curves (MoRF and / or LeRF) and their AUCs. */
export async function roadCurves(input: MetricInput, options: RoadOptions, orders: readonly ('morf' | 'lerf')[]): Promise<{ curves: MetricCurve[]; auc: number[][]; modelCalls: number }> {
  const m = metricContext(input, options);
  const percentages = parsePercentages(options.percentages);
  const noise = numberOption(options.noise, 'noise', 0.01, 0);
  const absolute = boolOption(options.absolute, 'absolute', false);
  const g = imageDims(m.model.inputShape, options.layout);
  const { n, per } = m;
  const hw = g.h * g.w;
  const ranked: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const s = new Float64Array(hw);
    for (let y = 0; y < g.h; y++) {
      for (let x = 0; x < g.w; x++) {
        for (let ch = 0; ch < g.c; ch++) s[y * g.w + x] += m.attributions.data[i * per + (g.layout === 'NHWC' ? (y * g.w + x) * g.c + ch : (ch * g.h + y) * g.w + x)]!;
        if (absolute) s[y * g.w + x] = Math.abs(s[y * g.w + x]!);
      }
    }
    ranked.push(Int32Array.from({ length: hw }, (_, k) => k).sort((a, b) => s[b]! - s[a]! || a - b));
  }
  const base = createRng(m.seed);
  const rngs = Array.from({ length: n }, (_, i) => base.derive(i));
  const P = percentages.length;
  const removed = new Uint8Array(hw);
  const out = new Float32Array(per);
  const rows = await evaluateMetricRows(m, orders.length * P, (p, r, dst, off) => {
    const morf = orders[Math.floor(p / P)] === 'morf';
    const count = Math.floor(percentages[p % P]! * hw);
    removed.fill(0);
    const order = ranked[r]!;
    for (let k = 0; k < count; k++) removed[morf ? order[k]! : order[hw - 1 - k]!] = 1;
    noisyLinearImpute(m.x.data.subarray(r * per, (r + 1) * per), g, removed, noise, rngs[r], out);
    dst.set(out, off);
  });
  const curves: MetricCurve[] = [];
  const auc: number[][] = [];
  orders.forEach((o, oi) => {
    const y = Array.from({ length: n }, (_, i) => Array.from({ length: P }, (_, k) => rows.values[(oi * P + k) * n + i]!));
    curves.push({ label: `ROAD ${o === 'morf' ? 'MoRF' : 'LeRF'}`, xLabel: 'fraction of pixels removed (imputed)', x: percentages, y });
    auc.push(y.map((yi) => trapezoid(percentages, yi)));
  });
  return { curves, auc, modelCalls: m.ctx.modelCalls };
}

function result(metric: string, scores: number[], higherIsBetter: boolean, r: { curves: MetricCurve[]; modelCalls: number }, extra = {}): MetricResult {
  return { metric, scores, mean: meanOf(scores), higherIsBetter, curves: r.curves, details: { modelCalls: r.modelCalls, ...extra } };
}

/** AUC of the ROAD MoRF curve (lower is better). */
export async function roadMorf(input: MetricInput, options: RoadOptions = {}): Promise<MetricResult> {
  const r = await roadCurves(input, options, ['morf']);
  return result('road-morf', r.auc[0]!, false, r);
}

/** AUC of the ROAD LeRF curve (higher is better). */
export async function roadLerf(input: MetricInput, options: RoadOptions = {}): Promise<MetricResult> {
  const r = await roadCurves(input, options, ['lerf']);
  return result('road-lerf', r.auc[0]!, true, r);
}

/** AUC(LeRF) − AUC(MoRF) of ROAD (higher is better). */
export async function road(input: MetricInput, options: RoadOptions = {}): Promise<MetricResult> {
  const r = await roadCurves(input, options, ['morf', 'lerf']);
  return result('road', r.auc[1]!.map((l, i) => l - r.auc[0]![i]!), true, r, { morfAuc: r.auc[0], lerfAuc: r.auc[1] });
}

const DEFAULTS = { percentages: '0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9', noise: 0.01, absolute: false, softmax: false } as const;
const SOURCE = 'Rong et al. 2022 (ROAD, noisy linear imputation); github.com/tleemann/road_evaluation';
const entry = (id: string, title: string, higherIsBetter: boolean, fn: typeof road) =>
  metricSpec({ id, title, family: 'faithfulness', higherIsBetter, needs: {}, defaults: DEFAULTS, source: SOURCE, run: (input, options) => fn(input, options as RoadOptions) });

/** METRICS entries. */
export const roadMetric = entry('road', 'ROAD: LeRF − MoRF area (noisy linear imputation)', true, road);
export const roadMorfMetric = entry('road-morf', 'ROAD MoRF curve AUC', false, roadMorf);
export const roadLerfMetric = entry('road-lerf', 'ROAD LeRF curve AUC', true, roadLerf);

/** A Tensor view of one imputed example (tests, pictures). */
export function roadImpute(x: Tensor, inputShape: readonly number[], removed: Uint8Array, noise = 0, seed = 0, layout?: ImageLayout): Tensor {
  const g = imageDims(inputShape, layout);
  const out = new Float32Array(x.data.length);
  noisyLinearImpute(x.data, g, removed, noise, createRng(seed), out);
  return { shape: [...x.shape], data: out };
}

/**
 * LIME for tabular data (the `lime` package's LimeTabularExplainer, written from its documented
 * behaviour). Every input element is a feature; statistics come from `trainingData` [T, ...inputShape].
 *
 * discretize 'quartile' (default): each feature's training quartiles (25/50/75th percentiles,
 * linear interpolation, duplicates removed) cut it into ≤ 4 bins (bin b: q_{b−1} < v ≤ q_b). A
 * sample draws every feature's bin from the training bin frequencies and a value inside the bin
 * from a normal with the bin's training mean and std truncated to the bin's [min, max]; its
 * design row is 1 where the bin equals the instance's bin, else 0 (instance: all ones).
 * Distances are Euclidean between design rows. Coefficients: effect of "being in the instance's
 * bin".
 *
 * discretize 'none': values v = μ + σ·ε (ε ~ N(0, 1); μ = the training mean, or the instance with
 * sampleAroundInstance); design row (v − μ_train)/σ_train (σ = training std, population; 1 where
 * 0); Euclidean distances. Coefficients are per training standard deviation of the feature (as
 * `lime` reports them): divide by σ for per-unit effects.
 *
 * Kernel width default 0.75·√F, nSamples default 5000 (lime's), ridge α = 1.
 * Not implemented: categorical features, other discretisers (decile, entropy).
 */
import type { Model } from '../../../model.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../../errors.js';
import type { Rng } from '../../../random/prng.js';
import { ModelCaller, validateInput, validateTarget } from '../../_utils/common.js';
import { resolveBatching } from '../../_utils/perturbation/index.js';
import { limeCalls, limeSettings, runLime, type LimeCommonOptions, type LimeExample, type LimeResult } from './surrogate.js';

export interface LimeTabularOptions extends LimeCommonOptions {
  /** Training data [T, ...inputShape] (T ≥ 1) for the feature statistics. */
  readonly trainingData: Tensor;
  /** Default 'quartile'. */
  readonly discretize?: 'quartile' | 'none';
  /** discretize 'none': sample around the instance rather than the training mean. Default false. */
  readonly sampleAroundInstance?: boolean;
}

export const LIME_TABULAR_DEFAULTS = { nSamples: 5000, kernelWidthFactor: 0.75, discretize: 'quartile' } as const;

/** Per-feature training statistics. */
export interface TabularStats {
  readonly features: number;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  /** Per feature: bin upper boundaries (quartiles, deduplicated). */
  readonly boundaries: Float64Array[];
  /** Per feature and bin: cumulative frequency, mean, std, min, max. */
  readonly cumFreq: Float64Array[];
  readonly binMean: Float64Array[];
  readonly binStd: Float64Array[];
  readonly binMin: Float64Array[];
  readonly binMax: Float64Array[];
}

function percentile(sorted: Float64Array, p: number): number {
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Bin of v: the number of boundaries strictly below v (bin b holds q_{b−1} < v ≤ q_b). */
function binOf(bounds: Float64Array, v: number): number {
  let b = 0;
  while (b < bounds.length && v > bounds[b]!) b++;
  return b;
}

export function tabularStats(data: Tensor, inputShape: readonly number[]): TabularStats {
  const f = sizeOf(inputShape);
  const same = data && Array.isArray(data.shape) && data.shape.length === inputShape.length + 1 && inputShape.every((d, i) => data.shape[i + 1] === d);
  if (!same || !(data.data instanceof Float32Array) || data.data.length !== sizeOf(data.shape) || data.shape[0]! < 1) {
    throw new ShapeError(`trainingData must be a tensor [T ≥ 1, ${inputShape.join(', ')}], got [${data?.shape?.join(', ') ?? ''}]`);
  }
  const t = data.shape[0]!;
  for (let i = 0; i < data.data.length; i++) {
    if (!Number.isFinite(data.data[i]!)) throw new InvalidArgumentError(`trainingData has a non-finite value at flat index ${i}`);
  }
  const s: TabularStats = {
    features: f,
    mean: new Float64Array(f),
    scale: new Float64Array(f),
    boundaries: [],
    cumFreq: [],
    binMean: [],
    binStd: [],
    binMin: [],
    binMax: [],
  };
  const col = new Float64Array(t);
  for (let j = 0; j < f; j++) {
    for (let r = 0; r < t; r++) col[r] = data.data[r * f + j]!;
    let mu = 0;
    for (let r = 0; r < t; r++) mu += col[r]!;
    mu /= t;
    let v = 0;
    for (let r = 0; r < t; r++) v += (col[r]! - mu) ** 2;
    const sd = Math.sqrt(v / t);
    s.mean[j] = mu;
    s.scale[j] = sd > 0 ? sd : 1;
    const sorted = Float64Array.from(col).sort();
    const q = [25, 50, 75].map((p) => percentile(sorted, p)).filter((x, k, a) => k === 0 || x !== a[k - 1]);
    const bounds = Float64Array.from(q);
    const bins = bounds.length + 1;
    const cnt = new Float64Array(bins), sum = new Float64Array(bins), sq = new Float64Array(bins);
    for (let r = 0; r < t; r++) {
      const b = binOf(bounds, col[r]!);
      cnt[b]++;
      sum[b] += col[r]!;
    }
    const bm = new Float64Array(bins);
    for (let b = 0; b < bins; b++) bm[b] = cnt[b]! > 0 ? sum[b]! / cnt[b]! : 0;
    for (let r = 0; r < t; r++) {
      const b = binOf(bounds, col[r]!);
      sq[b] += (col[r]! - bm[b]!) ** 2;
    }
    const cum = new Float64Array(bins);
    let acc = 0;
    for (let b = 0; b < bins; b++) cum[b] = acc += cnt[b]! / t;
    s.boundaries.push(bounds);
    s.cumFreq.push(cum);
    s.binMean.push(bm);
    s.binStd.push(Float64Array.from(sq, (x, b) => (cnt[b]! > 0 ? Math.sqrt(x / cnt[b]!) : 0)));
    s.binMin.push(Float64Array.from({ length: bins }, (_, b) => (b === 0 ? sorted[0]! : bounds[b - 1]!)));
    s.binMax.push(Float64Array.from({ length: bins }, (_, b) => (b === bins - 1 ? sorted[t - 1]! : bounds[b]!)));
  }
  return s;
}

/** N(mean, std) truncated to [lo, hi], by rejection (≥ ~48% acceptance for bins, see tests). */
function truncatedNormal(rng: Rng, mean: number, std: number, lo: number, hi: number): number {
  if (!(std > 0) || !(hi > lo)) return Math.min(hi, Math.max(lo, mean));
  for (let k = 0; k < 64; k++) {
    const v = mean + std * rng.normal();
    if (v >= lo && v <= hi) return v;
  }
  return lo + (hi - lo) * rng.uniform();
}

/** Most values kept by `SharedDraws` (16 MiB of float64); larger problems draw per example. */
const MAX_SHARED_DRAWS = 1 << 21;

/**
 * The instance-independent part of the draws of one call (per draw and feature: the value and,
 * for 'quartile', its bin; for 'none', ε). Every example's generator starts from the same seed
 * (surrogate.ts) and consumes it the same way, so every example draws the same numbers: the
 * first records them and the others replay them (bit-identical, drawn once).
 */
interface SharedDraws {
  readonly values: Float64Array;
  readonly bins: Uint8Array;
  /** Draws recorded so far. */
  filled: number;
  readonly draws: number;
}

function sharedDraws(n: number, draws: number, f: number, quartile: boolean): SharedDraws | undefined {
  if (n < 2 || draws < 1 || draws * f > MAX_SHARED_DRAWS) return undefined;
  return { values: new Float64Array(draws * f), bins: new Uint8Array(quartile ? draws * f : 0), filled: 0, draws };
}

function tabularExample(x: Tensor, i: number, st: TabularStats, o: LimeTabularOptions, shared: SharedDraws | undefined): LimeExample {
  const f = st.features;
  const xi = x.data.subarray(i * f, (i + 1) * f);
  const spread = (coef: Float64Array, out: Float32Array, off: number) => {
    for (let j = 0; j < f; j++) out[off + j] = coef[j]!;
  };
  const euclid = (z0: Float64Array) => (z: Float64Array) => {
    let d = 0;
    for (let j = 0; j < f; j++) d += (z[j]! - z0[j]!) ** 2;
    return Math.sqrt(d);
  };
  // Replay the shared draws (decided at this example's first draw: only a complete record).
  let replay = false;
  if ((o.discretize ?? LIME_TABULAR_DEFAULTS.discretize) === 'none') {
    const z0 = Float64Array.from(xi, (v, j) => (v - st.mean[j]!) / st.scale[j]!);
    const centre = (o.sampleAroundInstance ?? false) ? Float64Array.from(xi) : st.mean;
    return {
      m: f,
      z0,
      sample(rng, z, dst, off, draw) {
        if (draw === 0) replay = shared !== undefined && shared.filled === shared.draws;
        const record = !replay && shared !== undefined && shared.filled === draw;
        const base = draw * f;
        for (let j = 0; j < f; j++) {
          const e = replay ? shared!.values[base + j]! : rng.normal();
          if (record) shared!.values[base + j] = e;
          const v = Math.fround(e * st.scale[j]! + centre[j]!);
          dst[off + j] = v;
          z[j] = (v - st.mean[j]!) / st.scale[j]!;
        }
        if (record) shared!.filled++;
      },
      distance: euclid(z0),
      spread,
    };
  }
  const own = Int32Array.from(xi, (v, j) => binOf(st.boundaries[j]!, v));
  const z0 = new Float64Array(f).fill(1);
  return {
    m: f,
    z0,
    sample(rng, z, dst, off, draw) {
      if (draw === 0) replay = shared !== undefined && shared.filled === shared.draws;
      const base = draw * f;
      if (replay) {
        const { values, bins } = shared!;
        for (let j = 0; j < f; j++) {
          z[j] = bins[base + j] === own[j] ? 1 : 0;
          dst[off + j] = values[base + j]!;
        }
        return;
      }
      const record = shared !== undefined && shared.filled === draw;
      for (let j = 0; j < f; j++) {
        const cum = st.cumFreq[j]!;
        const u = rng.uniform();
        let b = 0;
        while (b < cum.length - 1 && u >= cum[b]!) b++;
        z[j] = b === own[j] ? 1 : 0;
        const v = truncatedNormal(rng, st.binMean[j]![b]!, st.binStd[j]![b]!, st.binMin[j]![b]!, st.binMax[j]![b]!);
        dst[off + j] = v;
        if (record) {
          shared!.bins[base + j] = b;
          shared!.values[base + j] = v;
        }
      }
      if (record) shared!.filled++;
    },
    distance: euclid(z0),
    spread,
  };
}

export class LimeTabular {
  readonly id = 'lime';
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, options: LimeTabularOptions): Promise<LimeResult> {
    const model = this.model;
    const n = validateInput(model, x);
    if (!options || options.trainingData === undefined) throw new InvalidArgumentError('LIME tabular needs trainingData [T, ...inputShape] for its feature statistics');
    const d = options.discretize ?? LIME_TABULAR_DEFAULTS.discretize;
    if (d !== 'quartile' && d !== 'none') throw new InvalidArgumentError(`discretize must be 'quartile' or 'none', got ${String(d)}`);
    const st = tabularStats(options.trainingData, model.inputShape);
    const settings = limeSettings(options, {
      nSamples: LIME_TABULAR_DEFAULTS.nSamples,
      kernelWidth: LIME_TABULAR_DEFAULTS.kernelWidthFactor * Math.sqrt(st.features),
    });
    const batching = resolveBatching(options, model.inputShape);
    const target = validateTarget(model, options.target, n);
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(limeCalls(batching, n, settings));
    const shared = sharedDraws(n, settings.nSamples - 1, st.features, d === 'quartile');
    return runLime(this.id, ctx, x, target, batching, settings, (i) => tabularExample(x, i, st, options, shared));
  }
}

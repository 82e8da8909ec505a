/**
 * Activation clustering: a layer's activations over a dataset → k-means clusters, k given or
 * chosen by the mean silhouette over a range, cluster exemplars (the members nearest their
 * centroid), purity against labels, and a 2-D PCA map of the activations for the pictures.
 *
 * Memory: activations are streamed in chunks (`internalBatchSize` rows a call) and reduced at
 * once to one feature row per example (`reduction`: 'flatten' keeps the layer's C·H·W values,
 * 'spatial-mean' keeps C per example for conv layers, see _utils/layer-features.ts); only the
 * n × dim feature rows are kept. The silhouette is O(m · n · dim) for m scored points: over
 * 2,000 examples it scores a seeded sample of 2,000 (`silhouetteSample`).
 * Seeded: k-means++ starts and the silhouette sample derive from `seed`.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import { checkBatchSize, chunkCount, validateInput, ModelCaller, type Progress } from '../_utils/common.js';
import { requireLayers } from '../_utils/requests.js';
import { layerFeatureRows, type ChannelLayout, type FeatureReduction } from '../_utils/layer-features.js';
import { kmeans, silhouette, type Points } from '../_utils/cluster/kmeans.js';
import { pca } from '../_utils/cluster/pca.js';
import { layerNameOf } from '../layer/layer-common.js';

export interface ActivationClusteringOptions {
  readonly layer: string;
  /** Number of clusters; when unset, chosen by silhouette over `kRange`. */
  readonly k?: number;
  /** Inclusive range [min, max] of k tried by silhouette (default [2, 8], capped at n − 1). */
  readonly kRange?: readonly [number, number];
  readonly reduction?: FeatureReduction;
  /** Channel layout of rank-3 activations for 'spatial-mean' (default NCHW). */
  readonly layout?: ChannelLayout;
  /** True label per example (for purity and the map's outlines). */
  readonly labels?: readonly number[];
  readonly seed?: number;
  /** k-means++ restarts per k (default 4). */
  readonly nInit?: number;
  readonly maxIterations?: number;
  /** Exemplars per cluster (default 5). */
  readonly exemplars?: number;
  /** Most points scored by the silhouette (default 2,000). */
  readonly silhouetteSample?: number;
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after every model call and every k fitted. */
  readonly onProgress?: (p: Progress) => void;
}

export interface ActivationClusteringResult {
  readonly layer: string;
  readonly reduction: FeatureReduction;
  /** Feature values per example. */
  readonly dim: number;
  readonly k: number;
  readonly assignments: number[];
  /** k × dim. */
  readonly centroids: Float64Array[];
  readonly sizes: number[];
  readonly inertia: number;
  /** Mean silhouette of the chosen clustering (NaN for k = 1). */
  readonly silhouette: number;
  /** Every k tried and its silhouette (one entry when k was given). */
  readonly silhouettes: { k: number; silhouette: number }[];
  /** Per cluster, member indices nearest the centroid first. */
  readonly exemplars: number[][];
  /** Fraction of examples whose cluster's majority label is their label (labels given). */
  readonly purity?: number;
  /** Majority label per cluster (labels given; −1 for an empty cluster). */
  readonly clusterLabels?: number[];
  /** 2-D PCA map: n × 2 row-major, and the variance fraction along each axis. */
  readonly map: { readonly points: Float64Array; readonly explainedRatio: number[] };
  /** The clustered feature rows, n × dim row-major (e.g. for another 2-D map). */
  readonly features: Float32Array;
  readonly modelCalls: number;
}

export class ActivationClustering {
  readonly id = 'activation-clustering';
  constructor(readonly model: Model) {}

  async interpret(x: Tensor, options: ActivationClusteringOptions): Promise<ActivationClusteringResult> {
    const model = this.model;
    requireLayers(model, this.id);
    const n = validateInput(model, x);
    const layer = layerNameOf(model, options?.layer, this.id);
    if (n < 2) throw new InvalidArgumentError(`activation clustering needs at least 2 examples (got ${n})`);
    const reduction = options.reduction ?? 'flatten';
    if (reduction !== 'flatten' && reduction !== 'spatial-mean') throw new InvalidArgumentError(`reduction must be 'flatten' or 'spatial-mean' (got ${String(reduction)})`);
    const layout = options.layout ?? 'NCHW';
    if (layout !== 'NCHW' && layout !== 'NHWC') throw new InvalidArgumentError(`layout must be NCHW or NHWC (got ${String(layout)})`);
    let ks: number[];
    if (options.k !== undefined) {
      if (!Number.isInteger(options.k) || options.k < 1 || options.k > n) throw new InvalidArgumentError(`k must be an integer in [1, ${n}] (the number of examples; got ${options.k})`);
      ks = [options.k];
    } else {
      const [lo, hiRaw] = options.kRange ?? [2, 8];
      const hi = Math.min(hiRaw, n - 1);
      if (!Number.isInteger(lo) || !Number.isInteger(hiRaw) || lo < 2 || hiRaw < lo) throw new InvalidArgumentError(`kRange must be integers 2 ≤ min ≤ max (got [${lo}, ${hiRaw}])`);
      if (hi < lo) throw new InvalidArgumentError(`too few examples (${n}) for k ≥ ${lo}: silhouette needs k ≤ n − 1`);
      ks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    }
    if (options.labels !== undefined) {
      if (!Array.isArray(options.labels) || options.labels.length !== n) throw new InvalidArgumentError(`labels has ${options.labels?.length} entries for ${n} examples`);
      if (!options.labels.every((l) => Number.isInteger(l))) throw new InvalidArgumentError('labels must be integers');
    }
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer (got ${seed})`);
    const nExemplars = options.exemplars ?? 5;
    if (!Number.isInteger(nExemplars) || nExemplars < 0) throw new InvalidArgumentError(`exemplars must be an integer ≥ 0 (got ${nExemplars})`);
    const sample = options.silhouetteSample ?? 2000;
    if (!Number.isInteger(sample) || sample < 2) throw new InvalidArgumentError(`silhouetteSample must be an integer ≥ 2 (got ${sample})`);
    const batch = checkBatchSize(options.internalBatchSize);
    const calls = chunkCount(n, batch);
    let called = 0;
    let fitted = 0;
    const report = () => options.onProgress?.({ done: called + fitted, total: calls + ks.length });
    const ctx = new ModelCaller(model, options.signal, (p) => {
      called = p.done;
      report();
    });
    throwIfAborted(options.signal);
    ctx.plan(calls);
    const [feat] = await layerFeatureRows(ctx, x, [layer], batch, reduction, layout);
    const pts: Points = { n, dim: feat!.dim, data: feat!.data };
    const rng = createRng(seed);
    const scored = n > sample ? Array.from(shuffledRange(rng.derive(7), n).subarray(0, sample)) : undefined;

    let best: { k: number; fit: ReturnType<typeof kmeans>; s: number } | undefined;
    const silhouettes: { k: number; silhouette: number }[] = [];
    for (const k of ks) {
      throwIfAborted(options.signal);
      const fit = kmeans(pts, k, rng.derive(1000 + k), { nInit: options.nInit ?? 4, ...(options.maxIterations ? { maxIterations: options.maxIterations } : {}) });
      const s = k >= 2 ? silhouette(pts, fit.assignments, k, scored) : Number.NaN;
      silhouettes.push({ k, silhouette: s });
      if (!best || (ks.length > 1 && s > best.s)) best = { k, fit, s };
      fitted++;
      report();
    }
    const { k, fit } = best!;
    const dim = pts.dim;
    const centroids = Array.from({ length: k }, (_, m) => fit.centroids.slice(m * dim, (m + 1) * dim));
    const sizes = new Array<number>(k).fill(0);
    for (const a of fit.assignments) sizes[a]!++;
    const exemplars = centroids.map((c, m) => {
      const members: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        if (fit.assignments[i] !== m) continue;
        let d = 0;
        for (let j = 0; j < dim; j++) d += (pts.data[i * dim + j]! - c[j]!) ** 2;
        members.push([d, i]);
      }
      return members.sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, nExemplars).map(([, i]) => i);
    });
    let purity: number | undefined;
    let clusterLabels: number[] | undefined;
    if (options.labels) {
      const labels = options.labels;
      clusterLabels = [];
      let agree = 0;
      for (let m = 0; m < k; m++) {
        const counts = new Map<number, number>();
        for (let i = 0; i < n; i++) if (fit.assignments[i] === m) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
        let lab = -1;
        let cnt = 0;
        for (const [l, c] of [...counts].sort((a, b) => a[0] - b[0])) if (c > cnt) [lab, cnt] = [l, c];
        clusterLabels.push(lab);
        agree += cnt;
      }
      purity = agree / n;
    }
    const map = pca(pts, 2);
    return {
      layer,
      reduction,
      dim,
      k,
      assignments: Array.from(fit.assignments),
      centroids,
      sizes,
      inertia: fit.inertia,
      silhouette: best!.s,
      silhouettes,
      exemplars,
      ...(purity !== undefined ? { purity, clusterLabels: clusterLabels! } : {}),
      map: { points: padMap(map.projections, n, Math.min(2, dim)), explainedRatio: map.explainedRatio },
      features: feat!.data,
      modelCalls: ctx.modelCalls,
    };
  }
}

/** n × 2 from n × m (m = 1 for 1-D features: the second coordinate is 0). */
function padMap(p: Float64Array, n: number, m: number): Float64Array {
  if (m === 2) return p;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) out[i * 2] = p[i * m]!;
  return out;
}

/** Functional form: `new ActivationClustering(model).interpret(x, options)`. */
export function activationClustering(model: Model, x: Tensor, options: ActivationClusteringOptions): Promise<ActivationClusteringResult> {
  return new ActivationClustering(model).interpret(x, options);
}

/**
 * k-means (Lloyd's algorithm) with seeded k-means++ initialisation, and the silhouette score.
 *
 * Why here and not ml-kmeans: core keeps zero runtime dependencies. ml-kmeans is the test
 * oracle: from the same initial centroids this gives the same iterations — assignment to the
 * nearest centroid by squared Euclidean distance (first on ties), centroids as cluster means,
 * an empty cluster keeps its previous centroid, stop when no centroid moved by more than `tol`
 * (squared distance) or after `maxIterations` steps.
 */
import type { Rng } from '../../../random/prng.js';
import { InvalidArgumentError } from '../../../errors.js';

/** Points: n rows of `dim` values, row-major. */
export interface Points {
  readonly n: number;
  readonly dim: number;
  readonly data: Float32Array | Float64Array;
}

export interface KMeansFit {
  /** Cluster index per point. */
  readonly assignments: Int32Array;
  /** k × dim centroids, row-major. */
  readonly centroids: Float64Array;
  /** Σ squared distance of each point to its centroid. */
  readonly inertia: number;
  readonly iterations: number;
}

function sqDist(a: Float32Array | Float64Array, ai: number, b: Float32Array | Float64Array, bi: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[ai + j]! - b[bi + j]!;
    s += d * d;
  }
  return s;
}

/**
 * k-means++ (Arthur & Vassilvitskii 2007): the first centre uniformly at random, each next one a
 * point drawn with probability ∝ its squared distance to the nearest chosen centre.
 */
export function kmeansPlusPlus(p: Points, k: number, rng: Rng): Float64Array {
  const { n, dim, data } = p;
  const c = new Float64Array(k * dim);
  const first = rng.int(n);
  for (let j = 0; j < dim; j++) c[j] = data[first * dim + j]!;
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) d2[i] = sqDist(data, i * dim, c, 0, dim);
  for (let m = 1; m < k; m++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += d2[i]!;
    let pick = n - 1;
    if (total > 0) {
      let r = rng.uniform() * total;
      for (let i = 0; i < n; i++) {
        r -= d2[i]!;
        if (r < 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    for (let j = 0; j < dim; j++) c[m * dim + j] = data[pick * dim + j]!;
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i]!, sqDist(data, i * dim, c, m * dim, dim));
  }
  return c;
}

/** Lloyd iterations from the given initial centroids (k × dim). */
export function lloyd(p: Points, init: Float64Array, k: number, maxIterations = 300, tol = 1e-6): KMeansFit {
  const { n, dim, data } = p;
  let centers = Float64Array.from(init);
  const assign = new Int32Array(n);
  let it = 0;
  let converged = false;
  while (!converged && it < maxIterations) {
    it++;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let m = 0; m < k; m++) {
        const d = sqDist(data, i * dim, centers, m * dim, dim);
        if (d < bestD) {
          bestD = d;
          best = m;
        }
      }
      assign[i] = best;
    }
    const next = new Float64Array(k * dim);
    const count = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const m = assign[i]!;
      count[m]!++;
      for (let j = 0; j < dim; j++) next[m * dim + j]! += data[i * dim + j]!;
    }
    converged = true;
    for (let m = 0; m < k; m++) {
      for (let j = 0; j < dim; j++) next[m * dim + j] = count[m]! > 0 ? next[m * dim + j]! / count[m]! : centers[m * dim + j]!;
      if (sqDist(next, m * dim, centers, m * dim, dim) > tol) converged = false;
    }
    centers = next;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i * dim, centers, assign[i]! * dim, dim);
  return { assignments: assign, centroids: centers, inertia, iterations: it };
}

/** k-means: `nInit` seeded k-means++ starts, the fit of lowest inertia (first on ties). */
export function kmeans(p: Points, k: number, rng: Rng, options: { nInit?: number; maxIterations?: number; tol?: number } = {}): KMeansFit {
  if (!Number.isInteger(k) || k < 1 || k > p.n) throw new InvalidArgumentError(`k must be an integer in [1, ${p.n}] (the number of points; got ${k})`);
  const nInit = options.nInit ?? 4;
  let best: KMeansFit | undefined;
  for (let r = 0; r < nInit; r++) {
    const fit = lloyd(p, kmeansPlusPlus(p, k, rng.derive(r)), k, options.maxIterations, options.tol);
    if (!best || fit.inertia < best.inertia) best = fit;
  }
  return best!;
}

/**
 * Mean silhouette coefficient (Rousseeuw 1987) over the points `rows` (all when undefined):
 * s(i) = (b − a) / max(a, b), a = mean Euclidean distance to the other members of i's cluster,
 * b = the smallest mean distance to another cluster's members; s = 0 for a point alone in its
 * cluster (sklearn's convention). Distances are to all n points. O(|rows| · n · dim).
 */
export function silhouette(p: Points, assignments: Int32Array, k: number, rows?: ArrayLike<number>): number {
  const { n, dim, data } = p;
  if (k < 2) return Number.NaN;
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) size[assignments[i]!]!++;
  const sums = new Float64Array(k);
  const m = rows ? rows.length : n;
  let total = 0;
  for (let q = 0; q < m; q++) {
    const i = rows ? rows[q]! : q;
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[assignments[j]!]! += Math.sqrt(sqDist(data, i * dim, data, j * dim, dim));
    const own = assignments[i]!;
    if (size[own]! <= 1) continue;
    const a = sums[own]! / (size[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && size[c]! > 0) b = Math.min(b, sums[c]! / size[c]!);
    if (!Number.isFinite(b)) continue;
    const mx = Math.max(a, b);
    total += mx > 0 ? (b - a) / mx : 0;
  }
  return total / m;
}

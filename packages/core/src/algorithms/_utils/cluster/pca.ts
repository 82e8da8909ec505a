/**
 * Principal component analysis of a point set (the 2-D activation map): the top principal
 * axes of the centred data by power iteration with deflation on the covariance, applied
 * implicitly (C v = Xᵀ(X v) / (n − 1), O(n · dim) per step, never the dim × dim matrix).
 * Deterministic: the start vector is fixed; each axis' sign makes its largest-magnitude
 * entry positive (first such entry on ties).
 */
import type { Points } from './kmeans.js';

export interface PcaFit {
  /** Column means, length dim. */
  readonly mean: Float64Array;
  /** Components × dim, unit rows. */
  readonly components: Float64Array[];
  /** Eigenvalues of the covariance (variance along each axis). */
  readonly variances: number[];
  /** Fraction of the total variance along each axis. */
  readonly explainedRatio: number[];
  /** n × components projections, row-major. */
  readonly projections: Float64Array;
}

export function pca(p: Points, components = 2, maxIterations = 2000, tol = 1e-12): PcaFit {
  const { n, dim, data } = p;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += data[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  const x = new Float64Array(n * dim);
  let totalVar = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = data[i * dim + j]! - mean[j]!;
      x[i * dim + j] = v;
      totalVar += v * v;
    }
  }
  const denom = Math.max(1, n - 1);
  totalVar /= denom;
  const comps: Float64Array[] = [];
  const vars: number[] = [];
  const xv = new Float64Array(n);
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += x[i * dim + j]! * v[j]!;
      xv[i] = s;
    }
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const s = xv[i]! / denom;
      if (s !== 0) for (let j = 0; j < dim; j++) out[j]! += x[i * dim + j]! * s;
    }
    // Deflate: remove the found components.
    for (let c = 0; c < comps.length; c++) {
      const u = comps[c]!;
      let d = 0;
      for (let j = 0; j < dim; j++) d += u[j]! * v[j]!;
      for (let j = 0; j < dim; j++) out[j]! -= vars[c]! * d * u[j]!;
    }
  };
  const m = Math.min(components, dim);
  for (let c = 0; c < m; c++) {
    let v = new Float64Array(dim);
    for (let j = 0; j < dim; j++) v[j] = 1 + ((j * 0.6180339887498949) % 1); // fixed, generic start
    for (const u of comps) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += u[j]! * v[j]!;
      for (let j = 0; j < dim; j++) v[j]! -= d * u[j]!;
    }
    normalise(v);
    let lambda = 0;
    const w = new Float64Array(dim);
    for (let it = 0; it < maxIterations; it++) {
      apply(v, w);
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += w[j]! * w[j]!;
      norm = Math.sqrt(norm);
      if (norm === 0) {
        lambda = 0;
        break;
      }
      let diff = 0;
      for (let j = 0; j < dim; j++) {
        const nv = w[j]! / norm;
        diff += (nv - v[j]!) * (nv - v[j]!);
        v[j] = nv;
      }
      lambda = norm;
      if (diff < tol) break;
    }
    fixSign(v);
    comps.push(v);
    vars.push(lambda);
  }
  const proj = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += x[i * dim + j]! * comps[c]![j]!;
      proj[i * m + c] = s;
    }
  }
  return { mean, components: comps, variances: vars, explainedRatio: vars.map((v) => (totalVar > 0 ? v / totalVar : 0)), projections: proj };
}

function normalise(v: Float64Array): void {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  const r = Math.sqrt(s);
  if (r > 0) for (let j = 0; j < v.length; j++) v[j]! /= r;
}

function fixSign(v: Float64Array): Float64Array {
  let k = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[k]!) + 1e-12) k = j;
  if (v[k]! < 0) for (let j = 0; j < v.length; j++) v[j] = -v[j]!;
  return v;
}

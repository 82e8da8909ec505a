/**
 * Distillation targets and scalings: softened teacher probabilities, per-feature / per-output
 * standardisation, and their folding into the first and last dense layers of the saved student.
 */
import type { StudentPlan } from './student.js';

export type Scaling = { mean: Float64Array; std: Float64Array };

export function looksLikeProbabilities(y: Float32Array, rows: number, K: number): boolean {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < K; j++) {
      const v = y[r * K + j]!;
      if (v < 0 || v > 1) return false;
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) return false;
  }
  return true;
}

export interface Targets {
  readonly values: Float32Array;
  /** Regression: per-output mean / std of the teacher's outputs (folded into the output layer). */
  readonly scale: { mean: Float64Array; std: Float64Array } | null;
  /** The hard-label target of a label (regression: standardised like output 0). */
  readonly hard: (label: number, row: number) => number;
}

/** softmax(z / T) per row (z = log p for probabilities), in float64. */
export function softTargets(y: Float32Array, rows: number, K: number, T: number, probabilities: boolean): Targets {
  const out = new Float32Array(rows * K);
  const z = new Float64Array(K);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < K; j++) {
      z[j] = (probabilities ? Math.log(Math.max(y[r * K + j]!, 1e-12)) : y[r * K + j]!) / T;
      max = Math.max(max, z[j]!);
    }
    let s = 0;
    for (let j = 0; j < K; j++) s += (z[j] = Math.exp(z[j]! - max));
    for (let j = 0; j < K; j++) out[r * K + j] = z[j]! / s;
  }
  return { values: out, scale: null, hard: (label) => label };
}

export function standardiseTargets(y: Float32Array, rows: number, K: number, train: Int32Array): Targets {
  const { mean, std } = featureScaling(y, train, K);
  const values = standardise(y, K, { mean, std });
  return { values, scale: { mean, std }, hard: (label) => (label - mean[0]!) / std[0]! };
}

export function featureScaling(x: ArrayLike<number>, idx: Int32Array, F: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(F);
  const std = new Float64Array(F);
  for (const r of idx) for (let j = 0; j < F; j++) mean[j] += x[r * F + j]!;
  for (let j = 0; j < F; j++) mean[j] /= idx.length;
  for (const r of idx) for (let j = 0; j < F; j++) std[j] += (x[r * F + j]! - mean[j]!) ** 2;
  for (let j = 0; j < F; j++) {
    const s = Math.sqrt(std[j]! / idx.length);
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}

export function standardise(x: ArrayLike<number>, F: number, s: { mean: Float64Array; std: Float64Array }): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! - s.mean[i % F]!) / s.std[i % F]!;
  return out;
}

export function unscale(y: Float32Array, s: { mean: Float64Array; std: Float64Array }): void {
  const K = s.mean.length;
  for (let i = 0; i < y.length; i++) y[i] = y[i]! * s.std[i % K]! + s.mean[i % K]!;
}

/** True when the first weighted layer is Dense, preceded by nothing but a Flatten. */
export function foldsInput(plan: StudentPlan): boolean {
  for (const l of plan.layers) {
    if (l.type === 'dense') return true;
    if (l.type !== 'flatten') return false;
  }
  return false;
}

/** Fold input standardisation into the first Dense and target scaling into the output Dense. */
export function exportWeights(plan: StudentPlan, weights: readonly Float32Array[], input: { mean: Float64Array; std: Float64Array } | null, output: { mean: Float64Array; std: Float64Array } | null): Float32Array[] {
  const out = weights.map((a) => Float32Array.from(a));
  if (input) {
    const first = plan.layers.find((l) => l.type === 'dense')!;
    if (first.type !== 'dense') throw new Error('unreachable');
    const [W, b] = [out[0]!, out[1]!];
    for (let u = 0; u < first.units; u++) {
      let shift = 0;
      for (let j = 0; j < first.inUnits; j++) {
        const v = weights[0]![j * first.units + u]! / input.std[j]!;
        W[j * first.units + u] = v;
        shift += input.mean[j]! * v;
      }
      b[u] = weights[1]![u]! - shift;
    }
  }
  if (output) {
    const last = plan.layers[plan.layers.length - 1]!;
    if (last.type !== 'dense') throw new Error('unreachable');
    const W = out[out.length - 2]!;
    const b = out[out.length - 1]!;
    for (let j = 0; j < last.inUnits; j++) for (let u = 0; u < last.units; u++) W[j * last.units + u] = W[j * last.units + u]! * output.std[u]!;
    for (let u = 0; u < last.units; u++) b[u] = b[u]! * output.std[u]! + output.mean[u]!;
  }
  return out;
}


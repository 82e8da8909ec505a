/**
 * Concept activation vectors (Kim et al. 2018, Captum's `captum.concept`): a linear classifier
 * separating one concept's layer activations from another's, its weight vector oriented towards
 * the concept, and the TCAV scores of a set of layer gradients against it.
 */
import type { Rng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import { fitLogisticSgd, type LinearClassifierOptions } from '../_utils/stats/linear-classifier.js';
import { featureRow, type FeatureRows } from '../_utils/layer-features.js';

export interface Cav {
  /** The CAV: the classifier's weight vector for the concept (w·a > 0 on the concept's side). */
  readonly vector: Float32Array;
  /** Accuracy on the held-out split (Captum's `accs`). */
  readonly accuracy: number;
}

/**
 * Train the CAV of `concept` (rows `conceptRows` of `acts`) against `other` (rows `otherRows`).
 * Captum's DefaultClassifier semantics: the pooled examples are shuffled and the first
 * ⌊testSplit · n⌋ held out for the accuracy; the classifier trains on the rest. Captum orders
 * the classes by concept id and, for two classes, returns weights [−w, w]; the CAV of a concept
 * is its own row, i.e. the direction pointing from the other concept towards it. We label the
 * concept +1 and the other −1, so the CAV is w itself.
 */
export function trainCav(
  acts: FeatureRows,
  conceptRows: readonly number[],
  otherRows: readonly number[],
  rng: Rng,
  testSplit: number,
  classifier: LinearClassifierOptions,
): Cav {
  const all = [...conceptRows.map((r) => [r, 1] as const), ...otherRows.map((r) => [r, -1] as const)];
  const order = shuffledRange(rng, all.length);
  const nTest = Math.floor(testSplit * all.length);
  const test = Array.from(order.subarray(0, nTest), (k) => all[k]!);
  const train = Array.from(order.subarray(nTest), (k) => all[k]!);
  const fit = fitLogisticSgd(
    train.map(([r]) => featureRow(acts, r)),
    train.map(([, y]) => y),
    rng,
    classifier,
  );
  let correct = 0;
  for (const [r, y] of test) {
    const a = featureRow(acts, r);
    let z = fit.bias;
    for (let j = 0; j < a.length; j++) z += fit.weights[j]! * a[j]!;
    if ((z > 0 ? 1 : -1) === y) correct++;
  }
  return { vector: Float32Array.from(fit.weights), accuracy: test.length > 0 ? correct / test.length : Number.NaN };
}

export interface TcavScores {
  /** Fraction of inputs whose directional derivative ∇h·v is > 0 (Captum's `sign_count`). */
  readonly signCount: number;
  /** Σ max(∇h·v, 0) / Σ |∇h·v| (Captum's `magnitude`); NaN when every derivative is 0. */
  readonly magnitude: number;
}

/** TCAV scores of the layer gradients `grads` ([n, dim]) against the CAV `v`. */
export function tcavScores(grads: Float32Array, n: number, v: Float32Array): TcavScores {
  const d = v.length;
  let positive = 0;
  let posSum = 0;
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += grads[i * d + j]! * v[j]!;
    if (s > 0) {
      positive++;
      posSum += s;
    }
    absSum += Math.abs(s);
  }
  return { signCount: positive / n, magnitude: absSum > 0 ? posSum / absSum : Number.NaN };
}

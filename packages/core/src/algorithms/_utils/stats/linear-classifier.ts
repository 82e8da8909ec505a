/**
 * A binary linear classifier trained by stochastic gradient descent: L2-regularised logistic
 * regression, the CAV learner of TCAV.
 *
 * Why here and not a library: core keeps zero runtime dependencies; the solver is ~80 lines.
 * (ml-logistic-regression is its test oracle, with a Newton solve of the same objective.)
 *
 * Captum's DefaultClassifier wraps sklearn's SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3),
 * whose default loss is the hinge (a linear SVM). We minimise the same regularised objective with
 * the logistic loss instead:
 *
 *   J(w, b) = (1/n) Σᵢ log(1 + exp(−yᵢ (w·xᵢ + b))) + (α/2) ‖w‖²,   yᵢ ∈ {−1, +1},
 *
 * because it is smooth and strictly convex: its optimum is unique, so a CAV is a well-defined
 * quantity that tests can compare with an independent solver (the hinge optimum is not unique
 * on separable data and SGD's answer depends on its path). The training loop follows
 * SGDClassifier's: one sample at a time in a seeded shuffled order per epoch, sklearn's
 * "optimal" step ηₜ = 1 / (α (t₀ + t)) with t₀ = 1 / (α √(1/√α)), weight decay applied by a
 * scale factor, the intercept unregularised, and early stopping when the epoch's summed loss has
 * not fallen by more than tol · n for 5 epochs in a row (at most maxEpochs epochs).
 */
import type { Rng } from '../../../random/prng.js';
import { shuffledRange } from '../../../random/shuffle.js';
import { InvalidArgumentError } from '../../../errors.js';

export interface LinearClassifierOptions {
  /** L2 strength α (default 0.01, Captum's). */
  readonly alpha?: number;
  /** Most epochs (default 1000). */
  readonly maxEpochs?: number;
  /** Early-stopping tolerance on the summed epoch loss per sample (default 1e-3). */
  readonly tol?: number;
}

export interface LinearClassifierFit {
  /** Weights w (length d): w·x + b > 0 predicts the positive class. */
  readonly weights: Float64Array;
  readonly bias: number;
  /** Epochs run. */
  readonly epochs: number;
}

/** log(1 + exp(−z)) without overflow. */
function logLoss(z: number): number {
  return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

/** −d/dz log(1 + exp(−z)) = 1 / (1 + exp(z)). */
function logLossSlope(z: number): number {
  if (z > 0) {
    const e = Math.exp(-z);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(z));
}

/**
 * Fit on rows `rows[i]` (each of length d) with labels `labels[i]` ∈ {−1, +1}. Deterministic for
 * a given rng state (the only randomness is the per-epoch sample order).
 */
export function fitLogisticSgd(
  rows: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  rng: Rng,
  options: LinearClassifierOptions = {},
): LinearClassifierFit {
  const alpha = options.alpha ?? 0.01;
  const maxEpochs = options.maxEpochs ?? 1000;
  const tol = options.tol ?? 1e-3;
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new InvalidArgumentError(`classifier alpha must be a positive number (got ${alpha})`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new InvalidArgumentError(`classifier maxEpochs must be an integer ≥ 1 (got ${maxEpochs})`);
  if (!(tol >= 0)) throw new InvalidArgumentError(`classifier tol must be ≥ 0 (got ${tol})`);
  const n = rows.length;
  if (n === 0) throw new InvalidArgumentError('classifier: no training rows');
  if (labels.length !== n) throw new InvalidArgumentError(`classifier: ${labels.length} labels for ${n} rows`);
  const d = rows[0]!.length;
  const v = new Float64Array(d); // w = scale · v
  let scale = 1;
  let bias = 0;
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const t0 = 1 / (typw * alpha);
  let t = 1;
  let best = Infinity;
  let noImprovement = 0;
  let epoch = 0;
  while (epoch < maxEpochs) {
    epoch++;
    const order = shuffledRange(rng, n);
    let sumLoss = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const x = rows[i]!;
      const y = labels[i]!;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j]! * x[j]!;
      const z = y * (scale * dot + bias);
      sumLoss += logLoss(z);
      const eta = 1 / (alpha * (t0 + t - 1));
      const g = y * logLossSlope(z); // −∂loss/∂(w·x + b)
      scale *= 1 - eta * alpha;
      if (scale < 1e-9) {
        for (let j = 0; j < d; j++) v[j]! *= scale;
        scale = 1;
      }
      const step = (eta * g) / scale;
      if (step !== 0) for (let j = 0; j < d; j++) v[j]! += step * x[j]!;
      bias += eta * g;
      t++;
    }
    if (sumLoss > best - tol * n) noImprovement++;
    else noImprovement = 0;
    if (sumLoss < best) best = sumLoss;
    if (noImprovement >= 5) break;
  }
  const weights = new Float64Array(d);
  for (let j = 0; j < d; j++) weights[j] = scale * v[j]!;
  return { weights, bias, epochs: epoch };
}

/** The regularised objective J(w, b) (for tests and diagnostics). */
export function logisticObjective(rows: readonly ArrayLike<number>[], labels: ArrayLike<number>, w: ArrayLike<number>, b: number, alpha: number): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) {
    let dot = b;
    for (let j = 0; j < w.length; j++) dot += w[j]! * rows[i]![j]!;
    s += logLoss(labels[i]! * dot);
  }
  let r = 0;
  for (let j = 0; j < w.length; j++) r += w[j]! * w[j]!;
  return s / rows.length + (alpha / 2) * r;
}

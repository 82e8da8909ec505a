/**
 * The ground-truth benchmark tasks of `glasswing evaluate --task image|tabular` (issue 14): inputs
 * whose decisive features are known by construction, and the masks that mark them.
 *
 * image   the demo task (dataset.mjs): 20×20×1 images, only the 6×6 region at rows 3–8, columns
 *         11–16 decides the class; mask = that region (regionMask()), the same for every example.
 * tabular 10 named features, each standard normal except the decoy; the label is a known nonlinear
 *         function of THREE of them,
 *             label = 1  ⇔  signal_a · signal_b + signal_c² > 0.5      (no label noise)
 *         the six noise_* features are independent of everything, and decoy_a = signal_a + 0.5·ε
 *         is correlated with signal_a (ρ ≈ 0.89) but does not enter the rule: a model that has
 *         signal_a itself gains nothing from it. Mask = signal_a, signal_b, signal_c.
 * Everything is generated from seeds by dataset.mjs's mulberry32, so it is identical everywhere.
 */
import { createUniform } from './dataset.mjs';

export const TABULAR_FEATURES = ['noise_1', 'signal_a', 'noise_2', 'decoy_a', 'signal_b', 'noise_3', 'noise_4', 'signal_c', 'noise_5', 'noise_6'];
export const TABULAR_CLASSES = ['negative', 'positive'];
/** Indices of the features the label depends on. */
export const TABULAR_DECISIVE = Object.freeze([1, 4, 7]);
/** The decoy (correlated with signal_a, not in the rule) and the pure-noise features. */
export const TABULAR_DECOY = 3;
export const TABULAR_NOISE = Object.freeze([0, 2, 5, 6, 8, 9]);
export const TABULAR_RULE = 'label = 1 iff signal_a * signal_b + signal_c^2 > 0.5';

/** The noiseless label of one row (feature order TABULAR_FEATURES). */
export function tabularRule(row) {
  const a = row[1], b = row[4], c = row[7];
  return a * b + c * c > 0.5 ? 1 : 0;
}

/** {x: Float32Array [count × 10], labels: Int32Array, count}. */
export function generateTabular({ count, seed }) {
  const u = createUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
  const F = TABULAR_FEATURES.length;
  const x = new Float32Array(count * F);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const row = new Array(F);
    for (let j = 0; j < F; j++) row[j] = normal();
    row[TABULAR_DECOY] = row[1] + 0.5 * normal();
    const f32 = row.map(Math.fround);
    x.set(f32, i * F);
    labels[i] = tabularRule(f32);
  }
  return { x, labels, count };
}

/** The tabular mask of one example: 1 on the decisive features. */
export function tabularMask() {
  const m = new Float32Array(TABULAR_FEATURES.length);
  for (const j of TABULAR_DECISIVE) m[j] = 1;
  return m;
}

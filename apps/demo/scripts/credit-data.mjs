/**
 * The synthetic credit-scoring task of the tabular demo model (apps/demo/credit/).
 *
 * Each applicant has 8 named features (raw units, no scaling):
 *   income          yearly income in k$ (log-normal, 12 … 250)
 *   debt_ratio      monthly debt payments / monthly income (0 … 0.9)
 *   age             years, integer 18 … 75
 *   years_employed  integer 0 … age − 18 (≤ 40)
 *   late_payments   late payments in the last 2 years, integer 0 … 8
 *   credit_lines    open credit lines, integer 1 … 12
 *   home_owner      0 / 1
 *   savings         k$ in savings accounts (0 … 150)
 *
 * The label (1 = approve, 0 = deny) follows a known rule, then 4 % of labels are flipped:
 *   approve  ⇔  late_payments ≤ 1 and debt_ratio < 0.45 and income ≥ 25
 *             or income ≥ 90 and late_payments ≤ 3
 *             or savings ≥ 80 and debt_ratio < 0.6
 * so a good model, and a good surrogate of it, is mostly about late_payments, debt_ratio, income and
 * savings; age, years_employed, credit_lines and home_owner do not enter the rule.
 */
import { createUniform } from './dataset.mjs';

export const FEATURES = ['income', 'debt_ratio', 'age', 'years_employed', 'late_payments', 'credit_lines', 'home_owner', 'savings'];
export const CLASS_NAMES = ['deny', 'approve'];
export const LABEL_NOISE = 0.04;

export function creditRule(f) {
  const [income, debt, , , late, , , savings] = f;
  return (late <= 1 && debt < 0.45 && income >= 25) || (income >= 90 && late <= 3) || (savings >= 80 && debt < 0.6) ? 1 : 0;
}

/** {x: Float32Array [count × 8], labels: Int32Array, truth: Int32Array (the noiseless rule)}. */
export function generateCredit({ count, seed }) {
  const u = createUniform(seed);
  const normal = () => {
    const a = Math.max(u(), 1e-12);
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const x = new Float32Array(count * FEATURES.length);
  const labels = new Int32Array(count);
  const truth = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const age = 18 + Math.floor(u() * 58);
    const income = Math.round(clamp(Math.exp(3.9 + 0.55 * normal()), 12, 250));
    const yearsEmployed = Math.min(age - 18, 40, Math.floor(u() * (age - 17)));
    const debt = Math.round(clamp(0.3 + 0.18 * normal(), 0, 0.9) * 100) / 100;
    let late = 0;
    // A geometric-ish count: most applicants have 0-2 late payments.
    while (late < 8 && u() < 0.45) late++;
    const lines = 1 + Math.floor(u() * 12);
    const owner = u() < 0.4 + Math.min(0.4, yearsEmployed / 50) ? 1 : 0;
    const savings = Math.round(clamp(income * (0.1 + 0.6 * u()) * (u() < 0.3 ? 2.5 : 1), 0, 150));
    const row = [income, debt, age, yearsEmployed, late, lines, owner, savings];
    x.set(row, i * FEATURES.length);
    truth[i] = creditRule(row);
    labels[i] = u() < LABEL_NOISE ? 1 - truth[i] : truth[i];
  }
  return { x, labels, truth, count };
}

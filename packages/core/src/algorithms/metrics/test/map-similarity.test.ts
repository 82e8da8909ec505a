import { describe, expect, it } from 'vitest';
import { mapGeometry, mapSimilarity, pearson, prepareMap, spearman, ssim } from '../../_utils/map-similarity.js';
import { InvalidArgumentError } from '../../../errors.js';

const ramp = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

describe('map similarity: rank and linear correlation', () => {
  it('identical maps → 1, a reversed ranking → −1 (Spearman and Pearson)', () => {
    const a = [3, 1, 4, 1.5, 9, 2.6];
    expect(spearman(a, a)).toBeCloseTo(1, 12);
    expect(pearson(a, a)).toBeCloseTo(1, 12);
    const rev = a.map((v) => -v);
    expect(spearman(a, rev)).toBeCloseTo(-1, 12);
    expect(pearson(a, rev)).toBeCloseTo(-1, 12);
    // A monotone but non-linear transform keeps the ranking: Spearman 1, Pearson < 1.
    const cubed = a.map((v) => v ** 3);
    expect(spearman(a, cubed)).toBeCloseTo(1, 12);
    expect(pearson(a, cubed)).toBeLessThan(0.99);
  });

  it('Spearman with ties uses average ranks: a hand-computed case', () => {
    // a = [1, 2, 2, 3] → ranks [1, 2.5, 2.5, 4]; b = [1, 3, 2, 4] → ranks [1, 3, 2, 4].
    // Centred: a' = [−1.5, 0, 0, 1.5], b' = [−1.5, 0.5, −0.5, 1.5];
    // Σa'b' = 2.25 + 2.25 = 4.5, Σa'² = 4.5, Σb'² = 5 → ρ = 4.5 / √(4.5·5) = 0.9486833.
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    // Pearson by hand: a = [1, 2, 3], b = [1, 3, 2]: centred [−1, 0, 1] and [−1, 1, 0] → 1 / 2.
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
  });

  it('degenerate maps: both constant → 1, one constant → 0; mismatched sizes are refused', () => {
    expect(spearman([2, 2, 2], [5, 5, 5])).toBe(1);
    expect(spearman([2, 2, 2], [1, 2, 3])).toBe(0);
    expect(pearson([0, 0], [1, 2])).toBe(0);
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(InvalidArgumentError);
    expect(() => spearman([], [])).toThrow(InvalidArgumentError);
  });

  it('abs and normalise: |maps| compared, a positive scale changes nothing for the correlations', () => {
    expect(Array.from(prepareMap([-2, 1, 0], { abs: true, normalise: true }))).toEqual([1, 0.5, 0]);
    expect(Array.from(prepareMap([-4, 2], { normalise: true }))).toEqual([-1, 0.5]);
    expect(Array.from(prepareMap([0, 0], { normalise: true }))).toEqual([0, 0]);
    const a = [-3, 1, 2, -0.5];
    const flipped = a.map((v) => -v);
    expect(mapSimilarity(a, flipped, { measure: 'spearman', abs: true })).toBeCloseTo(1, 12);
    expect(mapSimilarity(a, flipped, { measure: 'spearman', abs: false })).toBeCloseTo(-1, 12);
  });
});

describe('map similarity: SSIM (skimage structural_similarity defaults: 7×7 uniform window, sample covariance)', () => {
  const g7 = mapGeometry([7, 7, 1]);

  it('identical maps → 1; the same constant → 1', () => {
    const a = ramp(81, (i) => Math.sin(i * 1.7));
    expect(ssim(a, a, mapGeometry([9, 9]))).toBeCloseTo(1, 12);
    expect(ssim(new Float64Array(49).fill(0.3), new Float64Array(49).fill(0.3), g7)).toBe(1);
  });

  it('one 7×7 window, b = a + d: SSIM = (2μ(μ+d) + C1) / (μ² + (μ+d)² + C1) (variances and covariance cancel)', () => {
    // a = i/48, i = 0…48: μ = 0.5. b = a + 0.5. Data range L = 1.5 − 0 → C1 = (0.01·1.5)² = 0.000225.
    const a = ramp(49, (i) => i / 48);
    const b = a.map((v) => v + 0.5);
    const c1 = (0.01 * 1.5) ** 2;
    expect(ssim(a, b, g7)).toBeCloseTo((2 * 0.5 * 1 + c1) / (0.25 + 1 + c1), 12);
  });

  it('one 7×7 window, b = 1 − a: SSIM = (C2 − 2s²) / (C2 + 2s²) with s² the sample variance', () => {
    // Means agree (0.5), so the luminance term is 1; σxy = −s². s² (ddof 1) of i/48, i = 0…48:
    // var(0…48) = 49·50/12 = 204.1667, / 48² = 0.0886140. L = 1 → C2 = 0.0009.
    const a = ramp(49, (i) => i / 48);
    const b = a.map((v) => 1 - v);
    const s2 = (49 * 50) / 12 / 48 ** 2;
    const c2 = 0.03 ** 2;
    expect(ssim(a, b, g7)).toBeCloseTo((c2 - 2 * s2) / (c2 + 2 * s2), 10);
  });

  it('averages the windows that fit: an 8×7 image has two, and a change seen by one window halves its drop', () => {
    // Rows 0–6 and rows 1–7 are the two windows. Changing a pixel of row 7 only touches the second.
    const a = ramp(56, (i) => ((i * 37) % 11) / 10);
    const b = Float64Array.from(a);
    b[7 * 7 + 3] = a[7 * 7 + 3]! + 0.5;
    const both = ssim(a, b, mapGeometry([8, 7]));
    // Window 1 sees identical content (SSIM 1, whatever C1, C2); the mean is (1 + s₂)/2 where s₂ is
    // the second window alone, i.e. the SSIM of the 7×7 image made of rows 1–7.
    const s2 = ssim(a.subarray(7), b.subarray(7), g7);
    // Same data range? Both images have range max(a∪b) − min: rows 1–7 hold the changed pixel and
    // the global extremes (0 and 1 occur there too), so the two computations use the same C1, C2.
    expect(both).toBeCloseTo((1 + s2) / 2, 12);
    expect(s2).toBeLessThan(1);
  });

  it('channels are averaged (NHWC and NCHW read the same pixels); too-small maps are refused', () => {
    const a = ramp(49, (i) => i / 48);
    const b = a.map((v) => 1 - v);
    const two = new Float64Array(98);
    const twoB = new Float64Array(98);
    for (let i = 0; i < 49; i++) {
      two[2 * i] = a[i]!;
      two[2 * i + 1] = a[i]!;
      twoB[2 * i] = a[i]!;
      twoB[2 * i + 1] = b[i]!;
    }
    const expected = (1 + ssim(a, b, g7)) / 2;
    expect(ssim(two, twoB, mapGeometry([7, 7, 2]))).toBeCloseTo(expected, 12);
    const chw = Float64Array.from([...a, ...a]);
    const chwB = Float64Array.from([...a, ...b]);
    expect(ssim(chw, chwB, mapGeometry([2, 7, 7]))).toBeCloseTo(expected, 12);
    expect(() => ssim(ramp(36, (i) => i), ramp(36, (i) => i), mapGeometry([6, 6]))).toThrow(InvalidArgumentError);
    expect(() => mapGeometry([5, 5, 5])).toThrow(InvalidArgumentError);
  });

  it('matches skimage.structural_similarity on a 10×12 pair (oracle: its algorithm re-run with scipy uniform_filter)', () => {
    // Value from Python: scipy.ndimage.uniform_filter(size 7, mode 'reflect') of X, Y, X², Y², XY,
    // sample covariances (×49/48), C1 = (0.01·L)², C2 = (0.03·L)², L = max(X∪Y) − min(X∪Y),
    // SSIM map cropped by 3 on each side and averaged — skimage's defaults for float images.
    const x = Float64Array.from({ length: 120 }, (_, k) => Math.sin(0.7 * Math.floor(k / 12) + 1.3 * (k % 12)));
    const y = x.map((v, k) => 0.8 * v + 0.3 * Math.cos(Math.floor(k / 12) + 2 * (k % 12)));
    expect(ssim(x, y, mapGeometry([10, 12]))).toBeCloseTo(0.9146259193548234, 10);
  });

  it('a vector map uses a 1×7 window (skimage 1-D)', () => {
    // Length 7: one window, so the formula of the b = 1 − a case with 7 samples applies.
    const a = ramp(7, (i) => i / 6);
    const b = a.map((v) => 1 - v);
    const s2 = (7 * 8) / 12 / 36; // sample variance of 0…6 is 7·8/12, over 6²
    const c2 = 0.03 ** 2;
    expect(ssim(a, b, mapGeometry([7]))).toBeCloseTo((c2 - 2 * s2) / (c2 + 2 * s2), 10);
  });
});

/** The Pearson correlation shared by the metrics, the map similarities and their tests. */

/**
 * Pearson's ρ of two equally long sequences (means and sums in float64), or null when either side
 * is constant (no linear relation can be measured); callers decide what that means for them.
 */
export function pearsonOrNull(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  const d = Math.sqrt(saa * sbb);
  return d === 0 ? null : Math.max(-1, Math.min(1, sab / d));
}

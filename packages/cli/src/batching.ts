/**
 * The CLI's default `internalBatchSize` (rows per model call) when `--internal-batch-size` is not
 * given. The library's own default is unlimited: integrated gradients over 32 LeNet images and 50
 * steps is then ONE model call of 1,600 rows, seconds long, during which neither the progress bar
 * nor Ctrl-C can be served. The CLI bounds a call to about VALUES_PER_CALL input values instead
 * (LeNet 28×28×1: 167 rows; a 20×20 image: 327 rows; 10 tabular features: 4,096 rows, the cap),
 * close to the chunks the benchmarks run (200 rows of LeNet, 3,200 of the tabular MLP: see
 * benchmarks/results/2026-11-22.md), where a call takes well under a second on the default
 * adapters. Rows are independent in every method, so the attributions do not depend on it.
 */
export const VALUES_PER_CALL = 1 << 17;
export const MAX_ROWS_PER_CALL = 4096;

export function defaultInternalBatchSize(inputShape: readonly number[]): number {
  const perRow = Math.max(1, inputShape.reduce((a, d) => a * d, 1));
  return Math.max(1, Math.min(MAX_ROWS_PER_CALL, Math.floor(VALUES_PER_CALL / perRow)));
}

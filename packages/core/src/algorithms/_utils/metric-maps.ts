/**
 * Helpers the metric files share: checking an attribution map against the model's input shape and
 * reading it per example.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { sizeOf } from '../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';

/**
 * Checks that `attributions` (named `name` in errors) is one finite map per example of `x`:
 * shape [N, ...model.inputShape] with N = x.shape[0]. `x` must be finite too (a metric that reads
 * only the maps still scores an explanation of x: a NaN input is garbage in). Returns N and the
 * per-example size.
 */
export function checkMaps(model: Model, x: Tensor, attributions: Tensor, name = 'attributions'): { n: number; size: number } {
  const n = x.shape[0] ?? 0;
  const badX = x.data.findIndex((v) => !Number.isFinite(v));
  if (badX >= 0) throw new InvalidArgumentError(`x holds a non-finite value (${x.data[badX]}) at flat index ${badX}`);
  const expected = [n, ...model.inputShape];
  if (attributions.shape.length !== expected.length || attributions.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${name} must have shape [${expected.join(', ')}] (one map per input example), got [${attributions.shape.join(', ')}]`);
  }
  const bad = attributions.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InvalidArgumentError(`${name} holds a non-finite value (${attributions.data[bad]}) at flat index ${bad}`);
  return { n, size: sizeOf(model.inputShape) };
}

/** Example `i`'s flat map (a view, no copy). */
export function rowOf(t: Tensor, i: number, size: number): Float32Array {
  return t.data.subarray(i * size, (i + 1) * size);
}

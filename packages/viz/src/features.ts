/**
 * Shared input checks and labels for the tabular (per-feature) pictures.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import { formatNumber } from './svg.js';

export interface Feature {
  readonly index: number;
  readonly name: string;
  readonly value: number;
  /** The feature's input value, as text (undefined when not given). */
  readonly shown?: string;
}

export function checkNumbers(values: ArrayLike<number>, what: string): number[] {
  const out = Array.from(values);
  out.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new NumericError(`${what}[${i}] is not a finite number (${String(v)})`);
  });
  return out;
}

export function prepareFeatures(
  values: ArrayLike<number>,
  featureNames: readonly string[] | undefined,
  featureValues: ArrayLike<number | string> | undefined,
): Feature[] {
  const v = checkNumbers(values, 'attributions');
  if (v.length === 0) throw new ShapeError('there are no features to draw');
  if (featureNames && featureNames.length !== v.length) {
    throw new ShapeError(`got ${featureNames.length} feature names for ${v.length} attributions`);
  }
  if (featureValues && featureValues.length !== v.length) {
    throw new ShapeError(`got ${featureValues.length} feature values for ${v.length} attributions`);
  }
  return v.map((value, index) => {
    const fv = featureValues?.[index];
    return {
      index,
      name: featureNames ? String(featureNames[index]) : `feature ${index}`,
      value,
      shown: fv === undefined ? undefined : typeof fv === 'number' ? formatNumber(fv, 4) : String(fv),
    };
  });
}

/** "name = value" or just the name. */
export function featureLabel(f: Pick<Feature, 'name' | 'shown'>): string {
  return f.shown === undefined ? f.name : `${f.name} = ${f.shown}`;
}

/** Sort by |attribution| (descending, ties by index) and fold the tail into one "other" entry. */
export function topFeatures(features: readonly Feature[], maxFeatures: number): { shown: Feature[]; rest?: Feature } {
  if (!Number.isInteger(maxFeatures) || maxFeatures < 1) {
    throw new InvalidArgumentError(`maxFeatures must be a positive integer, got ${maxFeatures}`);
  }
  const sorted = [...features].sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.index - b.index);
  if (sorted.length <= maxFeatures) return { shown: sorted };
  const tail = sorted.slice(maxFeatures - 1);
  return {
    shown: sorted.slice(0, maxFeatures - 1),
    rest: { index: -1, name: `${tail.length} other features`, value: tail.reduce((a, f) => a + f.value, 0) },
  };
}

export function checkFiniteNumber(v: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new NumericError(`${what} must be a finite number, got ${String(v)}`);
  return v;
}

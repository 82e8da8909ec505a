/** Checking metric options (numbers or the strings the CLI passes), errors naming the metric. */
import { InvalidArgumentError } from '../../errors.js';
import { checkPositiveInt } from './common.js';

/** A finite number ≥ 0 (or > 0 where `positive`) option, else an InvalidArgumentError naming the metric. */
export function checkMetricNumber(value: unknown, name: string, metric: string, fallback: number, positive = false): number {
  if (value === undefined) return fallback;
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
    throw new InvalidArgumentError(`${metric}: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${String(value)}`);
  }
  return v;
}

/** An integer option ≥ min (numbers or numeric strings, as the CLI passes them). */
export function checkMetricInt(value: unknown, name: string, metric: string, fallback: number, min = 1): number {
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return checkPositiveInt(v as number | undefined, `${metric}: ${name}`, fallback, min);
}

/** The seed option: an integer (default 0). */
export function checkSeed(value: unknown, metric: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidArgumentError(`${metric}: seed must be an integer, got ${String(value)}`);
  return value;
}

/** A boolean option (true / false, or the strings 'true' / 'false'). */
export function checkMetricBool(value: unknown, name: string, metric: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidArgumentError(`${metric}: ${name} must be true or false, got ${String(value)}`);
}

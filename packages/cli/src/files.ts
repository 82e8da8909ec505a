/**
 * Reading the CLI's input files: tensors (input, baseline) as JSON, with friendly errors.
 *
 * Tensor file formats:
 *   {"shape": [N, ...], "data": [numbers, flat or nested]}   or   nested arrays of numbers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, MAX_JSON_DEPTH, ShapeError, jsonTooDeep, sizeOf } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';

/** A runtime failure of the CLI that is not a typed Glasswing error (exit code 1). */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what} '${path}': ${describeFsError(err)}`, { cause: err });
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CliError(`${what} '${path}' is not valid JSON: ${detail}`, { cause: err });
  }
  const deep = jsonTooDeep(json);
  if (deep !== undefined) throw new CliError(`${what} '${path}' nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep (at ${deep})`);
  return json;
}

export function writeFile(path: string, data: string | Uint8Array, what: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  } catch (err) {
    throw new CliError(`cannot write ${what} '${path}': ${describeFsError(err)}`, { cause: err });
  }
}

export function resolvePath(cwd: string, p: string): string {
  return resolve(cwd, p);
}

/** Flatten nested arrays of numbers, checking every leaf is a finite number and rows are regular. */
function flattenNested(value: unknown, what: string): { shape: number[]; data: number[] } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const data: number[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidArgumentError(`${what}: value at ${path || 'top level'} is not a finite number (${typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))})`);
      }
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError(`${what}: ragged nested array at ${path || 'top level'} (expected ${shape[depth]} entries)`);
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return { shape, data };
}

/** Parse the JSON value of a tensor file. */
export function tensorFromJson(value: unknown, what: string): Tensor {
  if (Array.isArray(value)) {
    const { shape, data } = flattenNested(value, what);
    if (shape.length === 0) throw new ShapeError(`${what} is empty`);
    return { shape, data: Float32Array.from(data) };
  }
  if (value !== null && typeof value === 'object' && 'data' in value) {
    const obj = value as { shape?: unknown; data: unknown };
    const nested = flattenNested(obj.data, what);
    if (nested.shape.length === 0) throw new InvalidArgumentError(`${what}: "data" must be an array of numbers`);
    let shape = nested.shape;
    if (obj.shape !== undefined) {
      if (!Array.isArray(obj.shape) || obj.shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
        throw new ShapeError(`${what}: "shape" must be an array of non-negative integers`);
      }
      shape = obj.shape as number[];
      if (sizeOf(shape) !== nested.data.length) {
        throw new ShapeError(`${what}: "data" has ${nested.data.length} values but "shape" [${shape.join(', ')}] needs ${sizeOf(shape)}`);
      }
    }
    return { shape: [...shape], data: Float32Array.from(nested.data) };
  }
  throw new InvalidArgumentError(
    `${what} must be nested arrays of numbers or an object {"shape": [...], "data": [...]}`,
  );
}

export function readTensorFile(path: string, what: string): Tensor {
  return tensorFromJson(readJson(path, what), `${what} '${path}'`);
}

function matches(shape: readonly number[], want: readonly number[]): boolean {
  return shape.length === want.length && want.every((d, i) => d < 0 || d === shape[i]);
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Fit a tensor to the model's per-example shape: a single example without the batch dimension
 * becomes [1, ...]; [N, ...inputShape] is kept.
 */
export function asBatch(t: Tensor, inputShape: readonly number[], what: string): Tensor {
  if (matches(t.shape, inputShape)) return { shape: [1, ...t.shape], data: t.data };
  if (t.shape.length === inputShape.length + 1 && matches(t.shape.slice(1), inputShape)) {
    if (t.shape[0] === 0) throw new ShapeError(`${what} has no examples (shape ${fmt(t.shape)})`);
    return t;
  }
  throw new ShapeError(
    `${what} has shape ${fmt(t.shape)} but the model expects [N, ${inputShape.join(', ')}] or one example ${fmt(inputShape)}`,
  );
}

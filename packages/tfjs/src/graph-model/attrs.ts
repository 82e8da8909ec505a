/** Typed reading of a GraphDef node's attributes (protobuf JSON: int64 as strings, bytes as base64). */
import { ModelFormatError } from '@glasswing/core';
import type { TfAttrValue, TfNode, TfShape } from './artifacts.js';

/** DT_* enum names by number (the subset graph models use). */
const DTYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'DT_FLOAT',
  2: 'DT_DOUBLE',
  3: 'DT_INT32',
  4: 'DT_UINT8',
  6: 'DT_INT8',
  7: 'DT_STRING',
  9: 'DT_INT64',
  10: 'DT_BOOL',
  19: 'DT_HALF',
};

export function dtypeName(t: string | number | undefined): string | undefined {
  if (t === undefined) return undefined;
  return typeof t === 'number' ? (DTYPE_NAMES[t] ?? `DT_${t}`) : t;
}

/** Base64 (as tfjs-converter writes string attributes) to a binary string; undefined when malformed. */
function decodeBase64(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  try {
    return typeof atob === 'function' ? atob(s) : Buffer.from(s, 'base64').toString('binary');
  } catch {
    return undefined; // atob: InvalidCharacterError
  }
}

const toInt = (v: string | number): number => (typeof v === 'number' ? v : parseInt(v, 10));
const toFloat = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** Dimensions of a TensorShapeProto (-1 unknown); undefined for unknown rank. */
export function shapeDims(s: TfShape | undefined, where = 'graph model'): number[] | undefined {
  if (s === undefined || s.unknownRank) return undefined;
  const dims: unknown = s === null || typeof s !== 'object' ? undefined : (s.dim ?? []);
  if (!Array.isArray(dims)) throw new ModelFormatError(`${where}: a shape must be {dim: [{size}, …]}, got ${JSON.stringify(s)}`);
  return dims.map((d: { size?: string | number } | null) => {
    if (d === null || typeof d !== 'object') throw new ModelFormatError(`${where}: a shape dimension must be {size}, got ${JSON.stringify(d)}`);
    const n = d.size === undefined ? -1 : toInt(d.size);
    if (!Number.isInteger(n) || n < -1) throw new ModelFormatError(`${where}: a shape dimension must be an integer >= -1, got ${JSON.stringify(d.size)}`);
    return n;
  });
}

export class TfAttrs {
  constructor(
    private readonly node: TfNode,
    private readonly where: string,
  ) {}

  private get(key: string): TfAttrValue | undefined {
    const v: unknown = this.node.attr[key];
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw this.bad(key, 'an AttrValue object');
    return v as TfAttrValue;
  }

  /** The list field `field` of attribute `key`, checked to be an array. */
  private list(key: string, field: 'i' | 'f' | 's', want: string): unknown[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    const list: unknown = v.list;
    if (list === null || typeof list !== 'object') throw this.bad(key, want);
    const xs: unknown = (list as Record<string, unknown>)[field] ?? [];
    if (!Array.isArray(xs)) throw this.bad(key, want);
    return xs;
  }

  has(key: string): boolean {
    return this.node.attr[key] !== undefined;
  }

  private bad(key: string, want: string): ModelFormatError {
    return new ModelFormatError(`${this.where}: attribute ${key} must be ${want}, got ${JSON.stringify(this.node.attr[key])}`);
  }

  int(key: string, fallback: number): number {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (v.i === undefined) {
      // proto3 JSON omits default values: {} is 0.
      if (Object.keys(v).length === 0) return 0;
      throw this.bad(key, 'an integer');
    }
    const n = typeof v.i === 'number' || typeof v.i === 'string' ? toInt(v.i) : NaN;
    if (!Number.isSafeInteger(n)) throw this.bad(key, 'an integer');
    return n;
  }

  float(key: string, fallback: number): number {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (v.f === undefined) {
      if (Object.keys(v).length === 0) return 0;
      throw this.bad(key, 'a number');
    }
    if (typeof v.f !== 'number' && typeof v.f !== 'string') throw this.bad(key, 'a number');
    return toFloat(v.f);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (v.b === undefined) {
      if (Object.keys(v).length === 0) return false;
      throw this.bad(key, 'a boolean');
    }
    return v.b;
  }

  /** A string attribute (bytes, base64 in JSON). */
  string(key: string, fallback: string): string {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (v.s === undefined) {
      if (Object.keys(v).length === 0) return '';
      throw this.bad(key, 'a string');
    }
    const text = decodeBase64(v.s);
    if (text === undefined) throw this.bad(key, 'a base64 string');
    return text;
  }

  ints(key: string, fallback: readonly number[]): number[] {
    const xs = this.list(key, 'i', 'a list of integers');
    if (xs === undefined) return [...fallback];
    return xs.map((x) => {
      const n = typeof x === 'number' || typeof x === 'string' ? toInt(x) : NaN;
      if (!Number.isSafeInteger(n)) throw this.bad(key, 'a list of integers');
      return n;
    });
  }

  floats(key: string, fallback: readonly number[]): number[] {
    const xs = this.list(key, 'f', 'a list of numbers');
    if (xs === undefined) return [...fallback];
    return xs.map((x) => {
      if (typeof x !== 'number' && typeof x !== 'string') throw this.bad(key, 'a list of numbers');
      return toFloat(x);
    });
  }

  strings(key: string, fallback: readonly string[]): string[] {
    const xs = this.list(key, 's', 'a list of strings');
    if (xs === undefined) return [...fallback];
    return xs.map((x) => {
      const text = decodeBase64(x);
      if (text === undefined) throw this.bad(key, 'a list of base64 strings');
      return text;
    });
  }

  /** A dtype attribute as a DT_* name. */
  type(key: string): string | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : dtypeName(v.type);
  }

  shape(key: string): number[] | undefined {
    return shapeDims(this.get(key)?.shape, `${this.where}: attribute ${key}`);
  }
}

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
export function shapeDims(s: TfShape | undefined): number[] | undefined {
  if (s === undefined || s.unknownRank) return undefined;
  return (s.dim ?? []).map((d) => (d.size === undefined ? -1 : toInt(d.size)));
}

export class TfAttrs {
  constructor(
    private readonly node: TfNode,
    private readonly where: string,
  ) {}

  private get(key: string): TfAttrValue | undefined {
    return this.node.attr[key];
  }

  has(key: string): boolean {
    return this.node.attr[key] !== undefined;
  }

  private bad(key: string, want: string): ModelFormatError {
    return new ModelFormatError(`${this.where}: attribute ${key} must be ${want}, got ${JSON.stringify(this.get(key))}`);
  }

  int(key: string, fallback: number): number {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (v.i === undefined) {
      // proto3 JSON omits default values: {} is 0.
      if (Object.keys(v).length === 0) return 0;
      throw this.bad(key, 'an integer');
    }
    return toInt(v.i);
  }

  float(key: string, fallback: number): number {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (v.f === undefined) {
      if (Object.keys(v).length === 0) return 0;
      throw this.bad(key, 'a number');
    }
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
    const v = this.get(key);
    if (v === undefined) return [...fallback];
    if (v.list === undefined) throw this.bad(key, 'a list of integers');
    return (v.list.i ?? []).map(toInt);
  }

  floats(key: string, fallback: readonly number[]): number[] {
    const v = this.get(key);
    if (v === undefined) return [...fallback];
    if (v.list === undefined) throw this.bad(key, 'a list of numbers');
    return (v.list.f ?? []).map(toFloat);
  }

  strings(key: string, fallback: readonly string[]): string[] {
    const v = this.get(key);
    if (v === undefined) return [...fallback];
    if (v.list === undefined) throw this.bad(key, 'a list of strings');
    return (v.list.s ?? []).map((x) => {
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
    return shapeDims(this.get(key)?.shape);
  }
}

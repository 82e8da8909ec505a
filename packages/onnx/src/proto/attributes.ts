/** Reading and writing NodeProto attributes. */
import { ModelFormatError } from '@glasswing/core';
import {
  AttributeType,
  onnx,
  toNumber,
  type AttributeProto,
  type IAttributeProto,
  type IGraphProto,
  type INodeProto,
  type ITensorProto,
} from './onnx.js';

export type AttrJs = number | string | number[] | string[] | ITensorProto | IGraphProto;

const text = new TextDecoder();

function inferType(a: IAttributeProto): number {
  if (a.type) return a.type;
  // Old exporters may leave `type` unset: infer from the populated field.
  if (a.floats && a.floats.length) return AttributeType.FLOATS;
  if (a.ints && a.ints.length) return AttributeType.INTS;
  if (a.strings && a.strings.length) return AttributeType.STRINGS;
  if (a.t) return AttributeType.TENSOR;
  if (a.g) return AttributeType.GRAPH;
  if (a.s && a.s.length) return AttributeType.STRING;
  if (a.i !== undefined && a.i !== null && toNumber(a.i) !== 0) return AttributeType.INT;
  if (a.f !== undefined && a.f !== null && a.f !== 0) return AttributeType.FLOAT;
  return AttributeType.UNDEFINED;
}

/** An attribute's value as a JS value (strings decoded as UTF-8; int64 as numbers). */
export function attrValue(a: IAttributeProto, where = ''): AttrJs {
  const type = inferType(a);
  switch (type) {
    case AttributeType.FLOAT: return a.f ?? 0;
    case AttributeType.INT: return toNumber(a.i ?? 0);
    case AttributeType.STRING: return text.decode(a.s ?? new Uint8Array());
    case AttributeType.TENSOR: return a.t ?? {};
    case AttributeType.GRAPH: return a.g ?? {};
    case AttributeType.FLOATS: return [...(a.floats ?? [])];
    case AttributeType.INTS: return (a.ints ?? []).map(toNumber);
    case AttributeType.STRINGS: return (a.strings ?? []).map((s) => text.decode(s));
    default:
      throw new ModelFormatError(`${where}attribute ${a.name ?? '(unnamed)'} has an unsupported or missing type (${type})`);
  }
}

/** Typed access to one node's attributes with ONNX defaults. */
export class NodeAttributes {
  private readonly byName = new Map<string, IAttributeProto>();
  constructor(
    node: INodeProto,
    private readonly where: string,
  ) {
    for (const a of node.attribute ?? []) if (a.name) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): AttrJs | undefined {
    const a = this.byName.get(name);
    return a === undefined ? undefined : attrValue(a, `${this.where}: `);
  }

  int(name: string, fallback: number): number {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'number') throw new ModelFormatError(`${this.where}: attribute ${name} must be an integer`);
    return v;
  }

  float(name: string, fallback: number): number {
    return this.int(name, fallback);
  }

  ints(name: string): number[] | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'number')) {
      throw new ModelFormatError(`${this.where}: attribute ${name} must be a list of numbers`);
    }
    return v as number[];
  }

  string(name: string, fallback: string): string {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'string') throw new ModelFormatError(`${this.where}: attribute ${name} must be a string`);
    return v;
  }

  tensor(name: string): ITensorProto | undefined {
    const a = this.byName.get(name);
    return a?.t ?? undefined;
  }
}

/** Explicit attribute-type markers for values whose type a plain number cannot tell. */
export interface FloatAttr {
  readonly float: number;
}
export interface FloatsAttr {
  readonly floats: readonly number[];
}
export type AttrInput = number | string | readonly number[] | readonly string[] | FloatAttr | FloatsAttr | ITensorProto;

export const float = (v: number): FloatAttr => ({ float: v });
export const floats = (v: readonly number[]): FloatsAttr => ({ floats: v });

/**
 * An AttributeProto. Numbers: integers become INT, others FLOAT — wrap with `float(...)` /
 * `floats(...)` for float attributes with integral values (e.g. alpha = 1).
 */
export function makeAttribute(name: string, value: AttrInput): AttributeProto {
  const A = onnx.AttributeProto;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? A.create({ name, type: AttributeType.INT, i: value }) : A.create({ name, type: AttributeType.FLOAT, f: value });
  }
  if (typeof value === 'string') return A.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      return A.create({ name, type: AttributeType.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) });
    }
    const nums = value as number[];
    return nums.every(Number.isInteger)
      ? A.create({ name, type: AttributeType.INTS, ints: [...nums] })
      : A.create({ name, type: AttributeType.FLOATS, floats: [...nums] });
  }
  if ('float' in value) return A.create({ name, type: AttributeType.FLOAT, f: value.float });
  if ('floats' in value) return A.create({ name, type: AttributeType.FLOATS, floats: [...value.floats] });
  return A.create({ name, type: AttributeType.TENSOR, t: value as ITensorProto });
}

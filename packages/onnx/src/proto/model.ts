/** Decoding/encoding ModelProto bytes and building small ONNX graphs. */
import { ModelFormatError } from '@glasswing/core';
import { makeAttribute, type AttrInput } from './attributes.js';
import {
  DataType,
  onnx,
  toNumber,
  type IGraphProto,
  type IModelProto,
  type ITensorProto,
  type IValueInfoProto,
  type ModelProto,
  type NodeProto,
  type ValueInfoProto,
} from './onnx.js';

function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/**
 * Decode ONNX ModelProto bytes. Corrupt or truncated bytes, and protobuf messages that are not
 * an ONNX model (no graph), are ModelFormatErrors naming `source` (default "ONNX model").
 */
export function decodeModel(bytes: Uint8Array | ArrayBuffer, source = 'ONNX model'): ModelProto {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new ModelFormatError(`${source}: expected bytes (Uint8Array or ArrayBuffer)`);
  }
  const data = asBytes(bytes);
  if (data.byteLength === 0) throw new ModelFormatError(`${source} is empty (0 bytes)`);
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(data);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const truncated = /index out of range/i.test(why);
    throw new ModelFormatError(
      `${source} (${data.byteLength} bytes) is ${truncated ? 'truncated or corrupt' : 'corrupt or not an ONNX model'}: protobuf decoding failed (${why})`,
      { cause: e },
    );
  }
  if (!model.graph) throw new ModelFormatError(`${source} (${data.byteLength} bytes) is not an ONNX model: it has no graph`);
  if ((model.graph.node ?? []).length === 0 && (model.graph.output ?? []).length === 0) {
    throw new ModelFormatError(`${source} is not a usable ONNX model: its graph has no nodes and no outputs`);
  }
  return model;
}

/** Serialize a ModelProto (or plain object of the same shape) to bytes. */
export function encodeModel(model: IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model instanceof onnx.ModelProto ? model : onnx.ModelProto.create(model)).finish();
}

/** The default-domain ('' or 'ai.onnx') opset version a model imports; 0 when absent. */
export function opsetOf(model: IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version ?? 0) : 0;
}

export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Readonly<Record<string, AttrInput | undefined>> = {},
  name = '',
  domain = '',
): NodeProto {
  const attribute = Object.entries(attrs)
    .filter((e): e is [string, AttrInput] => e[1] !== undefined)
    .map(([k, v]) => makeAttribute(k, v));
  return onnx.NodeProto.create({ opType, input: [...inputs], output: [...outputs], name, domain, attribute });
}

/** A tensor ValueInfo: dims are numbers (fixed), strings (symbolic, e.g. 'batch') or null (unknown). */
export function makeValueInfo(name: string, dims: readonly (number | string | null)[] | null, elemType: number = DataType.FLOAT): ValueInfoProto {
  const shape =
    dims === null
      ? undefined
      : { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) };
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, ...(shape ? { shape } : {}) } } });
}

/** The IR version matching an opset (the lowest ONNX release that defines it). */
export function irVersionForOpset(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 9) return 4;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export interface MakeModelSpec {
  readonly name?: string;
  readonly nodes: readonly NodeProto[];
  readonly inputs: readonly IValueInfoProto[];
  readonly outputs: readonly IValueInfoProto[];
  readonly initializers?: readonly ITensorProto[];
  readonly valueInfo?: readonly IValueInfoProto[];
  /** Default-domain opset (default 13). */
  readonly opset?: number;
  /** Extra opset imports, e.g. { domain: 'com.microsoft', version: 1 }. */
  readonly extraOpsets?: readonly { domain: string; version: number }[];
  readonly irVersion?: number;
  readonly producerName?: string;
}

export function makeModel(spec: MakeModelSpec): ModelProto {
  const opset = spec.opset ?? 13;
  const graph: IGraphProto = {
    name: spec.name ?? 'graph',
    node: [...spec.nodes],
    input: [...spec.inputs],
    output: [...spec.outputs],
    initializer: [...(spec.initializers ?? [])],
    valueInfo: [...(spec.valueInfo ?? [])],
  };
  return onnx.ModelProto.create({
    irVersion: spec.irVersion ?? irVersionForOpset(opset),
    producerName: spec.producerName ?? 'glasswing',
    opsetImport: [{ domain: '', version: opset }, ...(spec.extraOpsets ?? [])],
    graph,
  });
}

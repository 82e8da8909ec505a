/**
 * TensorProto <-> host values. Floating tensors (float32, float64, float16, bfloat16) become
 * float32; integer and bool tensors become plain JS number arrays (shape constants, indices,
 * axes). External data (inlined by loadOnnxBytes / fromOnnx beforehand) and string/complex tensors
 * are ModelFormatErrors naming the tensor.
 */
import { ModelFormatError, sizeOf, type Tensor } from '@glasswing/core';
import { DataType, dataTypeName, onnx, toNumber, type ITensorProto, type TensorProto } from './onnx.js';

export type ElementKind = 'float' | 'int' | 'bool';

export interface DecodedTensor {
  readonly kind: ElementKind;
  /** The TensorProto data type it came from. */
  readonly dataType: number;
  readonly shape: number[];
  /** float: Float32Array; int/bool: numbers (bool as 0/1). */
  readonly data: Float32Array | number[];
}

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);
const INT_TYPES = new Set<number>([
  DataType.UINT8,
  DataType.INT8,
  DataType.UINT16,
  DataType.INT16,
  DataType.INT32,
  DataType.INT64,
  DataType.UINT32,
  DataType.UINT64,
]);

export function elementKindOf(dataType: number): ElementKind | undefined {
  if (FLOAT_TYPES.has(dataType)) return 'float';
  if (INT_TYPES.has(dataType)) return 'int';
  if (dataType === DataType.BOOL) return 'bool';
  return undefined;
}

const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.FLOAT16]: 2,
  [DataType.BFLOAT16]: 2,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.BOOL]: 1,
};

/** IEEE half-precision bits -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bf16ToFloat(b: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (b & 0xffff) << 16);
  return view.getFloat32(0);
}

function readRaw(raw: Uint8Array, dataType: number, n: number): number[] | Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = dataType === DataType.FLOAT || FLOAT_TYPES.has(dataType) ? new Float32Array(n) : new Array<number>(n);
  for (let i = 0; i < n; i++) {
    switch (dataType) {
      case DataType.FLOAT: out[i] = view.getFloat32(i * 4, true); break;
      case DataType.DOUBLE: out[i] = view.getFloat64(i * 8, true); break;
      case DataType.FLOAT16: out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
      case DataType.BFLOAT16: out[i] = bf16ToFloat(view.getUint16(i * 2, true)); break;
      case DataType.UINT8: case DataType.BOOL: out[i] = view.getUint8(i); break;
      case DataType.INT8: out[i] = view.getInt8(i); break;
      case DataType.UINT16: out[i] = view.getUint16(i * 2, true); break;
      case DataType.INT16: out[i] = view.getInt16(i * 2, true); break;
      case DataType.INT32: out[i] = view.getInt32(i * 4, true); break;
      case DataType.UINT32: out[i] = view.getUint32(i * 4, true); break;
      case DataType.INT64: out[i] = Number(view.getBigInt64(i * 8, true)); break;
      case DataType.UINT64: out[i] = Number(view.getBigUint64(i * 8, true)); break;
    }
  }
  return out;
}

function fromTypedField(t: ITensorProto, dataType: number): ArrayLike<unknown> {
  switch (dataType) {
    case DataType.FLOAT: return t.floatData ?? [];
    case DataType.DOUBLE: return t.doubleData ?? [];
    case DataType.INT64: return t.int64Data ?? [];
    case DataType.UINT32: case DataType.UINT64: return t.uint64Data ?? [];
    default: return t.int32Data ?? []; // int8..int32, uint8, uint16, bool, float16/bfloat16 bits
  }
}

/** Decode a TensorProto's values. `what` names the tensor in errors (default: its name). */
export function decodeTensorProto(t: ITensorProto, what?: string): DecodedTensor {
  const label = what ?? `tensor ${t.name ? JSON.stringify(t.name) : '(unnamed)'}`;
  const dataType = t.dataType ?? DataType.UNDEFINED;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    const loc = t.externalData?.find((e) => e.key === 'location')?.value;
    throw new ModelFormatError(
      `${label} stores its data externally${loc ? ` (in ${loc})` : ''}; load the model with fromOnnx(path) (external files are read next to it) or pass the files as the externalData option, or save it with all tensors inside the .onnx file`,
    );
  }
  const kind = elementKindOf(dataType);
  if (kind === undefined) throw new ModelFormatError(`${label} has unsupported element type ${dataTypeName(dataType)}`);
  const shape = (t.dims ?? []).map(toNumber);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ModelFormatError(`${label} has invalid dims [${shape.join(', ')}]`);
  const n = sizeOf(shape);
  let data: number[] | Float32Array;
  if (t.rawData && t.rawData.length > 0) {
    const need = n * BYTES[dataType]!;
    if (t.rawData.length !== need) {
      throw new ModelFormatError(`${label} (${dataTypeName(dataType)} [${shape.join(', ')}]) has ${t.rawData.length} bytes of raw data, expected ${need}`);
    }
    data = readRaw(t.rawData, dataType, n);
  } else {
    const field = fromTypedField(t, dataType);
    if (field.length !== n) {
      throw new ModelFormatError(`${label} (${dataTypeName(dataType)} [${shape.join(', ')}]) has ${field.length} values, expected ${n}`);
    }
    if (kind === 'float') {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = toNumber(field[i]);
        f[i] = dataType === DataType.FLOAT16 ? halfToFloat(v) : dataType === DataType.BFLOAT16 ? bf16ToFloat(v) : v;
      }
      data = f;
    } else {
      data = Array.from(field, toNumber);
    }
  }
  return { kind, dataType, shape, data };
}

/** A floating (or integer) TensorProto as a float32 host tensor. */
export function tensorFromProto(t: ITensorProto, what?: string): Tensor {
  const d = decodeTensorProto(t, what);
  return { shape: d.shape, data: d.data instanceof Float32Array ? d.data : Float32Array.from(d.data) };
}

/** An integer TensorProto (shape constants, axes, indices) as numbers. */
export function intsFromProto(t: ITensorProto, what?: string): number[] {
  const d = decodeTensorProto(t, what);
  if (d.kind === 'float') {
    throw new ModelFormatError(`${what ?? `tensor ${t.name ?? ''}`} must be an integer tensor, got ${dataTypeName(d.dataType)}`);
  }
  return d.data as number[];
}

/** A host tensor as a float32 TensorProto (little-endian raw_data). */
export function tensorToProto(name: string, t: Tensor): TensorProto {
  const raw = new Uint8Array(t.data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i]!, true);
  return onnx.TensorProto.create({ name, dataType: DataType.FLOAT, dims: [...t.shape], rawData: raw });
}

/** Integers as an INT64 (default) or INT32 TensorProto; `dims` defaults to [values.length]. */
export function intsToProto(
  name: string,
  values: readonly number[],
  dims: readonly number[] = [values.length],
  dataType: typeof DataType.INT64 | typeof DataType.INT32 = DataType.INT64,
): TensorProto {
  if (sizeOf(dims) !== values.length) throw new ModelFormatError(`${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  const width = dataType === DataType.INT64 ? 8 : 4;
  const raw = new Uint8Array(values.length * width);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v)) throw new ModelFormatError(`${name}: ${v} is not an integer`);
    if (width === 8) view.setBigInt64(i * 8, BigInt(v), true);
    else view.setInt32(i * 4, v, true);
  });
  return onnx.TensorProto.create({ name, dataType, dims: [...dims], rawData: raw });
}

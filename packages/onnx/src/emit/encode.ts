/** Serialise an OnnxGraphBuilder's graph as ONNX ModelProto bytes (onnx-proto). */
import pkg from 'onnx-proto';
import { OPSET, type BuiltInitializer, type OnnxAttr, type OnnxGraphBuilder, type Sym } from '../symbolic/builder.js';

const { onnx } = pkg;
type IAttributeProto = import('onnx-proto').onnx.IAttributeProto;
type ITensorProto = import('onnx-proto').onnx.ITensorProto;
type IValueInfoProto = import('onnx-proto').onnx.IValueInfoProto;

const AT = onnx.AttributeProto.AttributeType;
const encoder = new TextEncoder();

function attribute(name: string, a: OnnxAttr): IAttributeProto {
  if ('i' in a) return { name, type: AT.INT, i: a.i };
  if ('f' in a) return { name, type: AT.FLOAT, f: a.f };
  if ('ints' in a) return { name, type: AT.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: AT.FLOATS, floats: [...a.floats] };
  return { name, type: AT.STRING, s: encoder.encode(a.s) };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function tensorProto(init: BuiltInitializer): ITensorProto {
  if (init.int64) {
    const data = BigInt64Array.from((init.data as readonly number[]).map((v) => BigInt(v)));
    return { name: init.name, dims: [...init.dims], dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(data) };
  }
  return { name: init.name, dims: [...init.dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(init.data as Float32Array) };
}

function valueInfo(s: Sym): IValueInfoProto {
  return {
    name: s.name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: s.shape.map((d) => ({ dimValue: d })) } } },
  };
}

/** ModelProto bytes of the builder's live graph. */
export function encodeModel(b: OnnxGraphBuilder, graphName: string): Uint8Array {
  const nodes = b.liveNodes();
  const referenced = new Set(nodes.flatMap((n) => n.inputs));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'glasswing',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: graphName,
      node: nodes.map((n) => ({
        opType: n.op,
        name: n.name,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
      })),
      initializer: b.initializers.filter((i) => referenced.has(i.name)).map(tensorProto),
      input: b.inputs.map(valueInfo),
      output: b.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

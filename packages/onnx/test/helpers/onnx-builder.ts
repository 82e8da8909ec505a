/**
 * Tiny fluent builder for ONNX test models: nodes, float/int initializers, one float input with a
 * symbolic batch dimension, one or more outputs, an opset. `build()` gives bytes for ONNX Runtime
 * and the importer.
 */
import type { Tensor } from '@glasswing/core';
import { makeModel, makeNode, makeValueInfo, encodeModel } from '../../src/proto/model.js';
import { float, floats, type AttrInput } from '../../src/proto/attributes.js';
import { DataType, type ModelProto, type NodeProto, type TensorProto } from '../../src/proto/onnx.js';
import { intsToProto, tensorToProto } from '../../src/proto/tensor.js';

export { float, floats };

/** Deterministic pseudo-random numbers in [-1, 1) (xorshift). */
export function randomData(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

export function randomTensor(shape: readonly number[], seed = 1, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape: [...shape], data: randomData(n, seed).map((v) => v * scale) };
}

export class OnnxBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly inputs: ReturnType<typeof makeValueInfo>[] = [];
  private readonly outputs: ReturnType<typeof makeValueInfo>[] = [];
  private seed = 100;

  constructor(readonly opset = 13) {}

  /** A float32 input; dims as numbers, strings (symbolic) or null. Default batch 'N'. */
  input(name: string, dims: readonly (number | string | null)[], elemType: number = DataType.FLOAT): this {
    this.inputs.push(makeValueInfo(name, dims, elemType));
    return this;
  }

  output(name: string, dims: readonly (number | string | null)[] | null = null): this {
    this.outputs.push(makeValueInfo(name, dims));
    return this;
  }

  /** Float initializer with given values or deterministic random values. */
  init(name: string, shape: readonly number[], values?: ArrayLike<number>, scale = 0.5): this {
    const t: Tensor = values
      ? { shape: [...shape], data: Float32Array.from(values) }
      : randomTensor(shape, this.seed++, scale);
    this.inits.push(tensorToProto(name, t));
    return this;
  }

  /** INT64 initializer (shapes, axes, indices, pads). `dims` defaults to [values.length]. */
  ints(name: string, values: readonly number[], dims?: readonly number[]): this {
    this.inits.push(intsToProto(name, values, dims));
    return this;
  }

  initializer(t: TensorProto): this {
    this.inits.push(t);
    return this;
  }

  node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrInput | undefined> = {}, name = '', domain = ''): this {
    this.nodes.push(makeNode(op, inputs, outputs, attrs, name, domain));
    return this;
  }

  proto(): ModelProto {
    return makeModel({ nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, initializers: this.inits, opset: this.opset, name: 'test' });
  }

  build(): Uint8Array {
    return encodeModel(this.proto());
  }
}

/** One-op model: input x [N, ...shape], optional initializers, a single node producing y. */
export function singleOp(
  opset: number,
  op: string,
  xShape: readonly number[],
  attrs: Record<string, AttrInput | undefined> = {},
  extra: (b: OnnxBuilder) => string[] = () => [],
): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['N', ...xShape]).output('y');
  const more = extra(b);
  b.node(op, ['x', ...more], ['y'], attrs, `${op.toLowerCase()}_node`);
  return b.build();
}

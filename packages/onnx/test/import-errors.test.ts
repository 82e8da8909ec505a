/** Forward-only imports (blocking ops named, no exception) and ModelFormatErrors for broken models. */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ModelFormatError } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { importOnnxModel, resolveLayerName } from '../src/import/index.js';
import { loadOnnxBytes } from '../src/load.js';
import { decodeModel, encodeModel } from '../src/proto/model.js';
import { DataType, onnx } from '../src/proto/onnx.js';
import { decodeTensorProto, intsToProto, tensorFromProto, tensorToProto } from '../src/proto/tensor.js';
import { runOrt } from './helpers/import-check.js';
import { OnnxBuilder, randomTensor } from './helpers/onnx-builder.js';

const lenetPath = fileURLToPath(new URL('./fixtures/lenet_mnist.onnx', import.meta.url));

describe('forward-only imports', () => {
  it('an op without an IR mapping (TopK) makes the model forward-only and names the op; ORT still runs it', async () => {
    const b = new OnnxBuilder(13).input('x', ['N', 6]).output('y');
    b.ints('k', [3]);
    b.node('Relu', ['x'], ['r'], {}, 'relu').node('TopK', ['r', 'k'], ['vals', 'idx'], {}, 'top3').node('Sigmoid', ['vals'], ['y'], {}, 'sig');
    const bytes = b.build();
    const r = importOnnxModel(bytes);
    expect(r.forwardOnly).toBe(true);
    expect(r.graph).toBeNull();
    expect(r.blockingOps).toEqual([{ op: 'TopK', node: 'top3', reason: 'op TopK has no IR mapping' }]);
    expect(r.reasons.join(' ')).toMatch(/TopK/);
    expect(r.outputShape).toEqual([]);
    expect(() => resolveLayerName(r, 'relu')).toThrow(/forward-only/);
    const y = await runOrt(r.bytes, { x: randomTensor([2, 6], 1) });
    expect(y.shape).toEqual([2, 3]);
  });

  it('NonZero and data-dependent Gather indices are blocking; downstream nodes are not listed', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 4]).output('y');
    b.node('NonZero', ['x'], ['nz'], {}, 'nonzero');
    b.node('Cast', ['x'], ['xi'], { to: DataType.INT64 }, 'to_int');
    b.node('Gather', ['x', 'xi'], ['g'], { axis: 1 }, 'lookup');
    b.node('Relu', ['g'], ['y'], {}, 'after');
    const r = importOnnxModel(b.build());
    expect(r.forwardOnly).toBe(true);
    expect(r.blockingOps.map((o) => [o.op, o.node])).toEqual([
      ['NonZero', 'nonzero'],
      ['Cast', 'to_int'],
      ['Gather', 'lookup'],
    ]);
    expect(r.blockingOps[2]!.reason).toMatch(/data-dependent Gather indices/);
  });

  it('a MaxPool whose Indices output is used is blocking', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 1, 4, 4]).output('y').output('i');
    b.node('MaxPool', ['x'], ['y', 'i'], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool');
    const r = importOnnxModel(b.build());
    expect(r.blockingOps[0]).toMatchObject({ op: 'MaxPool', node: 'pool' });
    expect(r.reasons.some((s) => /2 outputs/.test(s))).toBe(true);
  });

  it('a shape that depends on a symbolic non-batch dimension is a non-constant shape', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 'L']).output('y');
    b.node('Shape', ['x'], ['s'], {}, 'shape').node('Reshape', ['x', 's'], ['y'], {}, 'reshape');
    const r = importOnnxModel(b.build());
    expect(r.blockingOps[0]).toMatchObject({ op: 'Shape', node: 'shape' });
    expect(r.blockingOps[0]!.reason).toMatch(/non-constant shape/);
    const fixed = importOnnxModel(b.build(), { inputShape: [-1, 5] });
    expect(fixed.forwardOnly).toBe(false);
    expect(fixed.graph!.inputs[0]!.shape).toEqual([-1, 5]);
  });

  it('unsupported attribute values (Pad reflect, Slice step 2, training-mode Dropout) are blocking with reasons', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 6]).output('y');
    b.ints('pads', [0, 1, 0, 1]).ints('s', [0]).ints('e', [6]).ints('a', [1]).ints('st', [2]);
    b.init('ratio', [], [0.5]).initializer(onnx.TensorProto.create({ name: 'train', dataType: DataType.BOOL, dims: [], int32Data: [1] }));
    b.node('Pad', ['x', 'pads'], ['p'], { mode: 'reflect' }, 'pad');
    b.node('Slice', ['x', 's', 'e', 'a', 'st'], ['q'], {}, 'slice');
    b.node('Dropout', ['x', 'ratio', 'train'], ['d'], {}, 'drop');
    b.node('Sum', ['p', 'q', 'd'], ['y'], {}, 'sum');
    const reasons = importOnnxModel(b.build()).blockingOps.map((o) => `${o.node}: ${o.reason}`);
    expect(reasons).toEqual([
      'pad: Pad mode reflect is not supported (constant only)',
      'slice: Slice steps [2] are not supported (only 1)',
      'drop: training_mode = true (random dropout at inference) is not supported',
    ]);
  });
});

describe('ModelFormatError for broken models', () => {
  it('corrupt bytes', () => {
    const junk = new TextEncoder().encode('{"this is": "json, not onnx"}');
    expect(() => importOnnxModel(junk, { source: 'junk.onnx' })).toThrow(ModelFormatError);
    expect(() => importOnnxModel(junk, { source: 'junk.onnx' })).toThrow(/junk\.onnx .*corrupt/);
    expect(() => importOnnxModel(new Uint8Array(0))).toThrow(/empty/);
  });

  it('a truncated file', () => {
    const bytes = readFileSync(lenetPath);
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect(() => importOnnxModel(truncated, { source: 'lenet.onnx' })).toThrow(ModelFormatError);
    expect(() => importOnnxModel(truncated, { source: 'lenet.onnx' })).toThrow(/lenet\.onnx .*truncated or corrupt/);
  });

  it('a missing file names the path; file: URLs and ArrayBuffers load', async () => {
    await expect(loadOnnxBytes('/no/such/model.onnx')).rejects.toThrow(ModelFormatError);
    await expect(loadOnnxBytes('/no/such/model.onnx')).rejects.toThrow(/\/no\/such\/model\.onnx: no such file/);
    const viaUrl = await loadOnnxBytes(pathToFileURL(lenetPath));
    const buf = viaUrl.buffer.slice(viaUrl.byteOffset, viaUrl.byteOffset + viaUrl.byteLength) as ArrayBuffer;
    expect((await loadOnnxBytes(buf)).byteLength).toBe(viaUrl.byteLength);
    expect(importOnnxModel(buf).forwardOnly).toBe(false);
  });

  it('external tensor data names the tensor', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 2]).output('y');
    b.initializer(
      onnx.TensorProto.create({ name: 'big.weight', dataType: DataType.FLOAT, dims: [2, 2], dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] }),
    );
    b.node('MatMul', ['x', 'big.weight'], ['y'], {}, 'mm');
    expect(() => importOnnxModel(b.build())).toThrow(/big\.weight.*externally \(in weights\.bin\)/);
  });

  it('a node reading an undefined tensor, and a model without a float input', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 2]).output('y');
    b.node('Add', ['x', 'ghost'], ['y'], {}, 'add');
    expect(() => importOnnxModel(b.build())).toThrow(/node add \(Add\) reads tensor ghost/);
    const ints = new OnnxBuilder(13).input('ids', ['N', 2], DataType.INT64).output('y');
    ints.node('Identity', ['ids'], ['y']);
    expect(() => importOnnxModel(ints.build())).toThrow(/no float32 input/);
  });
});

describe('proto helpers', () => {
  it('round-trips host tensors, int64 tensors, float64 and float16 data', () => {
    const t = randomTensor([2, 3], 4);
    const back = tensorFromProto(onnx.TensorProto.decode(onnx.TensorProto.encode(tensorToProto('w', t)).finish()));
    expect(back).toEqual(t);
    expect(decodeTensorProto(intsToProto('s', [1, -2, 2 ** 40], [3])).data).toEqual([1, -2, 2 ** 40]);
    const f64 = decodeTensorProto(onnx.TensorProto.create({ name: 'd', dataType: DataType.DOUBLE, dims: [2], doubleData: [0.1, -3] }));
    expect(Array.from(f64.data)).toEqual([Math.fround(0.1), -3]);
    // float16: 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.33325
    const f16 = decodeTensorProto(onnx.TensorProto.create({ name: 'h', dataType: DataType.FLOAT16, dims: [3], int32Data: [0x3c00, 0xc000, 0x3555] }));
    expect(Array.from(f16.data)).toEqual([1, -2, Math.fround(0.333251953125)]);
    expect(() => decodeTensorProto(onnx.TensorProto.create({ name: 'short', dataType: DataType.FLOAT, dims: [3], floatData: [1] }))).toThrow(
      /short.*has 1 values, expected 3/,
    );
  });

  it('encodeModel / decodeModel round-trip (same model for ONNX Runtime)', async () => {
    const bytes = new Uint8Array(readFileSync(lenetPath));
    const again = encodeModel(decodeModel(bytes));
    expect(encodeModel(decodeModel(again))).toEqual(again);
    const x = randomTensor([2, 1, 28, 28], 8);
    expect(await runOrt(again, { input: x })).toEqual(await runOrt(bytes, { input: x }));
  });
});

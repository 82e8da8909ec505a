/**
 * What real exports need beyond the op list (the ONNX corpus found them): the activation ops of
 * MobileNetV3 / EfficientNet-style exports (HardSwish, HardSigmoid, …) imported and differentiated;
 * Mod folded in shape subgraphs (nn.MultiheadAttention); a constant repeated along the batch (a
 * ViT class token `expand`ed to N) built from the input; external data read next to the model.
 * Forward = ONNX Runtime on the same bytes (1e-5); gradients = central finite differences through
 * the same runtime (fromOnnx on onnx-node).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelFormatError, type Tensor } from '@glasswing/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { DataType, fromOnnx, type OnnxModel } from '../src/index.js';
import { onnx } from '../src/proto/onnx.js';
import { expectMatchesOrt } from './helpers/import-check.js';
import { OnnxBuilder, float, randomTensor, singleOp } from './helpers/onnx-builder.js';
import { expectAllClose, finiteDifferenceGradient } from './support/finite-difference.js';

const open: OnnxModel[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});

/** Input values at least 0.1 away from the activation's kinks. */
function awayFrom(x: Tensor, kinks: readonly number[]): Tensor {
  const data = Float32Array.from(x.data, (v) => {
    for (const k of kinks) if (Math.abs(v - k) < 0.1) return k + (v >= k ? 0.2 : -0.2);
    return v;
  });
  return { shape: x.shape, data };
}

async function expectGradientMatchesFd(bytes: Uint8Array, x: Tensor): Promise<void> {
  const model = await fromOnnx(bytes, { runtime: 'onnx-node' });
  open.push(model);
  expect(model.capabilityReport.complete).toBe(true);
  const out = model.outputShape.reduce((a, d) => a * d, 1);
  const seed = randomTensor([x.shape[0]!, ...model.outputShape], 5);
  const g = await model.gradient(x, { seed: { kind: 'tensor', seed } });
  const fd = await finiteDifferenceGradient(model, x, seed, 1e-2);
  expect(out).toBeGreaterThan(0);
  expectAllClose(g.inputGradient, fd, 5e-3, 5e-4, 'gradient vs finite differences');
}

describe('activations of MobileNetV3 / EfficientNet-style exports', () => {
  const cases: [string, () => Uint8Array, number[]][] = [
    ['HardSwish (opset 14)', () => singleOp(14, 'HardSwish', [6]), [-3, 3]],
    ['HardSigmoid default alpha/beta', () => singleOp(13, 'HardSigmoid', [6]), [-2.5, 2.5]],
    ['HardSigmoid alpha 1/6, beta 0.5 (PyTorch)', () => singleOp(13, 'HardSigmoid', [6], { alpha: float(1 / 6), beta: float(0.5) }), [-3, 3]],
    ['Elu alpha 0.7', () => singleOp(13, 'Elu', [6], { alpha: float(0.7) }), [0]],
    ['Selu (defaults)', () => singleOp(13, 'Selu', [6]), [0]],
    ['Selu alpha/gamma', () => singleOp(13, 'Selu', [6], { alpha: float(1.5), gamma: float(1.1) }), [0]],
    ['Softplus', () => singleOp(13, 'Softplus', [6]), []],
    ['Softsign', () => singleOp(13, 'Softsign', [6]), []],
    ['Mish (opset 18)', () => singleOp(18, 'Mish', [6]), []],
    ['ThresholdedRelu alpha 0.3', () => singleOp(13, 'ThresholdedRelu', [6], { alpha: float(0.3) }), [0.3]],
  ];
  it.each(cases)('%s: forward = ONNX Runtime, gradient = finite differences', async (_label, bytes, kinks) => {
    const x = awayFrom(randomTensor([3, 6], 7, 2.5), kinks);
    await expectMatchesOrt(bytes(), x);
    await expectGradientMatchesFd(bytes(), x);
  });
});

describe('Mod in shape subgraphs', () => {
  /** y = x + Cast(Mod(a, b)) with constant a, b: both fmod modes, negative operands. */
  function modModel(fmod: number, floats: boolean): Uint8Array {
    const b = new OnnxBuilder(13).input('x', ['N', 4]).output('y');
    if (floats) b.init('a', [4], [-7.5, 7.5, -7.5, 7.5]).init('b', [4], [2, 2, -2, -2]);
    else b.ints('a', [-7, 7, -7, 7]).ints('b', [3, 3, -3, -3]);
    b.node('Mod', ['a', 'b'], ['m'], { fmod }, 'mod');
    if (floats) b.node('Add', ['x', 'm'], ['y'], {}, 'add');
    else b.node('Cast', ['m'], ['mf'], { to: 1 }, 'cast').node('Add', ['x', 'mf'], ['y'], {}, 'add');
    return b.build();
  }
  it.each([
    [0, false],
    [1, false],
    [1, true],
  ] as const)('fmod %i (floats: %s) folds as ONNX Runtime computes it', async (fmod, floats) => {
    await expectMatchesOrt(modModel(fmod, floats), randomTensor([2, 4], 3));
  });
});

describe('a constant repeated along the batch (class token expanded to N)', () => {
  /** y = Concat([Expand(cls, [N, 1, D]), x], axis 1) · w, N from Shape(x), as torch.onnx exports ViT. */
  function classToken(): Uint8Array {
    const b = new OnnxBuilder(17).input('x', ['N', 3, 4]).output('y');
    b.init('cls', [1, 1, 4], [0.5, -1, 2, 0.25]).init('w', [4, 2]);
    b.ints('zero', [0]).ints('ones', [1, 1]);
    b.node('Shape', ['x'], ['s'], {}, 'shape')
      .node('Gather', ['s', 'zero'], ['n'], { axis: 0 }, 'gather')
      .node('Concat', ['n', 'ones'], ['target'], { axis: 0 }, 'target')
      .node('Expand', ['cls', 'target'], ['tok'], {}, 'expand')
      .node('Concat', ['tok', 'x'], ['seq'], { axis: 1 }, 'cat')
      .node('MatMul', ['seq', 'w'], ['y'], {}, 'proj');
    return b.build();
  }
  it('imports (no batch-dependent constant blocks it), forward = ONNX Runtime, gradient = finite differences', async () => {
    const bytes = classToken();
    const r = importOnnxModel(bytes);
    expect(r.reasons).toEqual([]);
    expect(r.outputShape).toEqual([-1, 4, 2]);
    const x = randomTensor([3, 3, 4], 9);
    await expectMatchesOrt(bytes, x);
    await expectGradientMatchesFd(bytes, x);
    // The class-token rows do not depend on the input.
    const model = await fromOnnx(bytes);
    open.push(model);
    const y = await model.forward(x);
    const zero = await model.forward({ shape: x.shape, data: new Float32Array(x.data.length) });
    for (let n = 0; n < 3; n++) for (let k = 0; k < 2; k++) expect(y.data[n * 8 + k]).toBeCloseTo(zero.data[n * 8 + k]!, 6);
  });
});

describe('external data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glasswing-external-'));
  /** x [N, 3] · W [3, 2] + b, W and b in `weights/w.bin` (b after 16 padding bytes). */
  function externalModel(location = 'weights/w.bin', offsetB = 40): { bytes: Uint8Array; data: Uint8Array; w: number[]; b: number[] } {
    const w = [0.5, -1, 2, 0.25, -0.75, 1.5];
    const bias = [0.1, -0.2];
    const data = new Uint8Array(offsetB + 8);
    const view = new DataView(data.buffer);
    w.forEach((v, i) => view.setFloat32(i * 4, v, true));
    bias.forEach((v, i) => view.setFloat32(offsetB + i * 4, v, true));
    const builder = new OnnxBuilder(13).input('x', ['N', 3]).output('y');
    builder.initializer(onnxTensorData('W', [3, 2], { location, offset: '0', length: '24' }));
    builder.initializer(onnxTensorData('B', [2], { location, offset: String(offsetB), length: '8' }));
    builder.node('MatMul', ['x', 'W'], ['m'], {}, 'mm').node('Add', ['m', 'B'], ['y'], {}, 'add');
    return { bytes: builder.build(), data, w, b: bias };
  }
  const x: Tensor = { shape: [2, 3], data: Float32Array.of(1, 2, 3, -1, 0.5, 2) };
  const want = (w: number[], b: number[]) =>
    [0, 1].flatMap((n) => [0, 1].map((j) => b[j]! + [0, 1, 2].reduce((s, i) => s + x.data[n * 3 + i]! * w[i * 2 + j]!, 0)));

  it('fromOnnx(path) reads the location next to the model (path and file: URL); ONNX Runtime agrees', async () => {
    const { bytes, data, w, b } = externalModel();
    mkdirSync(join(dir, 'weights'), { recursive: true });
    writeFileSync(join(dir, 'weights', 'w.bin'), data);
    writeFileSync(join(dir, 'model.onnx'), bytes);
    for (const source of [join(dir, 'model.onnx'), pathToFileURL(join(dir, 'model.onnx'))]) {
      const model = await fromOnnx(source);
      open.push(model);
      expect(model.capabilityReport.complete).toBe(true);
      const y = await model.forward(x);
      Array.from(y.data).forEach((v, i) => expect(v).toBeCloseTo(want(w, b)[i]!, 5));
      const g = await model.gradient(x, { seed: { kind: 'index', indices: [1, 0] } });
      expect(Array.from(g.inputGradient.data.subarray(0, 3))).toEqual([w[1], w[3], w[5]].map(Math.fround));
    }
    // ONNX Runtime resolving the same location itself.
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const r = await session.run({ x: new ort.Tensor('float32', x.data, x.shape) });
    await session.release();
    Array.from(r['y']!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want(w, b)[i]!, 5));
  });

  it('bytes alone: a ModelFormatError naming the file and both ways out; bytes + externalData load', async () => {
    const { bytes, data, w, b } = externalModel('w.bin');
    const refused = fromOnnx(bytes);
    await expect(refused).rejects.toBeInstanceOf(ModelFormatError);
    await expect(refused).rejects.toThrow(/external file\(s\) "w\.bin": load it from its path or URL.*externalData option/);
    const model = await fromOnnx(bytes, { externalData: { 'w.bin': data } });
    open.push(model);
    Array.from((await model.forward(x)).data).forEach((v, i) => expect(v).toBeCloseTo(want(w, b)[i]!, 5));
    await expect(fromOnnx(bytes, { externalData: { 'other.bin': data } })).rejects.toThrow(/externalData has no file "w\.bin" \(it has: other\.bin\)/);
    // importOnnxModel on bytes with external data still says what to do.
    expect(() => importOnnxModel(bytes)).toThrow(/stores its data externally \(in w\.bin\); load the model with fromOnnx\(path\)/);
  });

  it('locations outside the model directory, missing files and out-of-range bytes are ModelFormatErrors', async () => {
    for (const loc of ['../w.bin', '/etc/w.bin', 'a/../../w.bin', 'C:\\w.bin', 'file:///w.bin']) {
      const { bytes } = externalModel(loc);
      writeFileSync(join(dir, 'bad.onnx'), bytes);
      await expect(fromOnnx(join(dir, 'bad.onnx'))).rejects.toThrow(/must be a relative path inside the model's directory/);
    }
    writeFileSync(join(dir, 'missing.onnx'), externalModel('nope.bin').bytes);
    await expect(fromOnnx(join(dir, 'missing.onnx'))).rejects.toThrow(/cannot read its external data \(nope\.bin\): no such file/);
    const { bytes, data } = externalModel('short.bin', 400);
    writeFileSync(join(dir, 'short.onnx'), bytes);
    writeFileSync(join(dir, 'short.bin'), data.subarray(0, 100));
    await expect(fromOnnx(join(dir, 'short.onnx'))).rejects.toThrow(/tensor "B" \(external data short\.bin\): bytes \[400, \+8\) are outside the file \(100 bytes\)/);
  });
});

/** A float32 TensorProto whose data lives in an external file. */
function onnxTensorData(name: string, dims: number[], entries: Record<string, string>) {
  return onnx.TensorProto.create({
    name,
    dataType: DataType.FLOAT,
    dims,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: Object.entries(entries).map(([key, value]) => ({ key, value })),
  });
}

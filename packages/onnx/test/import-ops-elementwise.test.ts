/** Per-op import checks (activations, arithmetic, softmax, misc): reference forward == ONNX Runtime to 1e-5. */
import { describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { expectMatchesOrt } from './helpers/import-check.js';
import { OnnxBuilder, float, randomTensor, singleOp } from './helpers/onnx-builder.js';

type Case = [label: string, bytes: () => Uint8Array, xShape: number[]];

/** x -> Abs -> op (for ops that need non-negative input) */
function afterAbs(opset: number, op: string, extra: Record<string, number> = {}): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['N', 5]).output('y');
  b.init('eps', [], [0.01]);
  b.node('Abs', ['x'], ['a'], {}, 'abs').node('Add', ['a', 'eps'], ['p'], {}, 'add_eps').node(op, ['p'], ['y'], extra, op.toLowerCase());
  return b.build();
}

function clip(opset: number, min?: number, max?: number): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['N', 6]).output('y');
  if (opset >= 11) {
    if (min !== undefined) b.init('lo', [], [min]);
    if (max !== undefined) b.init('hi', [], [max]);
    b.node('Clip', ['x', min !== undefined ? 'lo' : '', max !== undefined ? 'hi' : ''], ['y'], {}, 'clip');
  } else b.node('Clip', ['x'], ['y'], { min: min === undefined ? undefined : float(min), max: max === undefined ? undefined : float(max) }, 'clip');
  return b.build();
}

function binaryModel(opset: number, op: string, withInit: boolean): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['N', 3, 4]).output('y');
  if (withInit) {
    b.init('c', [4], [0.5, -1.5, 2, 0.75]);
    b.node(op, ['x', 'c'], ['y'], {}, op.toLowerCase());
  } else {
    b.init('one', [], [1.5]);
    b.node('Add', ['x', 'one'], ['z'], {}, 'shift').node(op, ['x', 'z'], ['y'], {}, op.toLowerCase());
  }
  return b.build();
}

/** Decomposed GELU as exported by PyTorch before opset 20: x * 0.5 * (1 + erf(x / sqrt(2))). */
function decomposedGelu(): Uint8Array {
  const b = new OnnxBuilder(13).input('x', ['N', 8]).output('y');
  b.init('sqrt2', [], [Math.SQRT2]).init('one', [], [1]).init('half', [], [0.5]);
  b.node('Div', ['x', 'sqrt2'], ['d'], {}, '/Div')
    .node('Erf', ['d'], ['e'], {}, '/Erf')
    .node('Add', ['e', 'one'], ['a'], {}, '/Add')
    .node('Mul', ['x', 'a'], ['m'], {}, '/Mul')
    .node('Mul', ['m', 'half'], ['y'], {}, '/Mul_1');
  return b.build();
}

const CASES: Case[] = [
  ['Relu', () => singleOp(13, 'Relu', [5]), [3, 5]],
  ['LeakyRelu alpha 0.2', () => singleOp(13, 'LeakyRelu', [5], { alpha: float(0.2) }), [3, 5]],
  ['LeakyRelu default alpha (opset 16)', () => singleOp(16, 'LeakyRelu', [5]), [3, 5]],
  ['Clip ReLU6 (opset 11, inputs)', () => clip(11, 0, 6), [3, 6]],
  ['Clip min only (opset 13)', () => clip(13, -0.2), [3, 6]],
  ['Clip max only (opset 21)', () => clip(21, undefined, 0.3), [3, 6]],
  ['Clip attributes (opset 6)', () => clip(6, -0.5, 0.25), [3, 6]],
  ['Sigmoid', () => singleOp(13, 'Sigmoid', [5]), [3, 5]],
  ['Tanh', () => singleOp(13, 'Tanh', [5]), [3, 5]],
  ['Erf', () => singleOp(13, 'Erf', [5]), [3, 5]],
  ['Sqrt', () => afterAbs(13, 'Sqrt'), [3, 5]],
  ['Log', () => afterAbs(13, 'Log'), [3, 5]],
  ['Exp', () => singleOp(13, 'Exp', [5]), [3, 5]],
  ['Neg', () => singleOp(13, 'Neg', [5]), [3, 5]],
  ['Abs', () => singleOp(13, 'Abs', [5]), [3, 5]],
  ['Softmax axis 1 of rank 3 (opset 11: coerced to 2-D)', () => singleOp(11, 'Softmax', [3, 4], { axis: 1 }), [2, 3, 4]],
  ['Softmax default axis (opset 11)', () => singleOp(11, 'Softmax', [3, 4]), [2, 3, 4]],
  ['Softmax axis 1 of rank 3 (opset 13: single axis)', () => singleOp(13, 'Softmax', [3, 4], { axis: 1 }), [2, 3, 4]],
  ['Softmax default axis (opset 13)', () => singleOp(13, 'Softmax', [3, 4]), [2, 3, 4]],
  ['LogSoftmax axis 1 of rank 3 (opset 11)', () => singleOp(11, 'LogSoftmax', [3, 4], { axis: 1 }), [2, 3, 4]],
  ['LogSoftmax axis 1 of rank 3 (opset 13)', () => singleOp(13, 'LogSoftmax', [3, 4], { axis: 1 }), [2, 3, 4]],
  ['LogSoftmax rank 2 (opset 12)', () => singleOp(12, 'LogSoftmax', [7]), [3, 7]],
  ['Gelu (opset 20)', () => singleOp(20, 'Gelu', [8]), [3, 8]],
  ['Gelu tanh (opset 20)', () => singleOp(20, 'Gelu', [8], { approximate: 'tanh' }), [3, 8]],
  ['Gelu decomposed with Erf (opset 13)', decomposedGelu, [3, 8]],
  ...(['Add', 'Sub', 'Mul', 'Div'] as const).flatMap((op): Case[] => [
    [`${op} with a broadcast initializer`, () => binaryModel(13, op, true), [2, 3, 4]],
    [`${op} of two activations (opset 7 broadcasting, opset 11)`, () => binaryModel(11, op, false), [2, 3, 4]],
  ]),
  ['Pow x^2 (scalar exponent initializer)', () => singleOp(13, 'Pow', [5], {}, (b) => (b.init('e', [], [2]), ['e'])), [3, 5]],
  ['Pow x^3 (opset 15)', () => singleOp(15, 'Pow', [5], {}, (b) => (b.init('e', [1], [3]), ['e'])), [3, 5]],
  ['Dropout with ratio (opset 13)', () => singleOp(13, 'Dropout', [5], {}, (b) => (b.init('r', [], [0.3]), ['r'])), [3, 5]],
  ['Dropout (opset 11)', () => singleOp(11, 'Dropout', [5], { ratio: float(0.5) }), [3, 5]],
  ['Identity', () => singleOp(13, 'Identity', [5]), [3, 5]],
  ['Cast to float (opset 19)', () => singleOp(19, 'Cast', [5], { to: 1 }), [3, 5]],
];

describe('ONNX import: element-wise and activation ops match ONNX Runtime', () => {
  it.each(CASES)('%s', async (_label, bytes, xShape) => {
    await expectMatchesOrt(bytes(), randomTensor(xShape, 5, 2));
  });

  it('Softmax before opset 13 on a non-last axis lowers to Flatten -> Softmax -> Reshape', () => {
    const r = importOnnxModel(singleOp(11, 'Softmax', [3, 4], { axis: 1 }));
    expect(r.graph!.nodes.map((n) => n.op)).toEqual(['Flatten', 'Softmax', 'Reshape']);
    expect(r.graph!.nodes.at(-1)!.name).toBe('softmax_node');
    expect(r.graph!.nodes.at(-1)!.attrs['shape']).toEqual([-1, 3, 4]);
  });

  it('Clip ReLU6 bounds become attributes', () => {
    const r = importOnnxModel(clip(11, 0, 6));
    expect(r.graph!.nodes[0]!.attrs).toEqual({ min: 0, max: 6 });
  });

  it('the decomposed GELU stays as primitive ops (Div, Erf, Add, Mul, Mul)', () => {
    const r = importOnnxModel(decomposedGelu());
    expect(r.graph!.nodes.map((n) => n.op)).toEqual(['Div', 'Erf', 'Add', 'Mul', 'Mul']);
  });
});

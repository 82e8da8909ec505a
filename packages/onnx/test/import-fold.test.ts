/** Constant folding of shape subgraphs with a symbolic batch dimension. */
import { describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { expectMatchesOrt } from './helpers/import-check.js';
import { intsToProto } from '../src/proto/tensor.js';
import { OnnxBuilder, randomTensor } from './helpers/onnx-builder.js';

/** PyTorch's x.view(x.size(0), -1) export: Shape -> Gather(0) -> Unsqueeze -> Concat([N, -1]) -> Reshape. */
function pytorchFlatten(opset: number): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['batch', 2, 3, 3]).output('y');
  b.init('W', [4, 18]).init('B', [4]).ints('minus_one', [-1]);
  b.node('Relu', ['x'], ['r'], {}, '/relu/Relu');
  b.node('Shape', ['r'], ['s'], {}, '/Shape');
  b.node('Constant', [], ['zero'], { value: intsToProto('', [0], []) }, '/Constant');
  b.node('Gather', ['s', 'zero'], ['n'], { axis: 0 }, '/Gather');
  if (opset >= 13) {
    b.node('Constant', [], ['ax0'], { value: intsToProto('', [0]) }, '/Constant_1');
    b.node('Unsqueeze', ['n', 'ax0'], ['n1'], {}, '/Unsqueeze');
  } else b.node('Unsqueeze', ['n'], ['n1'], { axes: [0] }, '/Unsqueeze');
  b.node('Concat', ['n1', 'minus_one'], ['target'], { axis: 0 }, '/Concat');
  b.node('Reshape', ['r', 'target'], ['flat'], {}, '/Reshape');
  b.node('Gemm', ['flat', 'W', 'B'], ['y'], { transB: 1 }, '/fc/Gemm');
  return b.build();
}

describe('shape-subgraph folding (symbolic batch)', () => {
  it.each([11, 13, 17])('PyTorch-style flatten at opset %i becomes Reshape [0, -1] and matches ONNX Runtime', async (opset) => {
    const bytes = pytorchFlatten(opset);
    const r = await expectMatchesOrt(bytes, randomTensor([5, 2, 3, 3], 11));
    const g = r.graph!;
    expect(g.nodes.map((n) => n.op)).toEqual(['Relu', 'Reshape', 'Gemm']);
    expect(g.nodes[1]!.name).toBe('/Reshape');
    expect(g.nodes[1]!.attrs['shape']).toEqual([0, -1]);
    await expectMatchesOrt(bytes, randomTensor([1, 2, 3, 3], 12));
  });

  it('folds Shape -> Slice / Gather -> Mul / Div arithmetic -> Concat into a Reshape target', async () => {
    const b = new OnnxBuilder(13).input('x', ['N', 3, 4, 2]).output('y');
    b.ints('i1', [1], []).ints('i2', [2], []).ints('s0', [0]).ints('s1', [1]).ints('two', [2], []);
    b.node('Shape', ['x'], ['s'], {}, 'shape');
    b.node('Slice', ['s', 's0', 's1'], ['n'], {}, 'slice_n');
    b.node('Gather', ['s', 'i1'], ['c'], { axis: 0 }, 'g1');
    b.node('Gather', ['s', 'i2'], ['h'], { axis: 0 }, 'g2');
    b.node('Mul', ['c', 'h'], ['ch'], {}, 'mul');
    b.node('Div', ['ch', 'two'], ['half'], {}, 'div');
    b.ints('ax', [0]);
    b.node('Unsqueeze', ['half', 'ax'], ['half1'], {}, 'unsq');
    b.node('Concat', ['n', 'half1', 'minus'], ['target'], { axis: 0 }, 'concat');
    b.ints('minus', [-1]);
    b.node('Reshape', ['x', 'target'], ['y'], {}, 'reshape');
    const r = await expectMatchesOrt(b.build(), randomTensor([3, 3, 4, 2], 13));
    expect(r.graph!.nodes.map((n) => [n.op, n.attrs['shape']])).toEqual([['Reshape', [0, 6, -1]]]);
  });

  it('folds Constant / ConstantOfShape / Range / Add / Cast feeding a Reshape', async () => {
    const b = new OnnxBuilder(13).input('x', ['N', 6]).output('y');
    b.ints('start', [0], []).ints('limit', [2], []).ints('delta', [1], []).ints('len', [2]);
    b.node('Range', ['start', 'limit', 'delta'], ['rng'], {}, 'range');
    b.node('ConstantOfShape', ['len'], ['ones'], { value: intsToProto('', [1], [1]) }, 'cos');
    b.node('Add', ['rng', 'ones'], ['dims'], {}, 'add');
    b.node('Cast', ['dims'], ['dimsf'], { to: 1 }, 'castf');
    b.node('Cast', ['dimsf'], ['dims64'], { to: 7 }, 'casti');
    b.ints('prefix', [-1]);
    b.node('Concat', ['prefix', 'dims64'], ['target'], { axis: 0 }, 'concat');
    b.node('Reshape', ['x', 'target'], ['y'], {}, 'reshape');
    const r = await expectMatchesOrt(b.build(), randomTensor([2, 6], 14));
    expect(r.graph!.nodes.map((n) => n.attrs['shape'])).toEqual([[-1, 1, 2]]);
  });

  it('folds float constant subgraphs (Transpose / Mul of initializers) into initializers', async () => {
    const b = new OnnxBuilder(13).input('x', ['N', 4]).output('y');
    b.init('Wt', [3, 4]).init('scale', [], [0.5]);
    b.node('Transpose', ['Wt'], ['W'], { perm: [1, 0] }, 'tw');
    b.node('Mul', ['W', 'scale'], ['Ws'], {}, 'scale_w');
    b.node('MatMul', ['x', 'Ws'], ['y'], {}, 'mm');
    const r = await expectMatchesOrt(b.build(), randomTensor([3, 4], 15));
    expect(r.graph!.nodes.map((n) => n.op)).toEqual(['MatMul']);
    expect(r.graph!.initializers['Ws']?.shape).toEqual([4, 3]);
  });
});

describe('fixed-batch exports', () => {
  it('a Reshape constant that hard-codes a fixed declared batch keeps the batch symbolic', async () => {
    const b = new OnnxBuilder(13).input('x', [1, 2, 3]).output('y');
    b.ints('target', [1, -1]);
    b.node('Reshape', ['x', 'target'], ['y'], {}, 'reshape');
    const r = await expectMatchesOrt(b.build(), randomTensor([1, 2, 3], 3));
    expect(r.inputShape).toEqual([1, 2, 3]);
    expect(r.graph!.inputs[0]!.shape).toEqual([-1, 2, 3]);
    expect(r.graph!.nodes[0]!.attrs['shape']).toEqual([0, -1]);
  });

  it('an output that does not scale with the batch is forward-only with a reason', () => {
    const b = new OnnxBuilder(13).input('x', ['N', 2, 3]).output('y');
    b.ints('target', [2, -1]);
    b.node('Reshape', ['x', 'target'], ['y'], {}, 'reshape');
    const r = importOnnxModel(b.build());
    expect(r.forwardOnly).toBe(true);
    expect(r.reasons.join(' ')).toMatch(/does not grow with the batch/);
  });
});

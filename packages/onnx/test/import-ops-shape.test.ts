/** Per-op import checks (shape ops, reductions, Split/Slice/Gather/Pad): reference forward == ONNX Runtime to 1e-5. */
import { describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { expectMatchesOrt } from './helpers/import-check.js';
import { OnnxBuilder, float, randomTensor, singleOp } from './helpers/onnx-builder.js';

type Case = [label: string, bytes: () => Uint8Array, xShape: number[]];

const ints = (b: OnnxBuilder, name: string, values: number[], dims?: number[]): string => (b.ints(name, values, dims), name);

/** Axes as attribute before `from`, as an int64 input from it. */
function axesOp(opset: number, op: string, xShape: number[], axes: number[] | undefined, from: number, attrs: Record<string, number> = {}): Uint8Array {
  return singleOp(opset, op, xShape, opset < from ? { ...attrs, axes } : attrs, (b) => (opset >= from && axes ? [ints(b, 'axes', axes)] : []));
}

function split(opset: number, axis: number, sizes: number[] | undefined, outputs: number, numOutputs?: number): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['N', 5, 4]).output('y');
  const outs = Array.from({ length: outputs }, (_, i) => `s${i}`);
  const inputs = ['x'];
  const attrs: Record<string, number | number[] | undefined> = { axis };
  if (sizes && opset >= 13) inputs.push(ints(b, 'split', sizes));
  else if (sizes) attrs['split'] = sizes;
  if (numOutputs !== undefined) attrs['num_outputs'] = numOutputs;
  b.node('Split', inputs, outs, attrs, 'split');
  b.node('Concat', [...outs].reverse(), ['y'], { axis }, 'concat');
  return b.build();
}

function slice(opset: number, starts: number[], ends: number[], axes?: number[]): Uint8Array {
  return singleOp(opset, 'Slice', [6, 5], {}, (b) => {
    const ins = [ints(b, 'starts', starts), ints(b, 'ends', ends)];
    if (axes) ins.push(ints(b, 'axes', axes));
    return ins;
  });
}

function pad(opset: number, pads: number[], value?: number, axes?: number[]): Uint8Array {
  return singleOp(opset, 'Pad', [3, 4], opset < 11 ? { pads, value: value === undefined ? undefined : float(value) } : {}, (b) => {
    if (opset < 11) return [];
    const ins = [ints(b, 'pads', pads)];
    if (value !== undefined || axes) ins.push(value !== undefined ? (b.init('v', [], [value]), 'v') : '');
    if (axes) ins.push(ints(b, 'axes', axes));
    return ins;
  });
}

const CASES: Case[] = [
  ['Flatten axis 1', () => singleOp(13, 'Flatten', [2, 3, 4]), [2, 2, 3, 4]],
  ['Flatten axis 2 (opset 11)', () => singleOp(11, 'Flatten', [2, 3, 4], { axis: 2 }), [2, 2, 3, 4]],
  ['Reshape [0, -1] (initializer)', () => singleOp(13, 'Reshape', [3, 4], {}, (b) => [ints(b, 's', [0, -1])]), [2, 3, 4]],
  ['Reshape [-1, 4, 3] (opset 14)', () => singleOp(14, 'Reshape', [3, 4], {}, (b) => [ints(b, 's', [-1, 4, 3])]), [2, 3, 4]],
  ['Transpose perm', () => singleOp(13, 'Transpose', [3, 4], { perm: [0, 2, 1] }), [2, 3, 4]],
  ['Squeeze axes attribute (opset 11)', () => axesOp(11, 'Squeeze', [1, 4], [1], 13), [3, 1, 4]],
  ['Squeeze axes input (opset 13)', () => axesOp(13, 'Squeeze', [4, 1], [-1], 13), [3, 4, 1]],
  ['Squeeze without axes (opset 13)', () => axesOp(13, 'Squeeze', [1, 4, 1], undefined, 13), [3, 1, 4, 1]],
  ['Unsqueeze axes attribute (opset 11)', () => axesOp(11, 'Unsqueeze', [4], [1, -1], 13), [3, 4]],
  ['Unsqueeze axes input (opset 21)', () => axesOp(21, 'Unsqueeze', [4], [2], 13), [3, 4]],
  [
    'Concat of activations along axis 1 and -1',
    () => {
      const b = new OnnxBuilder(13).input('x', ['N', 2, 3]).output('y');
      b.node('Relu', ['x'], ['r'], {}, 'relu').node('Concat', ['x', 'r', 'x'], ['c'], { axis: 1 }, 'concat1');
      b.node('Concat', ['c', 'c'], ['y'], { axis: -1 }, 'concat2');
      return b.build();
    },
    [2, 2, 3],
  ],
  ['Split attribute sizes (opset 11)', () => split(11, 1, [2, 3], 2), [2, 5, 4]],
  ['Split input sizes (opset 13)', () => split(13, -1, [1, 3], 2), [2, 5, 4]],
  ['Split equal (opset 13)', () => split(13, 2, undefined, 2), [2, 5, 4]],
  ['Split num_outputs uneven (opset 18)', () => split(18, 1, undefined, 2, 2), [2, 5, 4]],
  ['Slice starts/ends/axes', () => slice(13, [1, 0], [4, -1], [1, 2]), [2, 6, 5]],
  ['Slice huge end, negative start (opset 11)', () => slice(11, [-3], [9223372036854775807], [-1]), [2, 6, 5]],
  ['Slice without axes', () => slice(13, [0, 2], [100, 5]), [2, 6, 5]],
  ['Gather constant indices axis 1', () => singleOp(13, 'Gather', [5, 3], { axis: 1 }, (b) => [ints(b, 'i', [4, 0, -1])]), [2, 5, 3]],
  ['Gather scalar index axis 2 (opset 11)', () => singleOp(11, 'Gather', [5, 3], { axis: 2 }, (b) => [ints(b, 'i', [1], [])]), [2, 5, 3]],
  ['Gather 2-D indices', () => singleOp(13, 'Gather', [5, 3], { axis: 1 }, (b) => [ints(b, 'i', [0, 1, 3, 2], [2, 2])]), [2, 5, 3]],
  ['Pad constant value (opset 11)', () => pad(11, [0, 1, 0, 0, 0, 2], 0.5), [2, 3, 4]],
  ['Pad negative crop (opset 13)', () => pad(13, [0, 0, 1, 0, 1, -1]), [2, 3, 4]],
  ['Pad with axes (opset 18)', () => pad(18, [2, 1], 0.25, [-1]), [2, 3, 4]],
  ['Pad attributes (opset 2)', () => pad(2, [0, 1, 1, 0, 0, 1], -1), [2, 3, 4]],
  ['ReduceMean axes attribute keepdims (opset 13)', () => axesOp(13, 'ReduceMean', [3, 4], [1], 18), [2, 3, 4]],
  ['ReduceMean axes input keepdims 0 (opset 18)', () => axesOp(18, 'ReduceMean', [3, 4], [-1], 18, { keepdims: 0 }), [2, 3, 4]],
  [
    'ReduceMean all axes, added back (opset 11)',
    () => {
      const b = new OnnxBuilder(11).input('x', ['N', 3, 4]).output('y');
      b.node('ReduceMean', ['x'], ['m'], {}, 'mean').node('Sub', ['x', 'm'], ['y'], {}, 'center');
      return b.build();
    },
    [2, 3, 4],
  ],
  ['ReduceSum axes attribute (opset 11)', () => axesOp(11, 'ReduceSum', [3, 4], [1, 2], 13, { keepdims: 0 }), [2, 3, 4]],
  ['ReduceSum axes input (opset 13)', () => axesOp(13, 'ReduceSum', [3, 4], [2], 13), [2, 3, 4]],
  ['ReduceSum noop_with_empty_axes (opset 13)', () => axesOp(13, 'ReduceSum', [3, 4], undefined, 13, { noop_with_empty_axes: 1 }), [2, 3, 4]],
];

describe('ONNX import: shape ops and reductions match ONNX Runtime', () => {
  it.each(CASES)('%s', async (_label, bytes, xShape) => {
    await expectMatchesOrt(bytes(), randomTensor(xShape, 9));
  });

  it('Split becomes one Slice per output, named after the ONNX node and the output tensors', () => {
    const g = importOnnxModel(split(13, 1, [2, 3], 2)).graph!;
    expect(g.nodes.map((n) => [n.op, n.name])).toEqual([
      ['Slice', 'split'],
      ['Slice', 's1'],
      ['Concat', 'concat'],
    ]);
    expect(g.nodes[1]!.attrs).toEqual({ starts: [2], ends: [5], axes: [1] });
  });

  it('constant inputs become attributes (Reshape shape, Gather indices, Pad pads)', () => {
    const reshape = importOnnxModel(singleOp(13, 'Reshape', [3, 4], {}, (b) => [ints(b, 's', [0, -1])])).graph!;
    expect(reshape.nodes[0]!.attrs['shape']).toEqual([0, -1]);
    expect(Object.keys(reshape.initializers)).toEqual([]);
    const gather = importOnnxModel(singleOp(13, 'Gather', [5, 3], { axis: 1 }, (b) => [ints(b, 'i', [4, 0, -1])])).graph!;
    expect(gather.nodes[0]!.attrs).toEqual({ axis: 1, indices: [4, 0, 4], indices_shape: [3] });
    const padded = importOnnxModel(pad(18, [2, 1], 0.25, [-1])).graph!;
    expect(padded.nodes[0]!.attrs).toEqual({ pads: [0, 0, 2, 0, 0, 1], mode: 'constant', value: 0.25 });
  });
});

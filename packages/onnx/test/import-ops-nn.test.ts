/** Per-op import checks (linear, conv, pooling, normalization): reference forward == ONNX Runtime to 1e-5. */
import { describe, expect, it } from 'vitest';
import { expectMatchesOrt } from './helpers/import-check.js';
import { OnnxBuilder, float, randomTensor, singleOp } from './helpers/onnx-builder.js';

type Case = [label: string, bytes: () => Uint8Array, xShape: number[]];

const w = (b: OnnxBuilder, name: string, shape: number[]): string => (b.init(name, shape), name);

const CASES: Case[] = [
  ['Gemm transB alpha beta (opset 11)', () => singleOp(11, 'Gemm', [4], { transB: 1, alpha: float(0.5), beta: float(2) }, (b) => [w(b, 'W', [3, 4]), w(b, 'B', [3])]), [3, 4]],
  ['Gemm transA-free without bias (opset 13)', () => singleOp(13, 'Gemm', [4], {}, (b) => [w(b, 'W', [4, 5])]), [3, 4]],
  ['Gemm (opset 21)', () => singleOp(21, 'Gemm', [4], { transB: 1 }, (b) => [w(b, 'W', [2, 4]), w(b, 'B', [2])]), [3, 4]],
  ['MatMul 2-D', () => singleOp(13, 'MatMul', [4], {}, (b) => [w(b, 'W', [4, 3])]), [3, 4]],
  ['MatMul 3-D x 2-D', () => singleOp(13, 'MatMul', [2, 4], {}, (b) => [w(b, 'W', [4, 3])]), [3, 2, 4]],
  ['Conv groups pads strides bias', () => singleOp(11, 'Conv', [4, 7, 7], { group: 2, pads: [1, 1, 1, 1], strides: [2, 2] }, (b) => [w(b, 'W', [6, 2, 3, 3]), w(b, 'B', [6])]), [2, 4, 7, 7]],
  ['Conv depthwise dilations', () => singleOp(13, 'Conv', [3, 8, 8], { group: 3, dilations: [2, 2], pads: [2, 1, 2, 1] }, (b) => [w(b, 'W', [3, 1, 3, 3])]), [2, 3, 8, 8]],
  ['Conv auto_pad SAME_UPPER stride 2', () => singleOp(13, 'Conv', [2, 7, 6], { auto_pad: 'SAME_UPPER', strides: [2, 2], kernel_shape: [4, 3] }, (b) => [w(b, 'W', [3, 2, 4, 3])]), [2, 2, 7, 6]],
  ['Conv auto_pad SAME_LOWER', () => singleOp(17, 'Conv', [2, 6, 6], { auto_pad: 'SAME_LOWER', strides: [2, 2] }, (b) => [w(b, 'W', [3, 2, 2, 2])]), [2, 2, 6, 6]],
  ['Conv auto_pad VALID', () => singleOp(21, 'Conv', [2, 6, 5], { auto_pad: 'VALID' }, (b) => [w(b, 'W', [3, 2, 3, 2]), w(b, 'B', [3])]), [2, 2, 6, 5]],
  ['ConvTranspose strides pads output_padding', () => singleOp(13, 'ConvTranspose', [2, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, (b) => [w(b, 'W', [2, 3, 3, 3]), w(b, 'B', [3])]), [2, 2, 4, 4]],
  ['ConvTranspose groups dilations', () => singleOp(11, 'ConvTranspose', [4, 3, 3], { group: 2, dilations: [2, 1] }, (b) => [w(b, 'W', [4, 2, 2, 3])]), [2, 4, 3, 3]],
  ['ConvTranspose output_shape', () => singleOp(17, 'ConvTranspose', [2, 4, 4], { strides: [2, 2], output_shape: [8, 9] }, (b) => [w(b, 'W', [2, 1, 3, 3])]), [2, 2, 4, 4]],
  ['ConvTranspose auto_pad SAME_UPPER', () => singleOp(13, 'ConvTranspose', [2, 3, 3], { strides: [2, 2], auto_pad: 'SAME_UPPER' }, (b) => [w(b, 'W', [2, 2, 3, 3])]), [2, 2, 3, 3]],
  ['ConvTranspose auto_pad SAME_LOWER', () => singleOp(13, 'ConvTranspose', [2, 3, 3], { strides: [2, 2], auto_pad: 'SAME_LOWER' }, (b) => [w(b, 'W', [2, 2, 3, 3])]), [2, 2, 3, 3]],
  ['MaxPool 2x2', () => singleOp(13, 'MaxPool', [3, 6, 6], { kernel_shape: [2, 2], strides: [2, 2] }), [2, 3, 6, 6]],
  ['MaxPool pads ceil_mode', () => singleOp(11, 'MaxPool', [2, 7, 7], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }), [2, 2, 7, 7]],
  ['MaxPool auto_pad SAME_UPPER', () => singleOp(18, 'MaxPool', [2, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' }), [2, 2, 5, 5]],
  ['AveragePool count_include_pad 0', () => singleOp(13, 'AveragePool', [2, 5, 5], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }), [2, 2, 5, 5]],
  ['AveragePool count_include_pad 1', () => singleOp(11, 'AveragePool', [2, 5, 5], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }), [2, 2, 5, 5]],
  ['AveragePool ceil_mode (opset 19)', () => singleOp(19, 'AveragePool', [2, 6, 6], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }), [2, 2, 6, 6]],
  ['GlobalAveragePool', () => singleOp(13, 'GlobalAveragePool', [3, 4, 5]), [2, 3, 4, 5]],
  ['GlobalMaxPool', () => singleOp(13, 'GlobalMaxPool', [3, 4, 5]), [2, 3, 4, 5]],
  [
    'BatchNormalization (opset 11)',
    () => singleOp(11, 'BatchNormalization', [3, 4, 4], { epsilon: float(1e-3) }, (b) => {
      b.init('s', [3]).init('bb', [3]).init('m', [3]).init('v', [3], [0.5, 1, 2]);
      return ['s', 'bb', 'm', 'v'];
    }),
    [2, 3, 4, 4],
  ],
  [
    'BatchNormalization (opset 15, rank 2)',
    () => singleOp(15, 'BatchNormalization', [3], {}, (b) => {
      b.init('s', [3]).init('bb', [3]).init('m', [3]).init('v', [3], [0.5, 1, 2]);
      return ['s', 'bb', 'm', 'v'];
    }),
    [4, 3],
  ],
  ['LayerNormalization axis -1 with bias (opset 17)', () => singleOp(17, 'LayerNormalization', [3, 4], {}, (b) => [w(b, 'g', [4]), w(b, 'bb', [4])]), [2, 3, 4]],
  ['LayerNormalization axis 1 no bias (opset 17)', () => singleOp(17, 'LayerNormalization', [3, 4], { axis: 1, epsilon: float(1e-3) }, (b) => [w(b, 'g', [3, 4])]), [2, 3, 4]],
];

describe('ONNX import: linear, conv, pooling and normalization ops match ONNX Runtime', () => {
  it.each(CASES)('%s', async (_label, bytes, xShape) => {
    const result = await expectMatchesOrt(bytes(), randomTensor(xShape, 3));
    expect(result.graph!.nodes.length).toBeGreaterThan(0);
  });

  it('keeps the ONNX node name as the layer name and makes auto_pad explicit', async () => {
    const bytes = singleOp(13, 'Conv', [2, 7, 6], { auto_pad: 'SAME_UPPER', strides: [2, 2] }, (b) => [w(b, 'W', [3, 2, 4, 3])]);
    const result = await expectMatchesOrt(bytes, randomTensor([1, 2, 7, 6], 4));
    const conv = result.graph!.nodes[0]!;
    expect(conv.name).toBe('conv_node');
    expect(conv.attrs['auto_pad']).toBeUndefined();
    expect(conv.attrs['pads']).toEqual([1, 0, 2, 1]);
  });
});

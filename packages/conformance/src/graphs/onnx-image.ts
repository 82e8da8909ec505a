/**
 * ONNX image ops (NCHW): Conv → Relu → ConvTranspose (stride 2, pads, output_padding) → Pad (pads
 * and crops) → Slice (negative and out-of-range bounds) → Clip → ReduceMean (keepdims) → Squeeze →
 * Flatten → Gemm → LogSoftmax.
 * input [N, 2, 5, 5] → output [N, 4] (log-probabilities).
 */
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

export function onnxImageGraph(seed = 404): ConformanceGraph {
  const b = new GraphBuilder(suiteRng(seed));
  const conv = b.node('conv', 'Conv', [b.input, b.weight('conv.weight', [4, 2, 3, 3], 0.45), b.weight('conv.bias', [4], 0.1)], {
    pads: [1, 1, 1, 1],
  });
  const relu = b.node('relu', 'Relu', [conv]);
  // [N,4,5,5] → [N,3,10,10]: (5 − 1)·2 − 2 + 2 + 1 + 1
  const up = b.node('up', 'ConvTranspose', [relu, b.weight('up.weight', [4, 3, 3, 3], 0.4), b.weight('up.bias', [3], 0.1)], {
    strides: [2, 2],
    pads: [1, 1, 1, 1],
    output_padding: [1, 1],
  });
  // H: −1 + 10 + 2 = 11, W: 1 + 10 − 1 = 10
  const pad = b.node('pad', 'Pad', [up], { pads: [0, 0, -1, 1, 0, 0, 2, -1], value: 0.25 });
  // H: [1, 11) → 10, W: [1, 9) → 8
  const slice = b.node('slice', 'Slice', [pad], { starts: [1, -9], ends: [1000, -1], axes: [2, 3] });
  const clip = b.node('clip', 'Clip', [slice], { min: -0.6, max: 0.7 });
  const mean = b.node('mean', 'ReduceMean', [clip], { axes: [-1], keepdims: 1 });
  const squeeze = b.node('squeeze', 'Squeeze', [mean], { axes: [3] });
  const flat = b.node('flatten', 'Flatten', [squeeze], { axis: 1 });
  const fc = b.node('fc', 'Gemm', [flat, b.weight('fc.weight', [4, 30], 0.8), b.weight('fc.bias', [4], 0.1)], { transB: 1 });
  const out = b.node('log_softmax', 'LogSoftmax', [fc], { axis: -1 });
  return {
    id: 'onnx-image',
    description: 'NCHW: Conv, Relu, ConvTranspose, Pad, Slice, Clip, ReduceMean, Squeeze, Flatten, Gemm, LogSoftmax',
    graph: b.build('conformance-onnx-image', [2, 5, 5], out),
    inputShape: [2, 5, 5],
    outputSize: 4,
    taps: ['relu', 'up', 'clip', 'squeeze'],
    cut: 'up',
    reluNodes: ['relu'],
  };
}

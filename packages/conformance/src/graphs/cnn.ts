/**
 * CNN in NCHW (ONNX: OIHW weights) and the same function in NHWC (tfjs: HWIO weights).
 *
 * conv1 (3×3, pad 1) → bn1 → relu1 → conv2 (groups 2, dilation 2, no bias) → relu2 → pool1 (max 2×2/2)
 * → conv3 (3×3, stride 2, asymmetric pads) → relu3 → pool2 (avg 3×3/1, pad 1) ┬→ flatten → fc ─┐
 *                                                                          └→ gap → reshape → fc_gap ┴→ logits (Add)
 *
 * The NHWC graph computes exactly the NCHW graph's function on the transposed input: its weights
 * are the NCHW weights transposed OIHW→HWIO, and the first Gemm after Flatten has its columns
 * permuted from (C,H,W) to (H,W,C) order.
 */
import type { Layout, Tensor } from '@glasswing/core';
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

const C_IN = 2;
const SIZE = 8;

interface CnnWeights {
  readonly [name: string]: Tensor;
}

function cnnWeights(seed: number): CnnWeights {
  const rng = suiteRng(seed);
  const w = (shape: number[], scale: number): Tensor => ({
    shape,
    data: rng.normals(shape.reduce((a, b) => a * b, 1), scale),
  });
  const positive = (n: number, lo: number, hi: number): Tensor => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * rng.uniform();
    return { shape: [n], data };
  };
  return {
    'conv1.weight': w([4, C_IN, 3, 3], 0.45),
    'conv1.bias': w([4], 0.1),
    'bn1.scale': positive(4, 0.6, 1.4),
    'bn1.bias': w([4], 0.2),
    'bn1.mean': w([4], 0.2),
    'bn1.var': positive(4, 0.5, 1.5),
    'conv2.weight': w([4, 2, 3, 3], 0.45),
    'conv3.weight': w([6, 4, 3, 3], 0.3),
    'conv3.bias': w([6], 0.1),
    'fc.weight': w([3, 24], 0.35),
    'fc.bias': w([3], 0.1),
    'fc_gap.weight': w([3, 6], 0.6),
  };
}

/** OIHW → HWIO. */
function toHwio(t: Tensor): Tensor {
  const [o, i, kh, kw] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = t.data[((a * i + b) * kh + y) * kw + x]!;
  return { shape: [kh, kw, i, o], data: out };
}

/** Gemm weight [O, C·H·W] with columns in (C,H,W) order → columns in (H,W,C) order. */
function permuteFlattenColumns(t: Tensor, c: number, h: number, w: number): Tensor {
  const [o] = t.shape as [number];
  const out = new Float32Array(t.data.length);
  for (let r = 0; r < o; r++)
    for (let ci = 0; ci < c; ci++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[r * c * h * w + (y * w + x) * c + ci] = t.data[r * c * h * w + (ci * h + y) * w + x]!;
  return { shape: [...t.shape], data: out };
}

function buildCnn(layout: Layout, seed: number): ConformanceGraph {
  const weights = cnnWeights(seed);
  const b = new GraphBuilder(suiteRng(seed + 1));
  const nhwc = layout === 'NHWC';
  const param = (name: string): string => {
    let t = weights[name]!;
    if (nhwc && t.shape.length === 4) t = toHwio(t);
    if (nhwc && name === 'fc.weight') t = permuteFlattenColumns(t, 6, 2, 2);
    return b.constant(name, t.shape, t.data);
  };
  const conv1 = b.node('conv1', 'Conv', [b.input, param('conv1.weight'), param('conv1.bias')], {
    kernel_shape: [3, 3],
    strides: [1, 1],
    pads: [1, 1, 1, 1],
    layout,
  });
  const bn1 = b.node(
    'bn1',
    'BatchNormalization',
    [conv1, param('bn1.scale'), param('bn1.bias'), param('bn1.mean'), param('bn1.var')],
    { epsilon: 1e-5, layout },
  );
  const relu1 = b.node('relu1', 'Relu', [bn1]);
  const conv2 = b.node('conv2', 'Conv', [relu1, param('conv2.weight')], {
    kernel_shape: [3, 3],
    strides: [1, 1],
    pads: [2, 2, 2, 2],
    dilations: [2, 2],
    group: 2,
    layout,
  });
  const relu2 = b.node('relu2', 'Relu', [conv2]);
  const pool1 = b.node('pool1', 'MaxPool', [relu2], { kernel_shape: [2, 2], strides: [2, 2], layout });
  const conv3 = b.node('conv3', 'Conv', [pool1, param('conv3.weight'), param('conv3.bias')], {
    kernel_shape: [3, 3],
    strides: [2, 2],
    pads: [0, 0, 1, 1],
    layout,
  });
  const relu3 = b.node('relu3', 'Relu', [conv3]);
  const pool2 = b.node('pool2', 'AveragePool', [relu3], {
    kernel_shape: [3, 3],
    strides: [1, 1],
    pads: [1, 1, 1, 1],
    count_include_pad: 0,
    layout,
  });
  const flat = b.node('flatten', 'Flatten', [pool2], { axis: 1 });
  const fc = b.node('fc', 'Gemm', [flat, param('fc.weight'), param('fc.bias')], { transB: 1 });
  const gap = b.node('gap', 'GlobalAveragePool', [pool2], { layout });
  const gapFlat = b.node('gap_flat', 'Reshape', [gap], { shape: [0, -1] });
  const fcGap = b.node('fc_gap', 'Gemm', [gapFlat, param('fc_gap.weight')], { transB: 1 });
  const out = b.node('logits', 'Add', [fc, fcGap]);
  const inputShape = nhwc ? [SIZE, SIZE, C_IN] : [C_IN, SIZE, SIZE];
  return {
    id: nhwc ? 'cnn-nhwc' : 'cnn-nchw',
    description: `CNN in ${layout} (${nhwc ? 'HWIO' : 'OIHW'} weights): Conv with stride/pad/dilation/groups, BatchNormalization, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Gemm`,
    graph: b.build(`conformance-cnn-${layout.toLowerCase()}`, inputShape, out, { layout }),
    inputShape,
    outputSize: 3,
    taps: ['relu1', 'pool1', 'pool2', 'gap_flat'],
    cut: 'pool1',
    reluNodes: ['relu1', 'relu2', 'relu3'],
  };
}

export function cnnNchwGraph(seed = 202): ConformanceGraph {
  return buildCnn('NCHW', seed);
}

export function cnnNhwcGraph(seed = 202): ConformanceGraph {
  return buildCnn('NHWC', seed);
}

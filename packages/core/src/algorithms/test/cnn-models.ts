/**
 * Small CNN graphs for the rule / layer method tests, in either layout, plus a naive NCHW
 * convolution for hand computations (test-only, independent of the executor's kernels).
 */
import type { Graph, GraphNode, Layout } from '../../ir/graph.js';
import type { Tensor } from '../../tensor.js';

/** Deterministic uniform numbers in [lo, hi) (LCG; test data only). */
export function uniform(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0 || 1;
  return (lo = -1, hi = 1) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  };
}

export function randTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = uniform(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape: [...shape], data: Float32Array.from({ length: n }, () => r(lo, hi)) };
}

/** OIHW → HWIO. */
export function toHWIO(w: Tensor): Tensor {
  const [o, i, h, k] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++) for (let x = 0; x < k; x++) out[((y * k + x) * i + b) * o + a] = w.data[((a * i + b) * h + y) * k + x]!;
  return { shape: [h, k, i, o], data: out };
}

/** [N, C, H, W] → [N, H, W, C]. */
export function nchwToNhwc(t: Tensor): Tensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((i * h + y) * w + x) * c + ch] = t.data[((i * c + ch) * h + y) * w + x]!;
  return { shape: [n, h, w, c], data: out };
}

/** [N, H, W, C] → [N, C, H, W]. */
export function nhwcToNchw(t: Tensor): Tensor {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((i * c + ch) * h + y) * w + x] = t.data[((i * h + y) * w + x) * c + ch]!;
  return { shape: [n, c, h, w], data: out };
}

/** Naive NCHW cross-correlation, zero padding [t, l, b, r], one stride for both axes; float64 out. */
export function naiveConv(x: Tensor, w: Tensor, b: Tensor | undefined, stride: number, pads: readonly number[]): { shape: number[]; data: Float64Array } {
  const [n, cin, H, W] = x.shape as [number, number, number, number];
  const [cout, , kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((H + pads[0]! + pads[2]! - kh) / stride) + 1;
  const ow = Math.floor((W + pads[1]! + pads[3]! - kw) / stride) + 1;
  const out = new Float64Array(n * cout * oh * ow);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < cout; o++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let s = b ? b.data[o]! : 0;
          for (let c = 0; c < cin; c++)
            for (let dy = 0; dy < kh; dy++)
              for (let dx = 0; dx < kw; dx++) {
                const iy = y * stride + dy - pads[0]!;
                const ix = xx * stride + dx - pads[1]!;
                if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
                s += x.data[((i * cin + c) * H + iy) * W + ix]! * w.data[((o * cin + c) * kh + dy) * kw + dx]!;
              }
          out[((i * cout + o) * oh + y) * ow + xx] = s;
        }
  return { shape: [n, cout, oh, ow], data: out };
}

export interface CamWeights {
  readonly conv: Tensor; // OIHW [3, 2, 3, 3]
  readonly convBias: Tensor; // [3]
  readonly fc: Tensor; // [2, 3] (transB)
  readonly fcBias: Tensor; // [2]
}

export function camWeights(): CamWeights {
  return {
    conv: randTensor([3, 2, 3, 3], 7),
    convBias: randTensor([3], 8, -0.2, 0.2),
    fc: randTensor([2, 3], 9),
    fcBias: randTensor([2], 10),
  };
}

function node(name: string, op: GraphNode['op'], inputs: string[], attrs: GraphNode['attrs'] = {}): GraphNode {
  return { name, op, inputs, outputs: [name], attrs };
}

/**
 * x [N, 2, 5, 5] → Conv 'conv' (3×3, stride 2, pads 1 → [N, 3, 3, 3]) → Relu 'relu' →
 * GlobalAveragePool 'gap' → Flatten 'flat' → Gemm 'fc' (→ 2 logits). NHWC: the same function on
 * the transposed input.
 */
export function camGraph(layout: Layout, wts: CamWeights = camWeights()): Graph {
  const L = { layout };
  return {
    name: `cam-${layout}`,
    inputs: [{ name: 'x', shape: layout === 'NCHW' ? [-1, 2, 5, 5] : [-1, 5, 5, 2] }],
    outputs: ['fc'],
    initializers: { w: layout === 'NCHW' ? wts.conv : toHWIO(wts.conv), b: wts.convBias, fw: wts.fc, fb: wts.fcBias },
    nodes: [
      node('conv', 'Conv', ['x', 'w', 'b'], { ...L, strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('relu', 'Relu', ['conv']),
      node('gap', 'GlobalAveragePool', ['relu'], L),
      node('flat', 'Flatten', ['gap']),
      node('fc', 'Gemm', ['flat', 'fw', 'fb'], { transB: 1 }),
    ],
  };
}

/** Gemm weight [out, C·H·W] for a (C, H, W) flatten → the same function after an (H, W, C) flatten. */
function permuteFlattenColumns(w: Tensor, c: number, h: number, wd: number): Tensor {
  const [out, inF] = w.shape as [number, number];
  const data = new Float32Array(w.data.length);
  for (let o = 0; o < out; o++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < wd; x++) data[o * inF + (y * wd + x) * c + ch] = w.data[o * inF + (ch * h + y) * wd + x]!;
  return { shape: [...w.shape], data };
}

/**
 * x [N, 1, 6, 6] → Conv 'conv1' (2 ch, 3×3, pads 1) → Relu 'relu1' → MaxPool 'pool1' (2×2, s2)
 * → Conv 'conv2' (2 ch, 2×2) → Relu 'relu2' → Flatten 'flat' → Gemm 'fc' (→ 3 logits).
 * Weights with and without bias: conv2 has none. NHWC: the same function on the transposed input.
 */
export function poolGraph(layout: Layout, seed = 31): Graph {
  const L = { layout };
  const w1 = randTensor([2, 1, 3, 3], seed);
  const w2 = randTensor([2, 2, 2, 2], seed + 1);
  const fw = randTensor([3, 8], seed + 3);
  return {
    name: `pool-${layout}`,
    inputs: [{ name: 'x', shape: layout === 'NCHW' ? [-1, 1, 6, 6] : [-1, 6, 6, 1] }],
    outputs: ['fc'],
    initializers: {
      w1: layout === 'NCHW' ? w1 : toHWIO(w1),
      b1: randTensor([2], seed + 2, -0.3, 0.3),
      w2: layout === 'NCHW' ? w2 : toHWIO(w2),
      fw: layout === 'NCHW' ? fw : permuteFlattenColumns(fw, 2, 2, 2),
      fb: randTensor([3], seed + 4),
    },
    nodes: [
      node('conv1', 'Conv', ['x', 'w1', 'b1'], { ...L, pads: [1, 1, 1, 1] }),
      node('relu1', 'Relu', ['conv1']),
      node('pool1', 'MaxPool', ['relu1'], { ...L, kernel_shape: [2, 2], strides: [2, 2] }),
      node('conv2', 'Conv', ['pool1', 'w2'], L),
      node('relu2', 'Relu', ['conv2']),
      node('flat', 'Flatten', ['relu2']),
      node('fc', 'Gemm', ['flat', 'fw', 'fb'], { transB: 1 }),
    ],
  };
}

/**
 * Every tfjs kernel against core's pure-JS referenceKernels, on the cpu and wasm backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceKernels, type Conv2DParams, type Kernels, type Layout, type Pool2DParams, type Tensor } from '@glasswing/core';
import { createTfjsKernels, initTfjsBackend, type TfjsKernels } from '../src/index.js';
import { maxPoolBackprop } from '../src/kernels/max-pool-backprop.js';
import { BACKENDS, expectClose, randomTensor, tiedTensor } from './helpers.js';

type Fn = <T>(k: Kernels<T>, xs: T[]) => T;

/** Run f in a tf.tidy scope and return its result read back to the host. */
function onHost(k: Kernels<tf.Tensor>, f: () => tf.Tensor): Tensor {
  let out: Tensor | undefined;
  tf.tidy(() => {
    out = k.toHost(f());
  });
  return out!;
}

describe.each(BACKENDS)('tfjs kernels on %s', (backend) => {
  let k: TfjsKernels;
  let baseline = 0;
  beforeAll(async () => {
    await initTfjsBackend(backend);
    k = createTfjsKernels();
    baseline = tf.memory().numTensors;
  });
  afterAll(() => {
    k.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  function check(inputs: Tensor[], f: Fn, rtol = 1e-5, atol = 1e-5): void {
    const expected = f(referenceKernels, inputs);
    const before = tf.memory().numTensors - k.cachedWeights;
    const got = onHost(k, () => f(k, inputs.map((t) => k.fromHost(t))));
    expect(tf.memory().numTensors - k.cachedWeights).toBe(before);
    expectClose(got, expected, rtol, atol);
  }

  it('name reports the backend', () => {
    expect(k.name).toBe(`tfjs-${backend}`);
  });

  it('fromHost / toHost / shape / fill round-trip', () => {
    const t = randomTensor([2, 3], 1);
    const x = k.fromHost(t);
    expect([...k.shape(x)]).toEqual([2, 3]);
    expectClose(k.toHost(x), t, 0, 0);
    x.dispose();
    check([], (kk) => kk.fill([2, 2, 3], 1.5));
  });

  const shapes: [number[], number[]][] = [
    [[2, 3, 4], [2, 3, 4]],
    [[2, 3, 4], [3, 1]],
    [[1], [2, 2]],
    [[4, 1, 3], [1, 5, 1]],
    [[], [2, 3]],
  ];
  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    it.each(shapes)(`${op} broadcasts %j with %j`, (sa, sb) => {
      const b = randomTensor(sb, 3, 0.5, 2); // away from 0 for div
      check([randomTensor(sa, 2), b], (kk, [x, y]) => kk[op](x!, y!));
    });
  }

  for (const op of ['neg', 'abs', 'exp', 'relu', 'sigmoid', 'tanh', 'step'] as const) {
    it(`${op}`, () => {
      const x = randomTensor([3, 5, 2], 4, -3, 3);
      x.data[0] = 0; // step/relu at exactly 0
      check([x], (kk, [a]) => kk[op](a!));
    });
  }

  it('sqrt', () => {
    check([randomTensor([3, 5, 2], 4, 0, 9)], (kk, [a]) => kk.sqrt(a!));
  });

  it('clip / clipBackprop (values on the bounds, one-sided, unbounded)', () => {
    const x = randomTensor([3, 5, 2], 5, -8, 8);
    x.data.set([0, 6, -1, 1, 0.5]);
    const dy = randomTensor([3, 5, 2], 6);
    for (const [lo, hi] of [[0, 6], [-1, 1], [0, Infinity], [-Infinity, 0.5], [-Infinity, Infinity], [1, 1]] as const) {
      check([x], (kk, [a]) => kk.clip!(a!, lo, hi), 0, 0);
      check([dy, x], (kk, [g, a]) => kk.clipBackprop!(g!, a!, lo, hi), 0, 0);
    }
  });

  it('leakyRelu', () => {
    check([randomTensor([4, 6], 5, -2, 2)], (kk, [a]) => kk.leakyRelu(a!, 0.1));
  });

  it('log (positive inputs; 0 gives -Infinity)', () => {
    check([randomTensor([3, 5, 2], 24, 0.01, 9)], (kk, [a]) => kk.log(a!));
    const zero = onHost(k, () => k.log(k.fromHost({ shape: [1], data: Float32Array.of(0) })));
    expect(zero.data[0]).toBe(-Infinity);
  });

  it('erf (within 2e-7 absolute of the float64 reference, odd, saturating)', () => {
    const x = randomTensor([4, 50], 25, -4, 4);
    x.data.set([0, 1e-6, -1e-6, 6, -6, 10, -10, 0.5]);
    check([x], (kk, [a]) => kk.erf(a!), 0, 2e-7);
  });

  it.each([
    [[2, 3, 4], [2, 3, 4]],
    [[2, 3, 4], [4]],
    [[3, 1], []],
  ] as [number[], number[]][])('pow broadcasts %j with %j', (sa, sb) => {
    check([randomTensor(sa, 26, 0.1, 3), randomTensor(sb, 27, -2, 2)], (kk, [a, b]) => kk.pow(a!, b!), 2e-6, 1e-6);
  });

  it('pow with integer exponents of negative bases', () => {
    const a: Tensor = { shape: [4], data: Float32Array.of(-2, -1.5, 0, 3) };
    check([a, { shape: [1], data: Float32Array.of(2) }], (kk, [x, y]) => kk.pow(x!, y!));
    check([a, { shape: [1], data: Float32Array.of(3) }], (kk, [x, y]) => kk.pow(x!, y!));
  });

  it.each([
    [[2, 3, 4], [0, 1, 2, 1, 0, 3], 0],
    [[2, 3, 4], [0, -1, 1, 0, 2, -2], 1.5],
    [[2, 3, 4], [-1, 0, 0, 0, 0, -1], -2],
    [[5], [2, 3], 0.25],
    [[5], [-2, -3], 0],
    [[2, 3], [0, 0, 0, 0], 7],
  ] as [number[], number[], number][])('pad %j with pads %j value %f', (shape, pads, value) => {
    check([randomTensor(shape, 28)], (kk, [a]) => kk.pad(a!, pads, value));
  });

  it.each([
    [[5, 3], [4, 0, 0, 2], 0],
    [[2, 5, 3], [1, 4], 1],
    [[2, 5, 3], [2, 2, 0], -1],
    [[2, 5, 3], [], 1],
    [[6], [5], 0],
  ] as [number[], number[], number][])('gather from %j indices %j axis %i', (shape, indices, axis) => {
    check([randomTensor(shape, 29)], (kk, [a]) => kk.gather(a!, indices, axis));
  });

  it('gather / pad reject bad arguments with typed errors', () => {
    const x = k.fromHost(randomTensor([2, 3], 30));
    expect(() => k.gather(x, [3], 1)).toThrow(/out of range/);
    expect(() => k.gather(x, [-1], 1)).toThrow(/out of range/);
    expect(() => k.pad(x, [0, 0, 0], 0)).toThrow(/pads/);
    expect(() => k.pad(x, [-2, 0, -1, 0], 0)).toThrow(/crop/);
    x.dispose();
  });

  it.each([
    [[0], false],
    [[1], true],
    [[0, 2], false],
    [[2], true],
    [[], false],
  ] as [number[], boolean][])('sum over %j keepDims %s', (axes, keep) => {
    check([randomTensor([2, 3, 4], 6)], (kk, [a]) => kk.sum(a!, axes, keep));
  });

  it.each([0, 1, 2, -1])('softmax on axis %i', (axis) => {
    check([randomTensor([2, 3, 4], 7, -4, 4)], (kk, [a]) => kk.softmax(a!, axis));
  });

  it('reshape / transpose / concat / slice / broadcastTo', () => {
    const a = randomTensor([2, 3, 4], 8);
    const b = randomTensor([2, 2, 4], 9);
    check([a], (kk, [x]) => kk.reshape(x!, [6, 4]));
    check([a], (kk, [x]) => kk.transpose(x!, [2, 0, 1]));
    check([a, b], (kk, [x, y]) => kk.concat([x!, y!], 1));
    check([a], (kk, [x]) => kk.concat([x!], 0));
    check([a], (kk, [x]) => kk.slice(x!, [1, 1, 0], [1, 2, 3]));
    check([randomTensor([3, 1], 10)], (kk, [x]) => kk.broadcastTo(x!, [2, 3, 4]));
  });

  it.each([
    [[3, 4], [4, 5], false, false],
    [[4, 3], [4, 5], true, false],
    [[3, 4], [5, 4], false, true],
    [[4, 3], [5, 4], true, true],
    [[2, 3, 4], [4, 5], false, false],
    [[2, 3, 4], [5, 4], false, true],
    [[2, 3, 4], [2, 4, 5], false, false],
    [[2, 4, 3], [2, 5, 4], true, true],
    [[3, 4], [2, 4, 5], false, false],
  ] as [number[], number[], boolean, boolean][])('matmul %j x %j transA %s transB %s', (sa, sb, ta, tb) => {
    check([randomTensor(sa, 11), randomTensor(sb, 12)], (kk, [a, b]) => kk.matmul(a!, b!, ta, tb));
  });

  interface ConvCase {
    n: number; c: number; h: number; w: number; o: number; kh: number; kw: number;
    strides: [number, number]; pads: [number, number, number, number]; dilations: [number, number]; group: number;
  }
  const conv = (over: Partial<ConvCase>): ConvCase => ({
    n: 2, c: 3, h: 7, w: 6, o: 4, kh: 3, kw: 3, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, ...over,
  });
  const convCases: [string, ConvCase][] = [
    ['same 3x3', conv({})],
    ['valid', conv({ pads: [0, 0, 0, 0] })],
    ['asymmetric pads', conv({ pads: [0, 2, 1, 0], kh: 2, kw: 3 })],
    ['stride 2', conv({ strides: [2, 2] })],
    ['stride 2x3 uneven', conv({ strides: [2, 3], h: 8, w: 9, pads: [1, 0, 0, 1] })],
    ['dilation 2', conv({ dilations: [2, 2], pads: [2, 2, 2, 2] })],
    ['stride 2 + dilation 2', conv({ strides: [2, 2], dilations: [2, 1], pads: [1, 1, 2, 0], h: 9 })],
    ['groups 2', conv({ c: 4, o: 6, group: 2 })],
    ['depthwise', conv({ c: 3, o: 6, group: 3, strides: [2, 1] })],
    ['depthwise multiplier 1, dilation 2', conv({ c: 4, o: 4, group: 4, dilations: [2, 2], pads: [2, 1, 2, 2] })],
    ['depthwise stride 2, asymmetric pads', conv({ c: 5, o: 5, group: 5, strides: [2, 2], pads: [0, 0, 1, 1], h: 8, w: 9 })],
    ['pads larger than kernel span', conv({ kh: 2, kw: 2, pads: [3, 0, 0, 3] })],
    ['1x1 output channel', conv({ o: 1, c: 5 })],
    ['single input channel', conv({ c: 1, o: 5 })],
    ['single input channel, dilation 2', conv({ c: 1, o: 3, dilations: [2, 2], pads: [2, 1, 2, 1] })],
  ];
  for (const layout of ['NHWC', 'NCHW'] as Layout[]) {
    for (const [label, cc] of convCases) {
      const p: Conv2DParams = { strides: cc.strides, pads: cc.pads, dilations: cc.dilations, group: cc.group, layout };
      const xShape = layout === 'NHWC' ? [cc.n, cc.h, cc.w, cc.c] : [cc.n, cc.c, cc.h, cc.w];
      const wShape = layout === 'NHWC' ? [cc.kh, cc.kw, cc.c / cc.group, cc.o] : [cc.o, cc.c / cc.group, cc.kh, cc.kw];
      const x = randomTensor(xShape, 13);
      const w = randomTensor(wShape, 14);
      it(`conv2d ${layout} ${label}`, () => {
        check([x, w], (kk, [a, b]) => kk.conv2d(a!, b!, p), 1e-4, 1e-5);
      });
      it(`conv2dBackpropInput ${layout} ${label}`, () => {
        const y = referenceKernels.conv2d(x, w, p);
        const dy = randomTensor(y.shape, 15);
        check([dy, w], (kk, [g, b]) => kk.conv2dBackpropInput(g!, b!, xShape, p), 1e-4, 1e-5);
      });
    }
  }

  it('caches transformed weights only for persistent weights and frees them on dispose', () => {
    const kk = createTfjsKernels();
    const p: Conv2DParams = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, layout: 'NHWC' };
    const w = kk.fromHost(randomTensor([3, 3, 2, 4], 16));
    const dy = randomTensor([1, 5, 5, 4], 17);
    const before = tf.memory().numTensors;
    const run = (): Tensor => onHost(kk, () => kk.conv2dBackpropInput(kk.fromHost(dy), w, [1, 5, 5, 2], p));
    const first = run();
    expect(kk.cachedWeights).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1);
    expectClose(run(), first, 0, 0);
    expect(tf.memory().numTensors).toBe(before + 1);
    // A weight created inside the call (e.g. by a rule) is not cached.
    tf.tidy(() => {
      kk.conv2dBackpropInput(kk.fromHost(dy), tf.mul(w, 2), [1, 5, 5, 2], p);
    });
    expect(kk.cachedWeights).toBe(1);
    kk.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  interface PoolCase {
    h: number; w: number; kernel: [number, number]; strides: [number, number];
    pads: [number, number, number, number]; ceilMode: boolean; countIncludePad: boolean;
  }
  const pool = (over: Partial<PoolCase>): PoolCase => ({
    h: 8, w: 8, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: false, countIncludePad: false, ...over,
  });
  const poolCases: [string, PoolCase][] = [
    ['2x2/2', pool({})],
    ['2x2/2 odd size (uncovered tail)', pool({ h: 7, w: 9 })],
    ['3x3/2 overlapping', pool({ kernel: [3, 3], h: 9, w: 7 })],
    ['3x3/1 pads 1', pool({ kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] })],
    ['3x2/2x1 asymmetric pads', pool({ kernel: [3, 2], strides: [2, 1], pads: [1, 0, 2, 1] })],
    ['ceil mode', pool({ h: 7, w: 6, kernel: [3, 3], strides: [2, 2], ceilMode: true })],
    ['ceil mode + pads + countIncludePad', pool({ h: 7, w: 8, kernel: [3, 3], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true })],
    ['pads + countIncludePad', pool({ kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true })],
  ];
  for (const layout of ['NHWC', 'NCHW'] as Layout[]) {
    for (const [label, pc] of poolCases) {
      const p: Pool2DParams = { ...pc, layout };
      const xShape = layout === 'NHWC' ? [2, pc.h, pc.w, 3] : [2, 3, pc.h, pc.w];
      it(`maxPool + maxPoolBackprop with ties ${layout} ${label}`, () => {
        const x = tiedTensor(xShape, 18, 3);
        for (let i = 0; i < x.data.length; i += 2) x.data[i] = -x.data[i]!; // negative ties too
        const y = referenceKernels.maxPool(x, p);
        const dy = randomTensor(y.shape, 19, 0.5, 1.5);
        check([x], (kk, [a]) => kk.maxPool(a!, p));
        check([dy, x], (kk, [g, a]) => kk.maxPoolBackprop(g!, a!, p));
        // The op-based strategies (used where the backend's MaxPoolGrad is not exact), forced.
        const want = referenceKernels.maxPoolBackprop(dy, x, p);
        const forced = onHost(k, () => maxPoolBackprop(() => false, k.fromHost(dy), k.fromHost(x), p));
        expectClose(forced, want, 1e-5, 1e-5);
      });
      it(`maxPoolBackprop random ${layout} ${label}`, () => {
        const x = randomTensor(xShape, 20);
        const dy = randomTensor(referenceKernels.maxPool(x, p).shape, 21);
        check([x], (kk, [a]) => kk.maxPool(a!, p));
        check([dy, x], (kk, [g, a]) => kk.maxPoolBackprop(g!, a!, p));
      });
      it(`avgPool + avgPoolBackprop ${layout} ${label}`, () => {
        const x = randomTensor(xShape, 22);
        const y = referenceKernels.avgPool(x, p);
        const dy = randomTensor(y.shape, 23);
        check([x], (kk, [a]) => kk.avgPool(a!, p));
        check([dy], (kk, [g]) => kk.avgPoolBackprop(g!, xShape, p));
      });
    }
  }

  it('maxPoolBackprop sends a tied window gradient to its first maximum', () => {
    const p: Pool2DParams = { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], layout: 'NHWC', ceilMode: false, countIncludePad: false };
    const x: Tensor = { shape: [1, 2, 2, 1], data: new Float32Array([5, 5, 5, 5]) };
    const dy: Tensor = { shape: [1, 1, 1, 1], data: new Float32Array([1]) };
    const got = onHost(k, () => k.maxPoolBackprop(k.fromHost(dy), k.fromHost(x), p));
    expect(Array.from(got.data)).toEqual([1, 0, 0, 0]);
  });
});

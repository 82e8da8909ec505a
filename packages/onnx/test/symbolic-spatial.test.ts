/**
 * Conv and pooling symbolic kernels vs core's reference kernels in onnxruntime-node: both layouts,
 * strides/dilations/groups/pads for conv and its input gradient (flipped-Conv and ConvTranspose
 * paths), first-maximum routing under ties, overlapping windows, ceil mode and countIncludePad.
 */
import type { Conv2DParams, Layout, Pool2DParams } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { expectAgrees, randomTensor as rnd } from './support/symbolic-harness.js';
import { POLYPHASE_MAX_PLANE } from '../src/symbolic/conv2d-backprop-input.js';

function act(layout: Layout, n: number, c: number, h: number, w: number): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}
function weight(layout: Layout, o: number, ig: number, kh: number, kw: number): number[] {
  return layout === 'NCHW' ? [o, ig, kh, kw] : [kh, kw, ig, o];
}
function outSize(size: number, k: number, s: number, pb: number, pe: number, d: number, ceil = false): number {
  const eff = (k - 1) * d + 1;
  const span = size + pb + pe - eff;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + pb) out -= 1;
  return out;
}

interface ConvCase {
  name: string;
  c: number;
  o: number;
  hw: [number, number];
  k: [number, number];
  p: Omit<Conv2DParams, 'layout'>;
}
const convCases: ConvCase[] = [
  { name: '3x3 same pads', c: 3, o: 4, hw: [6, 7], k: [3, 3], p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 } },
  { name: 'stride 2 asymmetric pads', c: 2, o: 3, hw: [7, 8], k: [3, 2], p: { strides: [2, 2], pads: [1, 0, 0, 1], dilations: [1, 1], group: 1 } },
  { name: 'stride (2,3) with leftover rows', c: 2, o: 2, hw: [8, 9], k: [3, 3], p: { strides: [2, 3], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 } },
  { name: 'dilation 2', c: 2, o: 3, hw: [8, 8], k: [3, 3], p: { strides: [1, 1], pads: [2, 1, 0, 2], dilations: [2, 2], group: 1 } },
  { name: 'groups 2', c: 4, o: 6, hw: [5, 6], k: [3, 3], p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 2 } },
  { name: 'depthwise stride 2', c: 3, o: 3, hw: [7, 7], k: [3, 3], p: { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 3 } },
  { name: 'single input channel (LeNet conv1)', c: 1, o: 4, hw: [8, 8], k: [5, 5], p: { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 } },
  { name: 'pads larger than the dilated kernel', c: 2, o: 2, hw: [4, 4], k: [2, 2], p: { strides: [1, 1], pads: [2, 0, 1, 2], dilations: [1, 1], group: 1 } },
  // Polyphase (stride s > 1, ≥ 8 input channels): s² stride-1 Convs → DepthToSpace → crop.
  { name: 'polyphase depthwise 3x3 stride 2 (MobileNetV2), odd size', c: 8, o: 8, hw: [7, 9], k: [3, 3], p: { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 8 } },
  { name: 'polyphase depthwise stride 2 TF-style pads', c: 8, o: 8, hw: [8, 8], k: [3, 3], p: { strides: [2, 2], pads: [0, 0, 1, 1], dilations: [1, 1], group: 8 } },
  { name: 'polyphase depthwise multiplier 2', c: 8, o: 16, hw: [6, 6], k: [3, 3], p: { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 8 } },
  { name: 'polyphase 1x1 stride 2 (ResNet downsample: empty phases)', c: 8, o: 12, hw: [8, 7], k: [1, 1], p: { strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 } },
  { name: 'polyphase 7x7 stride 2 pads 3 (ResNet conv1 shape)', c: 8, o: 4, hw: [11, 12], k: [7, 7], p: { strides: [2, 2], pads: [3, 3, 3, 3], dilations: [1, 1], group: 1 } },
  { name: 'polyphase stride 3 kernel 2 (k < s), groups 2', c: 8, o: 4, hw: [10, 9], k: [2, 2], p: { strides: [3, 3], pads: [1, 0, 0, 1], dilations: [1, 1], group: 2 } },
  { name: 'depthwise stride 2, plane over the polyphase limit (ConvTranspose)', c: 8, o: 8, hw: [33, 32], k: [3, 3], p: { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 8 } },
  { name: 'stride 2, pad beyond the kernel (ConvTranspose fallback)', c: 8, o: 4, hw: [5, 5], k: [2, 2], p: { strides: [2, 2], pads: [2, 2, 1, 1], dilations: [1, 1], group: 1 } },
];
/** Whether conv2dBackpropInput with a constant weight takes the polyphase path (see its header). */
function polyphaseExpected(cc: ConvCase): boolean {
  const { strides: [sh, sw], pads, dilations } = cc.p;
  if (sh !== sw || sh < 2 || dilations.some((d) => d !== 1) || cc.c < 8 || cc.hw[0] * cc.hw[1] > POLYPHASE_MAX_PLANE) return false;
  // Every phase with taps needs a non-negative begin pad: some tap a ≥ r + pad (checked per axis).
  const ok = (k: number, pad: number) =>
    Array.from({ length: sh }, (_, r) => r).every((r) => {
      const taps = Array.from({ length: k }, (_, a) => a).filter((a) => (((r + pad - a) % sh) + sh) % sh === 0);
      return taps.length === 0 || taps.some((a) => a >= r + pad);
    });
  return ok(cc.k[0], pads[0]) && ok(cc.k[1], pads[1]);
}

describe('symbolic conv2d and conv2dBackpropInput', () => {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (const cc of convCases) {
      const p: Conv2DParams = { ...cc.p, layout };
      const x = rnd(act(layout, 2, cc.c, cc.hw[0], cc.hw[1]), 1);
      const w = rnd(weight(layout, cc.o, cc.c / cc.p.group, cc.k[0], cc.k[1]), 2);
      const oh = outSize(cc.hw[0], cc.k[0], p.strides[0], p.pads[0], p.pads[2], p.dilations[0]);
      const ow = outSize(cc.hw[1], cc.k[1], p.strides[1], p.pads[1], p.pads[3], p.dilations[1]);
      const dy = rnd(act(layout, 2, cc.o, oh, ow), 3);
      it(`conv2d ${layout} ${cc.name} (weight input and initializer)`, async () => {
        await expectAgrees([{ value: x }, { value: w }], (k, [a, b]) => k.conv2d(a!, b!, p));
        await expectAgrees([{ value: x }, { value: w, constant: true }], (k, [a, b]) => k.conv2d(a!, b!, p));
      });
      it(`conv2dBackpropInput ${layout} ${cc.name} (ConvTranspose and flipped-Conv paths)`, async () => {
        const f = <T,>(k: import('@glasswing/core').Kernels<T>, [g, b]: T[]) => k.conv2dBackpropInput(g!, b!, x.shape, p);
        const viaInput = await expectAgrees([{ value: dy }, { value: w }], f);
        expect(viaInput).toContain('ConvTranspose');
        const viaConst = await expectAgrees([{ value: dy }, { value: w, constant: true }], f);
        const flippable = p.strides[0] === 1 && p.strides[1] === 1 && cc.c > 1 && p.pads.every((v, i) => v <= (cc.k[i % 2]! - 1) * p.dilations[i % 2]!);
        const poly = polyphaseExpected(cc);
        expect(viaConst.includes('DepthToSpace')).toBe(poly);
        expect(viaConst.includes('Conv') && !viaConst.includes('ConvTranspose')).toBe(flippable || poly);
      });
    }
  }
});

interface PoolCase {
  name: string;
  hw: [number, number];
  p: Omit<Pool2DParams, 'layout'>;
}
const poolCases: PoolCase[] = [
  { name: '2x2 stride 2', hw: [6, 6], p: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: false, countIncludePad: false } },
  { name: '3x3 stride 2 overlapping, pads', hw: [7, 6], p: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: false, countIncludePad: false } },
  { name: '3x3 stride 1 pads, countIncludePad', hw: [5, 5], p: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], ceilMode: false, countIncludePad: true } },
  { name: '2x2 stride 2 ceil mode', hw: [5, 7], p: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: true, countIncludePad: false } },
  { name: '3x2 stride (2,1) ceil mode pads countIncludePad', hw: [6, 5], p: { kernel: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1], ceilMode: true, countIncludePad: true } },
  { name: '3x3 stride 2 ceil mode pads', hw: [6, 6], p: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceilMode: true, countIncludePad: false } },
];

describe('symbolic pooling kernels', () => {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (const pc of poolCases) {
      const p: Pool2DParams = { ...pc.p, layout };
      // Small integers: many ties inside windows.
      const x = rnd(act(layout, 2, 3, pc.hw[0], pc.hw[1]), 5, { integers: 3 });
      const oh = outSize(pc.hw[0], p.kernel[0], p.strides[0], p.pads[0], p.pads[2], 1, p.ceilMode);
      const ow = outSize(pc.hw[1], p.kernel[1], p.strides[1], p.pads[1], p.pads[3], 1, p.ceilMode);
      const dy = rnd(act(layout, 2, 3, oh, ow), 6);
      it(`maxPool + maxPoolBackprop ${layout} ${pc.name} (ties go to the first maximum)`, async () => {
        await expectAgrees([{ value: x }], (k, [a]) => k.maxPool(a!, p));
        const nodes = await expectAgrees([{ value: dy }, { value: x }], (k, [g, a]) => k.maxPoolBackprop(g!, a!, p));
        const disjoint = p.kernel[0] <= p.strides[0] && p.kernel[1] <= p.strides[1];
        expect(nodes).toContain(disjoint ? 'MaxUnpool' : 'ScatterElements');
        // Forward and backward share one MaxPool node (with its Indices output).
        const flat = <T,>(k: import('@glasswing/core').Kernels<T>, t: T) => k.reshape(t, [k.shape(t).reduce((u, d) => u * d, 1)]);
        const both = await expectAgrees([{ value: dy }, { value: x }], (k, [g, a]) =>
          k.concat([flat(k, k.maxPool(a!, p)), flat(k, k.maxPoolBackprop(g!, a!, p))], 0),
        );
        expect(both.filter((op) => op === 'MaxPool').length).toBe(1);
      });
      it(`relu → maxPool backward masked at pooled resolution ${layout} ${pc.name}`, async () => {
        const xs = rnd(act(layout, 2, 3, pc.hw[0], pc.hw[1]), 7, { integers: 5 });
        const nodes = await expectAgrees([{ value: dy }, { value: xs }], (k, [g, a]) => {
          const r = k.relu(a!);
          k.maxPool(r, p);
          return k.mul(k.maxPoolBackprop(g!, r, p), k.step(a!));
        });
        // The full-resolution mask (Greater on the input) is gone.
        expect(nodes.filter((op) => op === 'Greater').length).toBe(1);
      });
      it(`avgPool + avgPoolBackprop ${layout} ${pc.name}`, async () => {
        const xr = rnd(act(layout, 2, 3, pc.hw[0], pc.hw[1]), 8);
        await expectAgrees([{ value: xr }], (k, [a]) => k.avgPool(a!, p));
        await expectAgrees([{ value: dy }], (k, [g]) => k.avgPoolBackprop(g!, xr.shape, p));
      });
    }
  }
});

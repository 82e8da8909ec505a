import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../tensor.js';
import { OPS } from '../ops/index.js';
import { checkVjp, expectClose, mkNode, randomTensor, runOp, t } from './helpers.js';
import { toHWIO, toNCHW, toNHWC } from './naive.js';

interface TConv {
  strides?: [number, number];
  pads?: [number, number, number, number];
  dilations?: [number, number];
  group?: number;
  output_padding?: [number, number];
}

/** Scatter definition: every input pixel adds x·W into the output window it maps to. x NCHW, W [Cin, Cout/g, kh, kw]. */
function naiveConvTranspose(x: Tensor, w: Tensor, b: Tensor | undefined, o: TConv): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, Cog, KH, KW] = w.shape as [number, number, number, number];
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const [dh, dw] = o.dilations ?? [1, 1];
  const [oph, opw] = o.output_padding ?? [0, 0];
  const g = o.group ?? 1;
  const Cg = C / g;
  const O = Cog * g;
  const OH = (H - 1) * sh - pt - pb + dh * (KH - 1) + oph + 1;
  const OW = (W - 1) * sw - pl - pr + dw * (KW - 1) + opw + 1;
  const out = new Float64Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const grp = Math.floor(c / Cg);
      for (let ih = 0; ih < H; ih++)
        for (let iw = 0; iw < W; iw++)
          for (let oc = 0; oc < Cog; oc++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const oh = ih * sh - pt + kh * dh;
                const ow = iw * sw - pl + kw * dw;
                if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
                const o2 = grp * Cog + oc;
                out[((n * O + o2) * OH + oh) * OW + ow] +=
                  x.data[((n * C + c) * H + ih) * W + iw]! * w.data[((c * Cog + oc) * KH + kh) * KW + kw]!;
              }
    }
  if (b) for (let i = 0; i < out.length; i++) out[i] += b.data[Math.floor(i / (OH * OW)) % O]!;
  return { shape: [N, O, OH, OW], data: Float32Array.from(out) };
}

const configs: { name: string; x: number[]; w: number[]; o: TConv }[] = [
  { name: 'plain 3x3', x: [2, 2, 4, 4], w: [2, 3, 3, 3], o: {} },
  { name: 'stride 2, pads, output_padding', x: [1, 2, 3, 4], w: [2, 2, 3, 3], o: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0] } },
  { name: 'stride 2x3 asymmetric pads', x: [1, 1, 3, 3], w: [1, 2, 2, 3], o: { strides: [2, 3], pads: [0, 1, 1, 0], output_padding: [1, 2] } },
  { name: 'dilated', x: [1, 2, 4, 3], w: [2, 1, 2, 3], o: { dilations: [2, 2], pads: [1, 0, 0, 1], output_padding: [1, 1] } },
  { name: 'grouped (2 groups)', x: [2, 4, 3, 3], w: [4, 3, 3, 3], o: { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'depthwise', x: [1, 3, 3, 3], w: [3, 1, 2, 2], o: { group: 3, strides: [2, 1] } },
  { name: 'output_padding beyond the end pad', x: [1, 2, 3, 3], w: [2, 2, 3, 3], o: { strides: [3, 2], pads: [0, 1, 1, 0], output_padding: [2, 1] } },
];

describe('ConvTranspose', () => {
  it('hand example: stride 2 spreads each pixel into its own 2x2 block', () => {
    const x = t([1, 2, 3, 4], [1, 1, 2, 2]);
    const w = t([1, 10, 100, 1000], [1, 1, 2, 2]);
    const y = runOp('ConvTranspose', [x, w, t([0.5], [1])], { strides: [2, 2] });
    expectClose(
      y,
      t([1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000].map((v) => v + 0.5), [1, 1, 4, 4]),
    );
  });

  for (const c of configs) {
    it(`${c.name}: NCHW and NHWC match the scatter definition (with bias); input VJP vs FD`, () => {
      const x = randomTensor(c.x, 1);
      const w = randomTensor(c.w, 2);
      const b = randomTensor([c.w[1]! * (c.o.group ?? 1)], 3);
      const expected = naiveConvTranspose(x, w, b, c.o);
      expectClose(runOp('ConvTranspose', [x, w, b], { ...c.o }), expected);
      const yh = runOp('ConvTranspose', [toNHWC(x), toHWIO(w), b], { ...c.o, layout: 'NHWC' });
      expectClose(toNCHW(yh), expected);
      checkVjp('ConvTranspose', [x, w, b], { ...c.o });
      checkVjp('ConvTranspose', [toNHWC(x), toHWIO(w)], { ...c.o, layout: 'NHWC' });
    });
  }

  it('infers shapes with a dynamic batch and the output size formula', () => {
    const node = mkNode('ConvTranspose', 2, { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] });
    expect(OPS.ConvTranspose.inferShapes([[-1, 2, 5, 6], [2, 3, 3, 3]], node)).toEqual([[-1, 3, 10, 12]]);
  });

  it('rejects channel mismatches, output_padding >= stride, bad groups and auto_pad SAME', () => {
    const w = randomTensor([2, 3, 3, 3], 2);
    expect(() => runOp('ConvTranspose', [randomTensor([1, 3, 4, 4], 1), w])).toThrow(/channels/);
    expect(() => runOp('ConvTranspose', [randomTensor([1, 2, 4, 4], 1), w], { output_padding: [1, 0] })).toThrow(/output_padding/);
    expect(() => runOp('ConvTranspose', [randomTensor([1, 2, 4, 4], 1), w], { group: 4 })).toThrow(/group/);
    expect(() => runOp('ConvTranspose', [randomTensor([1, 2, 4, 4], 1), w], { auto_pad: 'SAME_UPPER' })).toThrow(/auto_pad/);
    const node = mkNode('ConvTranspose', 3);
    expect(() => OPS.ConvTranspose.inferShapes([[1, 2, 4, 4], [2, 3, 3, 3], [2]], node)).toThrow(/bias/);
  });
});

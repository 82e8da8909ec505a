/**
 * countFlops against hand counts: convolutions (plain, strided, dilated, grouped, depthwise, both
 * layouts), a small MLP with Gemm/MatMul, attention-style MatMul of two activations, constant
 * sub-graphs, and LeNet's multiply-adds counted layer by layer; plus a brute-force loop that
 * counts every multiply of a convolution one by one.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { countFlops } from '../flops.js';
import type { Graph, Layout } from '../graph.js';
import { GraphBuilder, randomTensor } from './helpers.js';
import { mlpGraph } from './models.js';
import { toHWIO } from './naive.js';

function convGraph(x: number[], w: number[], attrs: Record<string, number | number[]>, bias: boolean, layout: Layout = 'NCHW'): Graph {
  const xs = layout === 'NCHW' ? [-1, ...x.slice(1)] : [-1, x[2]!, x[3]!, x[1]!];
  const g = new GraphBuilder('x', xs);
  const wt = randomTensor(w, 1);
  const inputs = ['x', g.init('w', layout === 'NCHW' ? wt : toHWIO(wt))];
  if (bias) inputs.push(g.init('b', randomTensor([w[0]!], 2)));
  return g.build(g.add('Conv', inputs, { ...attrs, layout }, 'conv'), 'conv');
}

/** Multiplies of a 2-D convolution (NCHW, one example), counted one by one over every output and tap. */
function bruteForceMultiplies(x: number[], w: number[], o: { strides?: number[]; pads?: number[]; dilations?: number[]; group?: number }): number {
  const [, , h, wd] = x as [number, number, number, number];
  const [cout, cinPerGroup, kh, kw] = w as [number, number, number, number];
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const [dh, dw] = o.dilations ?? [1, 1];
  let count = 0;
  for (let co = 0; co < cout; co++) {
    for (let oy = 0; oy * sh! + (kh - 1) * dh! < h + pt! + pb!; oy++) {
      for (let ox = 0; ox * sw! + (kw - 1) * dw! < wd + pl! + pr!; ox++) {
        for (let ci = 0; ci < cinPerGroup; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) count++;
      }
    }
  }
  return count;
}

describe('countFlops', () => {
  it('counts a 3×3 convolution with bias by hand: 3 outputs × 5×5 positions × (2 channels × 9 taps) multiply-adds', () => {
    const f = countFlops(convGraph([1, 2, 5, 5], [3, 2, 3, 3], { pads: [1, 1, 1, 1] }, true));
    // 75 outputs × 18 multiply-adds = 1,350; ×2 = 2,700, + 75 bias adds.
    expect(f.multiplyAdds).toBe(1350);
    expect(f.forward).toBe(2775);
    // Input gradient: the transposed convolution, same multiply-adds, no bias.
    expect(f.backward).toBe(2700);
  });

  it('counts strided depthwise, dilated and grouped convolutions by hand, in both layouts', () => {
    // Depthwise 3 channels, stride 2, pads 1 on 5×5: 3×3 outputs per channel × 9 taps × 1 channel.
    const dw = { x: [1, 3, 5, 5], w: [3, 1, 3, 3], o: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] } };
    // Dilation 2 on 7×7 with pads 1, kernel 2×3: output 7×5, 2 filters × 6 taps.
    const dil = { x: [1, 1, 7, 7], w: [2, 1, 2, 3], o: { dilations: [2, 2], pads: [1, 1, 1, 1] } };
    // 2 groups of 2 input channels, 6 filters, 4×4 'same': 6 × 16 × (2 × 9).
    const grp = { x: [1, 4, 4, 4], w: [6, 2, 3, 3], o: { group: 2, pads: [1, 1, 1, 1] } };
    const hand = [27 * 9, 70 * 6, 96 * 18];
    [dw, dil, grp].forEach((c, i) => {
      expect(bruteForceMultiplies(c.x, c.w, c.o)).toBe(hand[i]);
      for (const layout of ['NCHW', 'NHWC'] as const) {
        const f = countFlops(convGraph(c.x, c.w, c.o, false, layout));
        expect(f.multiplyAdds, `${i} ${layout}`).toBe(hand[i]);
        expect(f.forward).toBe(2 * hand[i]!);
        expect(f.backward).toBe(2 * hand[i]!);
      }
    });
  });

  it('counts an MLP with Gemm, MatMul, Relu, Sigmoid and a fan-in Add by hand', () => {
    const f = countFlops(mlpGraph());
    // dense1 4→6 (+bias): 48 + 6; relu 6; dense_a 6→3 (+bias): 36 + 3; matmul_b 6→3: 36; sigmoid 3; add 3.
    expect(f.multiplyAdds).toBe(24 + 18 + 18);
    expect(f.forward).toBe(54 + 6 + 39 + 36 + 3 + 3);
    // Backward: each product's input gradient (no bias), 1 per element for relu/sigmoid, 1 per element per Add input.
    expect(f.backward).toBe(48 + 6 + 36 + 36 + 3 + 6);
    expect(f.nodes.map((n) => n.node)).toEqual(['dense1', 'relu1', 'dense_a', 'matmul_b', 'sigmoid_b', 'sum']);
    expect(f.byOp.Gemm).toEqual({ forward: 54 + 39, backward: 48 + 36 });
  });

  it('counts both input gradients of a MatMul of two activations, and none for a constant sub-graph', () => {
    const g = new GraphBuilder('x', [-1, 4, 8]);
    const xt = g.add('Transpose', ['x'], { perm: [0, 2, 1] }, 'xt');
    const s = g.add('MatMul', ['x', xt], {}, 'scores'); // [1, 4, 4] from K = 8
    const c = g.add('Relu', [g.init('k', randomTensor([4, 4], 3))], {}, 'const_relu'); // no input dependence
    const out = g.add('Add', [s, c], {}, 'sum');
    const f = countFlops(g.build(out));
    expect(f.multiplyAdds).toBe(16 * 8);
    const byNode = Object.fromEntries(f.nodes.map((n) => [n.node, n]));
    expect(byNode['scores']).toMatchObject({ forward: 256, backward: 512 });
    expect(byNode['const_relu']).toMatchObject({ forward: 16, backward: 0 });
    expect(byNode['sum']).toMatchObject({ forward: 16, backward: 16 });
    expect(byNode['xt']).toMatchObject({ forward: 0, backward: 0 });
  });

  it("counts LeNet's 4,241,152 multiply-adds (Conv 1→32 3×3 same, pool, Conv 32→64, pool, Dense 3136→128→10; NHWC)", () => {
    const g = new GraphBuilder('x', [-1, 28, 28, 1]);
    const L = { layout: 'NHWC' };
    const c1 = g.add('Conv', ['x', g.init('w1', randomTensor([3, 3, 1, 32], 1)), g.init('b1', randomTensor([32], 2))], { ...L, pads: [1, 1, 1, 1] }, 'conv1');
    const p1 = g.add('MaxPool', [g.add('Relu', [c1], {}, 'r1')], { ...L, kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
    const c2 = g.add('Conv', [p1, g.init('w2', randomTensor([3, 3, 32, 64], 3)), g.init('b2', randomTensor([64], 4))], { ...L, pads: [1, 1, 1, 1] }, 'conv2');
    const p2 = g.add('MaxPool', [g.add('Relu', [c2], {}, 'r2')], { ...L, kernel_shape: [2, 2], strides: [2, 2] }, 'pool2');
    const f1 = g.add('Flatten', [p2], {}, 'flatten');
    const d1 = g.add('Relu', [g.add('Gemm', [f1, g.init('w3', randomTensor([3136, 128], 5)), g.init('b3', randomTensor([128], 6))], {}, 'dense1')], {}, 'r3');
    const out = g.add('Gemm', [d1, g.init('w4', randomTensor([128, 10], 7)), g.init('b4', randomTensor([10], 8))], {}, 'dense2');
    const f = countFlops(g.build(out, 'lenet'));
    // conv1 28·28·32·9 = 225,792; conv2 14·14·64·288 = 3,612,672; dense1 401,408; dense2 1,280.
    expect(f.multiplyAdds).toBe(225_792 + 3_612_672 + 401_408 + 1_280);
    // + biases (25,088 + 12,544 + 128 + 10), relus (25,088 + 12,544 + 128), pools (4 compares per output: 6,272·4 + 3,136·4).
    const elementwise = 25_088 + 12_544 + 128 + 10 + 25_088 + 12_544 + 128 + 4 * (6_272 + 3_136);
    expect(f.forward).toBe(2 * f.multiplyAdds + elementwise);
    expect(f.backward).toBe(2 * f.multiplyAdds + 25_088 + 12_544 + 128 + 6_272 + 3_136);
  });

  it('takes the per-example shape of a graph with dynamic dimensions, and rejects unknown or malformed shapes', () => {
    const g = new GraphBuilder('x', [-1, 2, -1, -1]);
    const graph = g.build(g.add('Conv', ['x', g.init('w', randomTensor([3, 2, 3, 3], 1))], { pads: [1, 1, 1, 1] }, 'conv'));
    expect(countFlops(graph, { inputShape: [2, 5, 5] }).multiplyAdds).toBe(1350);
    expect(countFlops(graph, { inputShape: [2, 10, 10] }).multiplyAdds).toBe(4 * 1350);
    expect(() => countFlops(graph)).toThrow(InvalidArgumentError);
    expect(() => countFlops(graph)).toThrow(/unknown dimensions.*inputShape/);
    expect(() => countFlops(graph, { inputShape: [2, 5] })).toThrow(/must have 3 dimensions/);
    expect(() => countFlops(graph, { inputShape: [2, 0, 5] })).toThrow(/positive integers/);
  });
});

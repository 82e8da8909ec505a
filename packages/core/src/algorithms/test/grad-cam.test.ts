/**
 * Grad-CAM against a hand computation on a small CNN (conv → ReLU → global average pool → dense):
 * with F_t = Σ_c W[t,c]·mean_s relu(A_cs) + b_t, ∂F_t/∂A_cs = W[t,c]·[A_cs > 0]/S, so
 * α_c = W[t,c]·#{s: A_cs > 0}/S², cam_s = Σ_c α_c A_cs — with A from a naive convolution.
 * Both layouts, both resizings (and torch's known 2×2 → 4×4 values), relu, layer resolution.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../ir/index.js';
import type { Model } from '../../model.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { GradCam } from '../layer/grad-cam.js';
import { resize2d } from '../_utils/interpolate.js';
import { camGraph, camWeights, naiveConv, nchwToNhwc, randTensor } from './cnn-models.js';

const W = camWeights();
const x = randTensor([3, 2, 5, 5], 77);
const targets = [0, 1, 1];

/** Hand Grad-CAM at layer resolution: [N, 9] in float64. */
function handCam(relu: boolean): Float64Array {
  const A = naiveConv(x, W.conv, W.convBias, 2, [1, 1, 1, 1]);
  const S = 9;
  const out = new Float64Array(3 * S);
  for (let i = 0; i < 3; i++) {
    for (let s = 0; s < S; s++) {
      let v = 0;
      for (let c = 0; c < 3; c++) {
        let pos = 0;
        for (let q = 0; q < S; q++) if (A.data[(i * 3 + c) * S + q]! > 0) pos++;
        const alpha = (W.fc.data[targets[i]! * 3 + c]! * pos) / (S * S);
        v += alpha * A.data[(i * 3 + c) * S + s]!;
      }
      out[i * S + s] = relu ? Math.max(0, v) : v;
    }
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `[${i}]`).toBeLessThanOrEqual(tol * scale + 1e-9);
}

describe('resize2d (torch F.interpolate semantics)', () => {
  it('bilinear align_corners=false 2×2 → 4×4 gives torch values', () => {
    const got = resize2d([1, 2, 3, 4], 2, 2, 4, 4, 'bilinear');
    expect(Array.from(got)).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
  });
  it('nearest 3 → 5 uses ⌊dst·3/5⌋', () => {
    const got = resize2d([1, 2, 3], 1, 3, 1, 5, 'nearest');
    expect(Array.from(got)).toEqual([1, 1, 2, 2, 3]);
  });
  it('bilinear 3 → 5 by hand', () => {
    // src = 0.6(d + 0.5) − 0.5 → 0 (clamped), 0.4, 1.0, 1.6, 2.2 → i1 clamped at the border
    const got = resize2d([1, 2, 4], 1, 3, 1, 5, 'bilinear');
    expectClose(got, [1, 1.4, 2, 2 + 0.6 * 2, 4]);
  });
  it('rejects an unknown mode', () => {
    expect(() => resize2d([1], 1, 1, 2, 2, 'cubic' as never)).toThrow(InvalidArgumentError);
  });
});

describe.each(['NCHW', 'NHWC'] as const)('GradCam on a small CNN (%s)', (layout) => {
  // The layout comes from model.graph (the conv node's attribute); expose the graph explicitly
  // in case the adapter does not.
  const graph = camGraph(layout, W);
  const base = createReferenceModel(graph);
  const model: Model = 'graph' in base ? base : (Object.create(base, { graph: { value: graph } }) as Model);
  const xin = layout === 'NCHW' ? x : nchwToNhwc(x);

  it.each([false, true])('layer-resolution map matches the hand computation (relu=%s)', async (relu) => {
    const res = await new GradCam(model).attribute(xin, { layer: 'conv', target: targets, relu, attributeToLayer: true });
    expect(res.method).toBe('grad-cam');
    expect(res.attributions.shape).toEqual(layout === 'NCHW' ? [3, 1, 3, 3] : [3, 3, 3, 1]);
    expectClose(res.attributions.data, handCam(relu));
    if (relu) expect(Math.min(...res.attributions.data)).toBeGreaterThanOrEqual(0);
    else expect(Math.min(...res.attributions.data)).toBeLessThan(0); // the relu option is not vacuous
  });

  it.each(['nearest', 'bilinear'] as const)('upsampled to the input (%s)', async (interpolation) => {
    const res = await new GradCam(model).attribute(xin, { layer: 'conv', target: targets, interpolation });
    expect(res.attributions.shape).toEqual(layout === 'NCHW' ? [3, 1, 5, 5] : [3, 5, 5, 1]);
    const cam = handCam(false);
    const want = new Float64Array(3 * 25);
    for (let i = 0; i < 3; i++) want.set(resize2d(cam.subarray(i * 9, (i + 1) * 9), 3, 3, 5, 5, interpolation), i * 25);
    expectClose(res.attributions.data, want);
    // hand spot check: nearest maps (4, 4) ← (⌊4·0.6⌋, ⌊4·0.6⌋) = (2, 2); bilinear (0, 0) ← (0, 0)
    expect(res.attributions.data[24]).toBeCloseTo(interpolation === 'nearest' ? cam[8]! : want[24]!, 6);
    expect(res.attributions.data[0]).toBeCloseTo(cam[0]!, 6);
  });

  it('predicted-class target, explicit layout, Relu layer', async () => {
    const res = await new GradCam(base).attribute(xin, { layer: 'relu', layout, attributeToLayer: true });
    expect(res.targets).toHaveLength(3);
    expect(res.modelCalls).toBe(2);
    expect(res.attributions.shape).toEqual(layout === 'NCHW' ? [3, 1, 3, 3] : [3, 3, 3, 1]);
  });
});

describe('GradCam errors', () => {
  const model = createReferenceModel(camGraph('NCHW', W));
  it('unknown layer lists the layers', async () => {
    await expect(new GradCam(model).attribute(x, { layer: 'nope' })).rejects.toThrow(/valid layers: conv, relu, gap, flat, fc/);
  });
  it('resizing a non-2-D map is a ShapeError', async () => {
    await expect(new GradCam(model).attribute(x, { layer: 'fc' })).rejects.toThrow(ShapeError);
  });
  it('a dense layer at layer resolution is Σ g·a', async () => {
    const res = await new GradCam(model).attribute(x, { layer: 'flat', target: 0, attributeToLayer: true });
    expect(res.attributions.shape).toEqual([3, 1]);
  });
  it('honours abort', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(new GradCam(model).attribute(x, { layer: 'conv', signal: ac.signal })).rejects.toThrow(/abort/);
  });
});

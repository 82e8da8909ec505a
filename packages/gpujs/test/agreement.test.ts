/**
 * One model file, every input format, gpu.js against core's reference executor: LeNet (conv,
 * max pooling, dense) as a TensorFlow.js LayersModel (NHWC), as ONNX (NCHW), and the ONNX import
 * written out as Glasswing graph JSON, for gradient (Saliency, IG), rule (LRP, GuidedBackprop,
 * DeepLift) and layer (LayerGradientXActivation) methods. Agreement: 1e-4 relative (with an
 * absolute floor of 1e-6 of the largest reference value, for near-zero elements).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeepLift, GraphModel, GuidedBackprop, IntegratedGradients, LayerGradientXActivation, Lrp, referenceKernels, Saliency,
  graphToJSON, type Graph, type Model, type Tensor,
} from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { importOnnxModel, loadOnnxBytes } from '@glasswing/onnx';
import { fromGpujsGraph, fromGpujsLayers, fromGpujsOnnx, type GpujsMode } from '../src/index.js';
import { MODES, randomTensor } from './helpers.js';

const FIX = new URL('../../', import.meta.url);
const TFJS = new URL('tfjs/test/fixtures/lenet_mnist/model.json', FIX).pathname;
const ONNX = new URL('onnx/test/fixtures/lenet_mnist.onnx', FIX).pathname;

async function graphOf(src: 'tfjs' | 'onnx' | 'graph-json'): Promise<Graph> {
  if (src === 'tfjs') return importLayersModel(await loadLayersArtifacts(TFJS));
  return importOnnxModel(await loadOnnxBytes(ONNX)).graph!;
}

function gpujsModel(src: 'tfjs' | 'onnx' | 'graph-json', mode: GpujsMode, graph: Graph): Promise<Model> {
  if (src === 'tfjs') return fromGpujsLayers(TFJS, { mode });
  if (src === 'onnx') return fromGpujsOnnx(ONNX, { mode });
  return fromGpujsGraph(JSON.stringify(graphToJSON(graph)), { mode });
}

function expectAgree(got: Tensor, want: Tensor, what: string): void {
  expect([...got.shape], what).toEqual([...want.shape]);
  let peak = 0;
  for (const v of want.data) peak = Math.max(peak, Math.abs(v));
  const floor = 1e-6 * peak;
  const bad: string[] = [];
  want.data.forEach((w, i) => {
    const g = got.data[i]!;
    if (!(Math.abs(g - w) <= 1e-4 * Math.abs(w) + floor) && bad.length < 5) bad.push(`[${i}] ${g} vs ${w}`);
  });
  expect(bad, what).toEqual([]);
}

const CASES = MODES.flatMap((mode) => (['tfjs', 'onnx', 'graph-json'] as const).map((src) => [mode, src] as const));

describe.each(CASES)('gpujs-%s agrees with the reference executor on LeNet (%s)', (mode, src) => {
  let ref: Model;
  let model: Model;
  let x: Tensor;
  const target = [3, 7];
  beforeAll(async () => {
    const graph = await graphOf(src);
    ref = new GraphModel(graph, { kernels: referenceKernels, name: 'reference' });
    model = await gpujsModel(src, mode, graph);
    x = randomTensor([2, ...ref.inputShape], 41, 0, 1);
    expect(model.backend).toBe(`gpujs-${mode}`);
    expect([...model.inputShape]).toEqual([...ref.inputShape]);
  });
  afterAll(async () => {
    await model.dispose();
    await ref.dispose();
  });

  it('forward', async () => {
    expectAgree(await model.forward(x), await ref.forward(x), 'forward');
  });
  it('Saliency and IntegratedGradients (gradient methods)', async () => {
    expectAgree((await new Saliency(model).attribute(x, { target })).attributions, (await new Saliency(ref).attribute(x, { target })).attributions, 'Saliency');
    const ig = { target, steps: 8 };
    expectAgree((await new IntegratedGradients(model).attribute(x, ig)).attributions, (await new IntegratedGradients(ref).attribute(x, ig)).attributions, 'IG');
  });
  it('LRP, GuidedBackprop, DeepLift (rule methods)', async () => {
    for (const M of [Lrp, GuidedBackprop, DeepLift]) {
      const got = await new M(model).attribute(x, { target });
      const want = await new M(ref).attribute(x, { target });
      expectAgree(got.attributions, want.attributions, M.name);
    }
  });
  it('LayerGradientXActivation on the first four layers (layer methods)', async () => {
    for (const layer of ref.layerNames.slice(0, 4)) {
      const got = await new LayerGradientXActivation(model).attribute(x, { target, layer });
      const want = await new LayerGradientXActivation(ref).attribute(x, { target, layer });
      expectAgree(got.attributions, want.attributions, layer);
    }
  });
});

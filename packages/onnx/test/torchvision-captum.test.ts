/**
 * PyTorch module names on the torchvision ResNet / MobileNetV2 exports against Captum 0.8
 * (fixtures from tools/torch-exports/export_torchvision_like.py, float64 reference):
 * LayerActivation and LayerGradCam (layer resolution, no ReLU) on leaf, container, nested and
 * residual modules, on onnx-node, onnx-web and core's reference executor over the imported graph.
 * Then every layer and neuron method in METHODS gives the same result for a module name as for
 * the node it resolves to, and folded / unknown names are typed errors from the methods too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  FoldedLayerError,
  GradCam,
  LayerActivation,
  METHODS,
  UnknownLayerError,
  createReferenceModel,
  type Model,
  type Tensor,
} from '@glasswing/core';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnxModel, resolveLayerName } from '../src/import/index.js';
import { fromOnnx } from '../src/index.js';

interface Rec {
  readonly layer: string;
  readonly captumModule: string;
  readonly shape: number[];
  readonly data: number[];
}
interface Fixture {
  readonly input: { shape: number[]; seed: number };
  readonly target: number[];
  readonly outputs: { shape: number[]; data: number[] };
  readonly layerActivation: Rec[];
  readonly layerGradCam: Rec[];
}

const path = (name: string) => fileURLToPath(new URL(`./fixtures/torchvision/${name}`, import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(path(`${name}.captum.json`), 'utf8')) as Fixture;

/** The fixture input: x[k] = float32((((k·7919 + seed) mod 2003) − 1001) / 500). */
function inputOf(f: Fixture): Tensor {
  const n = f.input.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) data[k] = (((k * 7919 + f.input.seed) % 2003) - 1001) / 500;
  return { shape: f.input.shape, data };
}

/** max |a − e| ≤ tol · max |e| (errors relative to the tensor's scale; float32 vs float64 Captum). */
function expectNear(actual: Tensor, expected: { shape: number[]; data: number[] }, tol: number, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  let scale = 0;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  expected.data.forEach((e, i) => (worst = Math.max(worst, Math.abs(actual.data[i]! - e))));
  expect(scale, `${what}: the Captum values are not all zero`).toBeGreaterThan(0);
  if (process.env.GW_DEBUG) console.log(what, (worst / scale).toExponential(2));
  expect(worst / scale, `${what}: worst error ${worst} (scale ${scale})`).toBeLessThanOrEqual(tol);
}

const open: Model[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});

type Backend = 'onnx-node' | 'onnx-web' | 'reference';

/** The model on a backend and how it names layers (the reference executor needs the node name). */
async function openOn(name: string, backend: Backend): Promise<{ model: Model; layer: (n: string) => string }> {
  if (backend === 'reference') {
    const imported = importOnnxModel(readFileSync(path(`${name}.onnx`)));
    return { model: createReferenceModel(imported.graph!), layer: (n) => resolveLayerName(imported, n) };
  }
  const model = await fromOnnx(path(`${name}.onnx`), { runtime: backend });
  open.push(model);
  return { model, layer: (n) => n };
}

/** float32 through up to 19 blocks against float64 Captum; clipped (ReLU6) layers are scaled by the clip bound 6, not by their larger inputs. */
const TOL = 2e-4;

describe.each(['resnet_tv', 'mobilenet_v2_tv'])('%s against Captum', (name) => {
  const fixture = load(name);
  const x = inputOf(fixture);
  describe.each<Backend>(['onnx-node', 'onnx-web', 'reference'])('on %s', (backend) => {
    it('forward matches the PyTorch outputs', async () => {
      const { model } = await openOn(name, backend);
      expectNear(await model.forward(x), fixture.outputs, TOL, 'outputs');
    });

    it('LayerActivation on module names', async () => {
      const { model, layer } = await openOn(name, backend);
      for (const rec of fixture.layerActivation) {
        const r = await new LayerActivation(model).attribute(x, { layer: layer(rec.layer) });
        expectNear(r.attributions, rec, TOL, `LayerActivation ${rec.layer} (Captum on ${rec.captumModule})`);
      }
    });

    it('LayerGradCam on module names (attributeToLayer, Captum default relu_attributions=False)', async () => {
      const { model, layer } = await openOn(name, backend);
      for (const rec of fixture.layerGradCam) {
        const r = await new GradCam(model).attribute(x, { layer: layer(rec.layer), target: fixture.target, attributeToLayer: true });
        expectNear(r.attributions, rec, TOL, `LayerGradCam ${rec.layer} (Captum on ${rec.captumModule})`);
      }
    });
  });
});

describe('every layer and neuron method takes module names', () => {
  const cases: [string, string][] = [
    ['resnet_tv', 'layer2.1'],
    ['mobilenet_v2_tv', 'features.13.conv.1.0'],
  ];
  const layerMethods = Object.values(METHODS).filter((s) => s.options.includes('layer'));

  it('the registry has the layer and neuron methods', () => {
    const ids = layerMethods.map((s) => s.id);
    for (const id of ['layer-activation', 'grad-cam', 'guided-grad-cam', 'layer-gradient', 'layer-integrated-gradients', 'layer-conductance', 'neuron-gradient', 'neuron-integrated-gradients', 'neuron-conductance']) {
      expect(ids).toContain(id);
    }
  });

  it.each(cases)('%s, module %s: the same attributions as its node', async (name, module) => {
    const model = await fromOnnx(path(`${name}.onnx`));
    open.push(model);
    const node = model.resolveLayer(module);
    expect(node).not.toBe(module);
    const x = { shape: [1, ...model.inputShape], data: inputOf(load(name)).data.slice(0, 3 * 64 * 64) };
    for (const spec of layerMethods) {
      const o = { target: 3, steps: 4, layer: module, ...(spec.options.includes('neuron') ? { neuron: 5 } : {}) };
      const viaModule = await spec.run(model, x, o);
      const viaNode = await spec.run(model, x, { ...o, layer: node });
      expect(viaModule.attributions.shape, spec.id).toEqual(viaNode.attributions.shape);
      expect(Array.from(viaModule.attributions.data), spec.id).toEqual(Array.from(viaNode.attributions.data));
    }
  });

  it('folded and unknown module names are typed errors from the methods and the model', async () => {
    const model = await fromOnnx(path('resnet_tv.onnx'));
    open.push(model);
    const x = { shape: [1, ...model.inputShape], data: new Float32Array(3 * 64 * 64) };
    const folded = new LayerActivation(model).attribute(x, { layer: 'layer2.1.bn2' });
    await expect(folded).rejects.toBeInstanceOf(FoldedLayerError);
    await expect(folded).rejects.toMatchObject({ carrier: '/layer2/layer2.1/conv2/Conv' });
    await expect(METHODS['grad-cam']!.run(model, x, { layer: 'layer5', target: 0 })).rejects.toBeInstanceOf(UnknownLayerError);
    await expect(model.activations(x, ['bn1'])).rejects.toThrow(/folded it \(a BatchNorm\) into \/conv1\/Conv/);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0] }, layers: ['layer4.0.conv3'] })).rejects.toThrow(
      /unknown layer 'layer4.0.conv3'.*nearest: layer4.0.conv1, layer4.0.conv2/,
    );
    // The model-level API: taps by module name are the node's taps.
    const a = await model.activations(x, ['layer4', '/layer4/layer4.0/relu_1/Relu']);
    expect(Array.from(a.layers['layer4']!.data)).toEqual(Array.from(a.layers['/layer4/layer4.0/relu_1/Relu']!.data));
  });
});

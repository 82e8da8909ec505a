/**
 * The propagation-rule / Grad-CAM / layer / neuron ids through `glasswing attribute`: each id and
 * its flags reach the core method (same numbers as calling the class), layer methods report the
 * layer's shape, neuron methods need --neuron, bad flag values are usage errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeepLift, GradCam, Lrp, LayerConductance, NeuronConductance, createReferenceModel, graphFromJSON, tensor } from '@glasswing/core';
import { CAPTUM, GRAPH, convGraphJson, expectClose, run, tempDir, writeJson } from './helpers.js';

interface Output {
  method: string;
  shape: number[];
  attributions: unknown;
  delta?: number[];
  targets: number[];
}

async function attribute(args: string[]): Promise<Output> {
  const r = await run(['attribute', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Output;
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

describe('glasswing attribute: rule, layer and neuron ids', () => {
  const dir = tempDir();
  const input = writeJson(dir, 'x.json', [CAPTUM.inputs[0], CAPTUM.inputs[1]]);
  const x = tensor([...CAPTUM.inputs[0]!, ...CAPTUM.inputs[1]!], [2, 6]);
  const graph = graphFromJSON(JSON.parse(readFileSync(GRAPH, 'utf8')));
  const model = createReferenceModel(graph);
  const conv = writeJson(dir, 'conv.graph.json', convGraphJson());
  const convModel = createReferenceModel(graphFromJSON(convGraphJson()));
  const img = writeJson(dir, 'img.json', { shape: [1, 1, 4, 4], data: Array.from({ length: 16 }, (_, i) => Math.cos(i)) });
  const xi = tensor(Array.from({ length: 16 }, (_, i) => Math.cos(i)), [1, 1, 4, 4]);

  it.each(['deeplift', 'deeplift-shap', 'lrp', 'guided-backprop', 'deconvolution'])('%s runs on a graph model', async (id) => {
    const out = await attribute(['--model', GRAPH, '--method', id, '--input', input, '--target', '1']);
    expect(out.method).toBe(id);
    expect(out.shape).toEqual([2, 6]);
  });

  it('deeplift --rule and --baseline reach DeepLift', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'deeplift', '--input', input, '--target', '0', '--rule', 'reveal-cancel', '--baseline', '0.2']);
    const want = await new DeepLift(model).attribute(x, { target: 0, rule: 'reveal-cancel', baselines: 0.2 });
    expectClose(flat(out.attributions), Array.from(want.attributions.data), 1e-6);
    expect(out.delta).toHaveLength(2);
  });

  it('lrp --composite --epsilon --alpha', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'lrp', '--input', input, '--target', '1', '--epsilon', '0.01']);
    const want = await new Lrp(model).attribute(x, { target: 1, epsilon: 0.01 });
    expectClose(flat(out.attributions), Array.from(want.attributions.data), 1e-6);
    const ab = await attribute(['--model', GRAPH, '--method', 'lrp', '--input', input, '--composite', 'epsilon-alpha-beta', '--alpha', '3']);
    expect(ab.shape).toEqual([2, 6]);
    const bad = await run(['attribute', '--model', GRAPH, '--method', 'lrp', '--input', input, '--composite', 'nope']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/composite/);
  });

  it('layer-conductance and layer-activation give the layer shape', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'layer-conductance', '--input', input, '--layer', 'fc1', '--target', '0', '--steps', '20']);
    expect(out.shape).toEqual([2, 4]);
    const want = await new LayerConductance(model).attribute(x, { layer: 'fc1', target: 0, steps: 20 });
    expectClose(flat(out.attributions), Array.from(want.attributions.data), 1e-6);
    for (const id of ['layer-activation', 'layer-gradient', 'layer-gradient-x-activation', 'layer-integrated-gradients']) {
      const o = await attribute(['--model', GRAPH, '--method', id, '--input', input, '--layer', 'relu1']);
      expect(o.shape).toEqual([2, 4]);
    }
  });

  it('neuron-conductance --layer --neuron; the other neuron ids', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'neuron-conductance', '--input', input, '--layer', 'fc1', '--neuron', '2', '--target', '1', '--steps', '10']);
    const want = await new NeuronConductance(model).attribute(x, { layer: 'fc1', neuron: 2, target: 1, steps: 10 });
    expect(out.shape).toEqual([2, 6]);
    expectClose(flat(out.attributions), Array.from(want.attributions.data), 1e-6);
    for (const id of ['neuron-gradient', 'neuron-integrated-gradients']) {
      const o = await attribute(['--model', GRAPH, '--method', id, '--input', input, '--layer', 'relu1', '--neuron', '1']);
      expect(o.shape).toEqual([2, 6]);
    }
    const missing = await run(['attribute', '--model', GRAPH, '--method', 'neuron-gradient', '--input', input, '--layer', 'fc1']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/neuron/);
    const bad = await run(['attribute', '--model', GRAPH, '--method', 'neuron-gradient', '--input', input, '--layer', 'fc1', '--neuron', 'x']);
    expect(bad.code).not.toBe(0);
  });

  it('grad-cam --layer --interpolation --relu --attribute-to-layer; guided-grad-cam', async () => {
    const out = await attribute(['--model', conv, '--method', 'grad-cam', '--input', img, '--layer', 'conv', '--target', '1', '--interpolation', 'bilinear', '--relu', 'true']);
    const want = await new GradCam(convModel).attribute(xi, { layer: 'conv', target: 1, interpolation: 'bilinear', relu: true });
    expect(out.shape).toEqual([1, 1, 4, 4]);
    expectClose(flat(out.attributions), Array.from(want.attributions.data), 1e-6);
    const layer = await attribute(['--model', conv, '--method', 'grad-cam', '--input', img, '--layer', 'relu', '--attribute-to-layer', 'true']);
    expect(layer.shape).toEqual([1, 1, 4, 4]);
    const g = await attribute(['--model', conv, '--method', 'guided-grad-cam', '--input', img, '--layer', 'conv']);
    expect(g.shape).toEqual([1, 1, 4, 4]);
    const bad = await run(['attribute', '--model', conv, '--method', 'grad-cam', '--input', img, '--layer', 'conv', '--interpolation', 'cubic']);
    expect(bad.code).not.toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, ModelFormatError, ShapeError, TargetError } from '../../errors.js';
import { GraphModel } from '../../graph-model.js';
import type { BackendBinding } from '../../graph-model.js';
import type { Model, OutputSeed } from '../../model.js';
import { createReferenceModel } from '../../reference-model.js';
import { concatBatch, sliceBatch } from '../../tensor.js';
import type { Tensor } from '../../tensor.js';
import { GraphExecutor } from '../executor.js';
import { OPS } from '../ops/index.js';
import { expectClose, k, randomTensor } from './helpers.js';
import { cnnGraph, mlpGraph } from './models.js';

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** Central finite differences of <seed, f(x)> with f evaluated in float32 and summed in float64. */
async function fdGradient(f: (x: Tensor) => Promise<Tensor>, x: Tensor, seed: Tensor, eps = 1e-3): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < x.data.length; i++) {
    const at = async (d: number) => {
      const data = Float32Array.from(x.data);
      data[i] = data[i]! + d;
      return dot(seed, await f({ shape: x.shape, data }));
    };
    out.push(((await at(eps)) - (await at(-eps))) / (2 * eps));
  }
  return out;
}

const models: [string, () => Model, number[]][] = [
  ['MLP with fan-out', () => createReferenceModel(mlpGraph()), [4]],
  ['CNN NCHW', () => createReferenceModel(cnnGraph('NCHW')), [2, 6, 6]],
  ['CNN NHWC', () => createReferenceModel(cnnGraph('NHWC')), [6, 6, 2]],
];

describe.each(models)('GraphModel end to end: %s', (_name, make, inShape) => {
  const model = make();
  const x = randomTensor([3, ...inShape], 5);

  it('reports shapes, layers and capabilities', () => {
    expect(model.inputShape).toEqual(inShape);
    expect(model.capabilities).toEqual({ gradients: true, layers: true, rules: true });
    expect(model.backend).toBe('reference');
    expect(model.layerNames.length).toBeGreaterThan(3);
  });

  it('input gradient matches finite differences (index and tensor seeds)', async () => {
    const indices = [0, 2, 1];
    const r = await model.gradient(x, { seed: { kind: 'index', indices } });
    const onehot = { shape: r.outputs.shape, data: new Float32Array(r.outputs.data.length) };
    indices.forEach((c, i) => (onehot.data[i * model.outputShape[0]! + c] = 1));
    expectClose(r.inputGradient, await fdGradient((v) => model.forward(v), x, onehot), 2e-3);
    const seed = randomTensor(r.outputs.shape, 6);
    const r2 = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    expectClose(r2.inputGradient, await fdGradient((v) => model.forward(v), x, seed), 2e-3);
    expectClose(r2.outputs, await model.forward(x));
  });

  it('is batch-size invariant (batch of 5 = five batches of 1)', async () => {
    const xb = randomTensor([5, ...inShape], 7);
    const seed: OutputSeed = { kind: 'index', indices: [0, 1, 2, 0, 1] };
    const whole = await model.gradient(xb, { seed, layers: [model.layerNames[1]!] });
    const parts = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        model.gradient(sliceBatch(xb, i, i + 1), { seed: { kind: 'index', indices: [seed.indices[i]!] }, layers: [model.layerNames[1]!] }),
      ),
    );
    expect(Array.from(whole.outputs.data)).toEqual(Array.from(concatBatch(parts.map((p) => p.outputs)).data));
    expect(Array.from(whole.inputGradient.data)).toEqual(Array.from(concatBatch(parts.map((p) => p.inputGradient)).data));
    const ln = model.layerNames[1]!;
    expect(Array.from(whole.layers[ln]!.gradient.data)).toEqual(Array.from(concatBatch(parts.map((p) => p.layers[ln]!.gradient)).data));
  });

  it('layer taps: activations agree with gradient() taps; layer gradient matches FD through an override', async () => {
    const layer = model.layerNames[2]!;
    const acts = await model.activations(x, [layer]);
    const seed = randomTensor(acts.outputs.shape, 8);
    const r = await model.gradient(x, { seed: { kind: 'tensor', seed }, layers: [layer] });
    expectClose(r.layers[layer]!.activation, acts.layers[layer]!);
    const viaOverride = async (a: Tensor) =>
      (await model.gradient(x, { seed: { kind: 'tensor', seed }, overrides: { [layer]: a } })).outputs;
    expectClose(r.layers[layer]!.gradient, await fdGradient(viaOverride, acts.layers[layer]!, seed), 2e-3);
  });

  it('overriding a layer with its own activation changes nothing downstream', async () => {
    const layer = model.layerNames[1]!;
    const seed: OutputSeed = { kind: 'index', indices: [1, 1, 1] };
    const plain = await model.gradient(x, { seed, layers: [layer] });
    const over = await model.gradient(x, { seed, layers: [layer], overrides: { [layer]: plain.layers[layer]!.activation } });
    expect(Array.from(over.outputs.data)).toEqual(Array.from(plain.outputs.data));
    expect(Array.from(over.layers[layer]!.gradient.data)).toEqual(Array.from(plain.layers[layer]!.gradient.data));
    // The override cuts the path from the input through that layer.
    expect(over.inputGradient.data.every((v) => v === 0)).toBe(true);
  });
});

describe('GraphModel argument checking', () => {
  const model = createReferenceModel(mlpGraph());
  const x = randomTensor([2, 4], 1);

  it('rejects bad inputs, targets, seeds and layer names with typed errors', async () => {
    await expect(model.forward(randomTensor([2, 5], 1))).rejects.toThrow(ShapeError);
    await expect(model.forward(randomTensor([2, 5], 1))).rejects.toThrow(/\[2, 5\].*\[N, 4\]/);
    await expect(model.forward({ shape: [2, 4], data: new Float32Array(3) })).rejects.toThrow(ShapeError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0] } })).rejects.toThrow(TargetError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 3] } })).rejects.toThrow(/out of range/);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 1.5] } })).rejects.toThrow(TargetError);
    await expect(model.gradient(x, { seed: { kind: 'tensor', seed: randomTensor([2, 4], 1) } })).rejects.toThrow(TargetError);
    await expect(model.activations(x, ['nope'])).rejects.toThrow(InvalidArgumentError);
    await expect(model.activations(x, ['nope'])).rejects.toThrow(/dense1/);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 1] }, overrides: { relu1: randomTensor([2, 5], 1) } })).rejects.toThrow(
      ShapeError,
    );
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 1] }, overrides: { nope: x } })).rejects.toThrow(InvalidArgumentError);
  });

  it('honours an aborted signal before running', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(model.forward(x, { signal: ac.signal })).rejects.toThrow(AbortError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 0] }, signal: ac.signal })).rejects.toThrow(AbortError);
  });

  it('rejects graphs whose input has an unknown non-batch dimension', () => {
    const g = mlpGraph();
    expect(() => createReferenceModel({ ...g, inputs: [{ name: 'x', shape: [-1, -1] }] })).toThrow(ModelFormatError);
  });
});

describe('GraphModel over a custom binding', () => {
  it('runs inside scope, reads with read(), releases results and constants', async () => {
    const log: string[] = [];
    const released: unknown[] = [];
    const binding: BackendBinding<Tensor> = {
      kernels: k,
      name: 'spy',
      scope: (fn) => {
        log.push('scope');
        return fn();
      },
      read: async (v) => {
        log.push('read');
        return k.toHost(v);
      },
      release: (v) => {
        released.push(v);
      },
    };
    const model = new GraphModel(mlpGraph(), binding);
    expect(model.backend).toBe('spy');
    const x = randomTensor([2, 4], 3);
    await model.gradient(x, { seed: { kind: 'index', indices: [0, 1] }, layers: ['relu1'] });
    expect(log).toEqual(['scope', 'read', 'read', 'read', 'read']);
    expect(released).toHaveLength(1);
    expect(released[0]).toHaveLength(4);
    model.dispose();
    expect(released).toHaveLength(2);
    expect(released[1]).toHaveLength(Object.keys(mlpGraph().initializers).length);
  });

  it('never releases uploaded constants returned as results (Identity of an initializer)', async () => {
    const released: unknown[][] = [];
    const g = mlpGraph();
    const constId = { name: 'const_id', op: 'Identity' as const, inputs: ['b1'], outputs: ['const_id:0'], attrs: {} };
    const uploaded: Tensor[] = [];
    const kernels = { ...k, fromHost: (t: Tensor) => (uploaded.push(k.fromHost(t)), uploaded[uploaded.length - 1]!) };
    const model = new GraphModel({ ...g, nodes: [...g.nodes, constId] }, { kernels, name: 'spy', release: (v) => released.push(v as unknown[]) });
    const constants = new Set(uploaded);
    expect(constants.size).toBe(Object.keys(g.initializers).length);
    const r = await model.activations(randomTensor([1, 4], 1), ['const_id']);
    expect(Array.from(r.layers['const_id']!.data)).toEqual(Array.from(g.initializers['b1']!.data));
    expect(released[0]!.length).toBe(1);
    expect(released[0]!.some((v) => constants.has(v as Tensor))).toBe(false);
  });
});

describe('GraphExecutor', () => {
  it('forward equals chaining the op definitions by hand', () => {
    const g = mlpGraph();
    const ex = new GraphExecutor(g, k);
    const x = randomTensor([2, 4], 9);
    const v: Record<string, Tensor> = { x, ...g.initializers };
    for (const n of g.nodes) v[n.outputs[0]!] = OPS[n.op].forward(k, n.inputs.map((i) => v[i]!), n)[0]!;
    const r = ex.forward(x, { layers: ['relu1'] });
    expectClose(r.outputs, v[g.outputs[0]!]!);
    expectClose(r.layers['relu1']!, v['relu1:0']!);
  });

  it('gives zero gradients to layers that do not reach the output', () => {
    const g = mlpGraph();
    const extra = { name: 'dead', op: 'Tanh' as const, inputs: ['relu1:0'], outputs: ['dead:0'], attrs: {} };
    const ex = new GraphExecutor({ ...g, nodes: [...g.nodes, extra] }, k);
    const x = randomTensor([2, 4], 9);
    const r = ex.backward(x, randomTensor([2, 3], 1), { layers: ['dead'] });
    expect(r.layers['dead']!.gradient.data.every((d) => d === 0)).toBe(true);
    expect([...r.layers['dead']!.gradient.shape]).toEqual([2, 6]);
  });
});

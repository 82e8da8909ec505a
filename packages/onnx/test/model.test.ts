/**
 * OnnxModel through fromOnnx / createOnnxModel: imported fixtures against the reference executor
 * on the imported graph (1e-5 relative) and recorded PyTorch outputs, LeNet against central finite
 * differences, session caching and release, chunking, forward-only models and the explicit
 * finite-difference fallback.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CapabilityError,
  createReferenceModel,
  ModelFormatError,
  ResourceError,
  guidedReluRule,
  type GradientRequest,
  type GradientResult,
  type Model,
  type Rule,
  type Tensor,
} from '@glasswing/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { createOnnxModel, fromOnnx, loadRuntime, type OnnxModel } from '../src/index.js';
import { OnnxBuilder, randomTensor } from './helpers/onnx-builder.js';
import { expectClose } from './support/symbolic-harness.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.onnx`, import.meta.url));
const recorded = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/recorded-outputs.json', import.meta.url)), 'utf8')) as Record<
  string,
  { inputs: unknown; outputs_float32: unknown }
>;

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

const open: Model[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});
async function track<M extends Model>(p: Promise<M>): Promise<M> {
  const m = await p;
  open.push(m);
  return m;
}

function inputFor(model: Model, n: number, seed: number): Tensor {
  return randomTensor([n, ...model.inputShape], seed);
}

async function expectSameGradient(a: Model, b: Model, x: Tensor, request: GradientRequest, tol = 1e-5): Promise<void> {
  const [ra, rb] = [await a.gradient(x, request), await b.gradient(x, request)];
  expectClose(ra.outputs, rb.outputs, tol);
  expectClose(ra.inputGradient, rb.inputGradient, tol);
  expect(Object.keys(ra.layers).sort()).toEqual(Object.keys(rb.layers).sort());
  for (const k of Object.keys(rb.layers)) {
    expectClose(ra.layers[k]!.activation, rb.layers[k]!.activation, tol);
    expectClose(ra.layers[k]!.gradient, rb.layers[k]!.gradient, tol);
  }
}

describe('fromOnnx on the shared models', () => {
  for (const name of ['lenet_mnist', 'mlp_tabular', 'tiny_additive']) {
    it(`${name}: forward runs the original model and matches the recorded PyTorch outputs`, async () => {
      const model = await track(fromOnnx(fixture(name)));
      expect(model.capabilities).toEqual({ gradients: true, layers: true, rules: true });
      expect(model.capabilityReport.complete).toBe(true);
      const rec = recorded[name]!;
      const data = Float32Array.from(flat(rec.inputs));
      const n = data.length / model.inputShape.reduce((p, d) => p * d, 1);
      const y = await model.forward({ shape: [n, ...model.inputShape], data });
      expectClose(y, { shape: [n, ...model.outputShape], data: Float32Array.from(flat(rec.outputs_float32)) }, 1e-4);
    });

    it(`${name}: gradients, taps, overrides and rules equal the reference executor on the imported graph`, async () => {
      const model = await track(fromOnnx(fixture(name)));
      const graph = importOnnxModel(readFileSync(fixture(name))).graph!;
      const ref = await track(Promise.resolve(createReferenceModel(graph)));
      const x = inputFor(model, 5, 3);
      const out = model.outputShape.reduce((p, d) => p * d, 1);
      await expectSameGradient(model, ref, x, { seed: { kind: 'index', indices: [0, 1, 0, out - 1, 1 % out] } });
      await expectSameGradient(model, ref, x, { seed: { kind: 'tensor', seed: randomTensor([5, ...model.outputShape], 9) }, layers: model.layerNames });
      const mid = model.layerNames[Math.floor(model.layerNames.length / 2)]!;
      const acts = await ref.activations(x, [mid]);
      const override = { ...acts.layers[mid]!, data: acts.layers[mid]!.data.map((v, i) => v * (1 + 0.1 * Math.sin(i))) };
      await expectSameGradient(model, ref, x, { seed: { kind: 'index', indices: [0, 0, 0, 0, 0] }, overrides: { [mid]: override }, layers: [mid] });
      const relus = graph.nodes.filter((n) => n.op === 'Relu').map((n) => n.name);
      const rules: Record<string, Rule> = Object.fromEntries(relus.map((r) => [r, guidedReluRule]));
      await expectSameGradient(model, ref, x, { seed: { kind: 'index', indices: [0, 0, 0, 0, 0] }, rules });
      // DeepLIFT-style secant rule (needs the reference input) and LRP-style rules on linear layers
      // (normalised signal, positive parameters: folded on the host).
      const rescale: Rule = { name: 'rescale', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'secant', reducer: 'gradient' };
      const epsilon: Rule = { name: 'epsilon', terms: [{ weight: 1 }], gradient: { kind: 'normalize', epsilon: 1e-3 }, vjp: 'standard', reducer: 'input-times-gradient' };
      const alphaBeta: Rule = {
        name: 'alpha2-beta1',
        terms: [
          { weight: 2, input: { kind: 'positive' }, params: { kind: 'positive' } },
          { weight: -1, input: { kind: 'negative' }, params: { kind: 'positive' } },
        ],
        gradient: { kind: 'normalize', epsilon: 1e-3 },
        vjp: 'standard',
        reducer: 'input-times-gradient',
      };
      const linear = graph.nodes.filter((n) => n.op === 'Gemm' || n.op === 'Conv').map((n) => n.name);
      const lrp: Record<string, Rule> = {
        ...Object.fromEntries(relus.map((r) => [r, rescale])),
        ...Object.fromEntries(linear.map((l, i) => [l, i % 2 === 0 ? epsilon : alphaBeta])),
      };
      const reference = randomTensor(x.shape, 17, 0.1);
      await expectSameGradient(model, ref, x, { seed: { kind: 'index', indices: [0, 0, 0, 0, 0] }, rules: lrp, reference });
    });
  }

  it('loads from bytes and from a file: URL, and taps layers by ONNX tensor name', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('lenet_mnist')));
    const a = await track(fromOnnx(bytes));
    const b = await track(fromOnnx(new URL(`file://${fixture('lenet_mnist')}`)));
    const x = inputFor(a, 2, 4);
    expectClose(await a.forward(x), await b.forward(x), 0);
    const imported = importOnnxModel(bytes);
    const [tensorName, node] = Object.entries(imported.layerNames).find(([k, v]) => k !== v && k.includes('relu'))!;
    const r = await a.gradient(x, { seed: { kind: 'index', indices: [1, 2] }, layers: [tensorName] });
    const direct = await a.gradient(x, { seed: { kind: 'index', indices: [1, 2] }, layers: [node] });
    expectClose(r.layers[tensorName]!.gradient, direct.layers[node]!.gradient, 0);
    expect(Object.keys((await a.activations(x, [tensorName])).layers)).toEqual([tensorName]);
  });

  it('LeNet input gradients agree with central finite differences of the forward pass', async () => {
    const model = await track(fromOnnx(fixture('lenet_mnist')));
    const x = inputFor(model, 1, 11);
    const g = await model.gradient(x, { seed: { kind: 'index', indices: [3] } });
    // Directional derivatives along random directions, in float64 arithmetic on the outputs.
    for (const s of [1, 2, 3]) {
      const v = randomTensor(x.shape, 40 + s);
      const h = 1e-2;
      const shifted = (sign: number) => ({ shape: x.shape, data: x.data.map((xi, i) => xi + sign * h * v.data[i]!) });
      const [yp, ym] = [await model.forward(shifted(1)), await model.forward(shifted(-1))];
      const fd = (yp.data[3]! - ym.data[3]!) / (2 * h);
      const analytic = g.inputGradient.data.reduce((acc, gi, i) => acc + gi * v.data[i]!, 0);
      expect(Math.abs(fd - analytic), `fd ${fd} vs ${analytic}`).toBeLessThanOrEqual(1e-2 * Math.max(1, Math.abs(analytic)));
    }
  });

  it('runs on onnx-web too (LeNet gradient equals onnx-node)', async () => {
    const node = await track(fromOnnx(fixture('lenet_mnist')));
    const web = await track(fromOnnx(fixture('lenet_mnist'), { runtime: 'onnx-web' }));
    expect(web.backend).toBe('onnx-web');
    const x = inputFor(node, 3, 12);
    await expectSameGradient(web, node, x, { seed: { kind: 'index', indices: [0, 5, 9] }, layers: [node.layerNames[2]!] });
  });
});

describe('sessions', () => {
  /** onnxruntime-node wrapped to count session creations and releases. */
  function countingOrt() {
    const counts = { created: 0, released: 0 };
    const wrapped = {
      Tensor: ort.Tensor,
      env: ort.env,
      InferenceSession: {
        create: async (bytes: Uint8Array, options?: ort.InferenceSession.SessionOptions) => {
          const s = await ort.InferenceSession.create(bytes, options ?? {});
          counts.created++;
          const release = s.release.bind(s);
          s.release = async () => {
            counts.released++;
            await release();
          };
          return s;
        },
      },
    };
    return { counts, ort: wrapped as unknown as typeof ort };
  }

  it('a session that cannot be created for lack of memory is a ResourceError naming what to lower', async () => {
    const failing = (message: string) =>
      ({ Tensor: ort.Tensor, env: ort.env, InferenceSession: { create: async () => Promise.reject(new Error(message)) } }) as unknown as typeof ort;
    const oom = await loadRuntime({ name: 'onnx-web', ort: failing("Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc") });
    const err = await oom.createSession(new Uint8Array(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceError);
    expect((err as Error).message).toMatch(/^onnx-web ran out of memory creating a session \("Can't create a session.*std::bad_alloc"\); lower internalBatchSize .*maxSessions/);
    const bad = await loadRuntime({ name: 'onnx-web', ort: failing('protobuf parsing failed') });
    await expect(bad.createSession(new Uint8Array(0))).rejects.toThrow(ModelFormatError);
  });

  it('keeps at most maxSessions: the least recently used idle session is released, never one in use', async () => {
    const { counts, ort: o } = countingOrt();
    const runtime = await loadRuntime({ name: 'onnx-node', ort: o });
    const model = (await fromOnnx(fixture('lenet_mnist'), { runtime, maxSessions: 2 })) as OnnxModel;
    const reference = (await fromOnnx(fixture('lenet_mnist'))) as OnnxModel;
    const x = inputFor(model, 3, 9);
    const seed = { kind: 'index', indices: [0, 1, 2] } as const;
    const relu = model.layerNames.find((n) => n.includes('relu'))!;
    // Four signatures, all at once: each run pins its session, so eviction never releases a session a
    // queued run still needs; results equal an unbounded model's.
    const calls = () => [
      model.forward(x),
      model.gradient(x, { seed }),
      model.gradient(x, { seed, rules: { [relu]: { ...guidedReluRule } } }),
      model.gradient(inputFor(model, 2, 4), { seed: { kind: 'index', indices: [1, 2] } }),
    ];
    const want = await Promise.all([
      reference.forward(x),
      reference.gradient(x, { seed }),
      reference.gradient(x, { seed, rules: { [relu]: { ...guidedReluRule } } }),
      reference.gradient(inputFor(model, 2, 4), { seed: { kind: 'index', indices: [1, 2] } }),
    ]);
    for (let round = 0; round < 2; round++) {
      const got = await Promise.all(calls());
      expectClose(got[0] as never, want[0] as never, 0, 0);
      for (const i of [1, 2, 3]) expectClose((got[i] as GradientResult).inputGradient, (want[i] as GradientResult).inputGradient, 0, 0);
      expect(model.sessionsHeld).toBeLessThanOrEqual(2);
    }
    expect(model.sessionsCreated).toBe(8); // every round recreates what the bound released
    expect(model.sessionsEvicted).toBe(6);
    await model.forward(x); // settle the queued releases
    expect(counts.released).toBe(model.sessionsEvicted);
    await model.dispose();
    await reference.dispose();
    expect(counts.released).toBe(counts.created);
    await expect(fromOnnx(fixture('lenet_mnist'), { maxSessions: 0 })).rejects.toThrow(/maxSessions must be a positive integer/);
  });

  it('caches one session per batch size and request signature; dispose releases every one', async () => {
    const { counts, ort: o } = countingOrt();
    const runtime = await loadRuntime({ name: 'onnx-node', ort: o });
    const model = (await fromOnnx(fixture('lenet_mnist'), { runtime })) as OnnxModel;
    const x = inputFor(model, 4, 5);
    const seed = { kind: 'index', indices: [0, 1, 2, 3] } as const;
    await model.gradient(x, { seed });
    const after = model.sessionsCreated;
    await model.gradient(x, { seed: { kind: 'tensor', seed: randomTensor([4, 10], 2) } });
    expect(model.sessionsCreated).toBe(after); // seed kinds share the graph
    const relu = model.layerNames.find((n) => n.includes('relu'))!;
    await model.gradient(x, { seed, rules: { [relu]: { ...guidedReluRule } } });
    await model.gradient(x, { seed, rules: { [relu]: { ...guidedReluRule } } }); // equal rules, new objects
    expect(model.sessionsCreated).toBe(after + 1);
    await model.gradient(inputFor(model, 2, 6), { seed: { kind: 'index', indices: [0, 1] } });
    expect(model.sessionsCreated).toBe(after + 2);
    await model.forward(x);
    await model.forward(x);
    expect(counts.created).toBe(model.sessionsCreated);
    await model.dispose();
    expect(counts.released).toBe(counts.created);
    await model.dispose();
    expect(counts.released).toBe(counts.created);
    await expect(model.forward(x)).rejects.toThrow(/disposed/);
    await expect(model.gradient(x, { seed })).rejects.toThrow(/disposed/);
  });

  it('chunks batches larger than maxBatch with identical results', async () => {
    const graph = importOnnxModel(readFileSync(fixture('lenet_mnist'))).graph!;
    const whole = await track(createOnnxModel(graph));
    const chunked = await track(createOnnxModel(graph, { maxBatch: 3 }));
    const x = inputFor(whole, 7, 8);
    const relu = whole.layerNames.find((n) => n.includes('relu'))!;
    await expectSameGradient(chunked, whole, x, { seed: { kind: 'index', indices: [0, 1, 2, 3, 4, 5, 6] }, layers: [relu] }, 1e-6);
    expectClose(await chunked.forward(x), await whole.forward(x), 1e-6);
  });
});

describe('forward-only ONNX models', () => {
  // x [N, 3] → Sin (not importable) → MatMul W [3, 2].
  const w = [0.5, -1, 2, 0.25, -0.75, 1.5];
  const bytes = new OnnxBuilder(13).input('x', ['N', 3]).output('y').init('W', [3, 2], w).node('Sin', ['x'], ['s'], {}, 'the_sin').node('MatMul', ['s', 'W'], ['y'], {}, 'mm').build();

  it('load, run forward, and name the blocking ops in the capability report and errors', async () => {
    const model = await track(fromOnnx(bytes));
    expect(model.capabilities).toEqual({ gradients: false, layers: false, rules: false });
    expect(model.capabilityReport.blockingOps).toContain('Sin');
    expect(model.capabilityReport.gradients).toBe('unavailable');
    expect(model.outputShape).toEqual([2]);
    const x = randomTensor([2, 3], 1);
    const y = await model.forward(x);
    const want = [0, 1].flatMap((n) => [0, 1].map((j) => [0, 1, 2].reduce((a, i) => a + Math.sin(x.data[n * 3 + i]!) * w[i * 2 + j]!, 0)));
    expectClose(y, { shape: [2, 2], data: Float32Array.from(want) }, 1e-6);
    const grad = model.gradient(x, { seed: { kind: 'index', indices: [0, 1] } });
    await expect(grad).rejects.toBeInstanceOf(CapabilityError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 1] } })).rejects.toThrow(/Sin/);
    await expect(model.activations(x, ['mm'])).rejects.toBeInstanceOf(CapabilityError);
  });

  it('finiteDifferenceFallback (explicit) gives central-difference gradients, marked in the report', async () => {
    const model = await track(fromOnnx(bytes, { finiteDifferenceFallback: true }));
    expect(model.capabilities.gradients).toBe(true);
    expect(model.capabilities.layers).toBe(false);
    expect(model.capabilityReport.gradients).toBe('finite-differences');
    const x = randomTensor([2, 3], 2);
    const r = await model.gradient(x, { seed: { kind: 'index', indices: [1, 0] } });
    const want = [1, 0].flatMap((j, n) => [0, 1, 2].map((i) => Math.cos(x.data[n * 3 + i]!) * w[i * 2 + j]!));
    expectClose(r.inputGradient, { shape: [2, 3], data: Float32Array.from(want) }, 1e-3);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 0] }, layers: ['mm'] })).rejects.toBeInstanceOf(CapabilityError);
  });
});

/**
 * ONNX models through the CLI: `--model model.onnx` (or ONNX detected by content) on the
 * onnx-node and onnx-web adapters against Captum figures (tiny_additive, mlp_tabular: copied into
 * test/fixtures/*.captum.json), the imported IR graph on the other adapters, graph JSON on the
 * ONNX adapters, every method id, `--layer` names, and a forward-only model (an op Glasswing
 * cannot differentiate): perturbation methods run, gradient methods fail with one line naming it.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, METHODS } from '@glasswing/core';
import { decodeModel, encodeModel, makeModel, makeNode, makeValueInfo, tensorToProto } from '@glasswing/onnx';
import { openModel } from '../model-file.js';
import { CAPTUM, FIXTURES, GRAPH, expectClose, record, run, tempDir, writeJson } from './helpers.js';

const TINY = join(FIXTURES, 'tiny_additive.onnx');
const MLP = join(FIXTURES, 'mlp_tabular.onnx');
interface Rec {
  id: string;
  input_index: number;
  target: number;
  attribution: number[];
  convergence_delta?: number;
}
const MLP_CAPTUM = JSON.parse(readFileSync(join(FIXTURES, 'mlp_tabular.captum.json'), 'utf8')) as {
  inputs: number[][];
  targets: number[];
  outputs_float32: number[][];
  records: Rec[];
};
const mlpRecords = (ids: string[]) => ids.map((id) => MLP_CAPTUM.records.find((r) => r.id === `mlp_tabular/${id}`)!);

interface Output {
  method: string;
  shape: number[];
  attributions: number[][];
  delta?: (number | number[])[];
  outputs: number[][];
  targets: number[];
}

async function attribute(args: string[]): Promise<Output> {
  const r = await run(['attribute', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Output;
}

/** |a - e| <= tol * max(1, |e|) element-wise. */
function expectRel(actual: readonly number[], expected: readonly number[], tol: number): void {
  expectClose(
    actual.map((a, i) => a / Math.max(1, Math.abs(expected[i]!))),
    expected.map((e) => e / Math.max(1, Math.abs(e))),
    tol,
  );
}

const dir = tempDir();
const tinyInput0 = writeJson(dir, 'tiny0.json', { shape: [1, 6], data: CAPTUM.inputs[0] });
const mlpInputs = writeJson(dir, 'mlp.json', MLP_CAPTUM.inputs);
const mlpTargets = MLP_CAPTUM.targets.join(',');

describe.each(['onnx-node', 'onnx-web'])('glasswing attribute --model *.onnx --adapter %s (Captum figures)', (adapter) => {
  it('integrated-gradients on tiny_additive.onnx, input 0, target 0 (Captum tiny_additive/0013)', async () => {
    const out = await attribute(['--model', TINY, '--method', 'integrated-gradients', '--input', tinyInput0, '--target', '0', '--adapter', adapter]);
    expectRel(out.attributions[0]!, record('0013').attribution, 1e-5);
    expect(Math.abs(out.delta![0] as number)).toBeLessThan(1e-4);
    expectClose(out.outputs[0]!, CAPTUM.outputs_float32[0]!, 1e-5);
  });

  it('saliency on mlp_tabular.onnx, 4 examples (Captum mlp_tabular/0001-0004)', async () => {
    const out = await attribute(['--model', MLP, '--method', 'saliency', '--input', mlpInputs, '--target', mlpTargets, '--adapter', adapter]);
    expect(out.shape).toEqual([4, 10]);
    mlpRecords(['0001', '0002', '0003', '0004']).forEach((r) => expectRel(out.attributions[r.input_index]!, r.attribution, 1e-5));
    out.outputs.forEach((o, i) => expectRel(o, MLP_CAPTUM.outputs_float32[i]!, 1e-5));
  });

  it('integrated-gradients on mlp_tabular.onnx, 4 examples (Captum mlp_tabular/0013-0016)', async () => {
    const out = await attribute(['--model', MLP, '--method', 'integrated-gradients', '--input', mlpInputs, '--target', mlpTargets, '--adapter', adapter]);
    mlpRecords(['0013', '0014', '0015', '0016']).forEach((r) => {
      expectRel(out.attributions[r.input_index]!, r.attribution, 1e-5);
      expect(out.delta![r.input_index] as number).toBeCloseTo(r.convergence_delta!, 4);
    });
  });

  it('occlusion on mlp_tabular.onnx, window 3 (Captum mlp_tabular/0065-0068)', async () => {
    const out = await attribute(['--model', MLP, '--method', 'occlusion', '--window', '3', '--input', mlpInputs, '--target', mlpTargets, '--adapter', adapter]);
    mlpRecords(['0065', '0066', '0067', '0068']).forEach((r) => expectRel(out.attributions[r.input_index]!, r.attribution, 1e-5));
  });

  it('a Glasswing graph JSON model runs on the ONNX adapter too (Captum tiny_additive/0013)', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'integrated-gradients', '--input', tinyInput0, '--target', '0', '--adapter', adapter]);
    expectRel(out.attributions[0]!, record('0013').attribution, 1e-5);
  });
});

describe('ONNX model files: detection, default adapter, other adapters, every method', () => {
  it('an .onnx file and a graph JSON both default to onnx-node (the fastest installed adapter)', async () => {
    const onnx = await openModel(TINY);
    expect([onnx.adapter, onnx.model.backend, onnx.file.kind]).toEqual(['onnx-node', 'onnx-node', 'onnx']);
    await onnx.model.dispose();
    const graph = await openModel(GRAPH);
    expect([graph.adapter, graph.model.backend, graph.file.kind, graph.choice.requested]).toEqual(['onnx-node', 'onnx-node', 'glasswing-graph', false]);
    await graph.model.dispose();
  });

  it('detects ONNX by content (not JSON, decodes as a ModelProto) whatever the file name', async () => {
    const renamed = join(dir, 'model.bin');
    copyFileSync(TINY, renamed);
    const out = await attribute(['--model', renamed, '--method', 'integrated-gradients', '--input', tinyInput0, '--target', '0']);
    expectRel(out.attributions[0]!, record('0013').attribution, 1e-5);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Uint8Array.from([0xff, 0xff, 0xff, 0x01, 0x02]));
    const r = await run(['attribute', '--model', junk, '--method', 'saliency', '--input', tinyInput0]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^glasswing: error: model file .*junk\.bin' is neither JSON .* nor an ONNX model: .*\n$/);
  });

  it('an export whose weights live in an external data file loads from its path (Captum tiny_additive/0013)', async () => {
    // tiny_additive.onnx re-saved as torch.onnx does for big models: every initializer's bytes in
    // weights/model.onnx.data, the ModelProto naming location / offset / length.
    const proto = decodeModel(readFileSync(TINY));
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const t of proto.graph!.initializer ?? []) {
      const raw = t.rawData && t.rawData.length > 0 ? Uint8Array.from(t.rawData) : new Uint8Array(Float32Array.from(t.floatData ?? []).buffer);
      const pad = (8 - (offset % 8)) % 8;
      chunks.push(new Uint8Array(pad), raw);
      offset += pad;
      t.rawData = new Uint8Array(0);
      t.floatData = [];
      t.dataLocation = 1;
      t.externalData = [
        { key: 'location', value: 'weights/model.onnx.data' },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.byteLength) },
      ];
      offset += raw.byteLength;
    }
    const ext = join(dir, 'external');
    mkdirSync(join(ext, 'weights'), { recursive: true });
    const data = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) (data.set(c, at), (at += c.byteLength));
    writeFileSync(join(ext, 'weights', 'model.onnx.data'), data);
    writeFileSync(join(ext, 'model.onnx'), encodeModel(proto));
    for (const adapter of [[], ['--adapter', 'onnx-web'], ['--adapter', 'reference']]) {
      const out = await attribute(['--model', join(ext, 'model.onnx'), '--method', 'integrated-gradients', '--input', tinyInput0, '--target', '0', ...adapter]);
      expectRel(out.attributions[0]!, record('0013').attribution, 1e-5);
    }
    const r = await run(['inspect', '--model', join(ext, 'model.onnx')]);
    expect(r.code).toBe(0);
    // Without its data file the model is a clear error naming the missing file.
    const lonely = join(dir, 'lonely.onnx');
    writeFileSync(lonely, encodeModel(proto));
    const bad = await run(['attribute', '--model', lonely, '--method', 'saliency', '--input', tinyInput0]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^glasswing: error: .*weights\/model\.onnx\.data.*\n$/);
  });

  for (const adapter of ['reference', 'tfjs-cpu', 'tfjs-wasm']) {
    it(`an ONNX model runs its imported IR graph on the ${adapter} adapter (Captum tiny_additive/0013)`, async () => {
      const out = await attribute(['--model', TINY, '--method', 'integrated-gradients', '--input', tinyInput0, '--target', '0', '--adapter', adapter]);
      expectRel(out.attributions[0]!, record('0013').attribution, 2e-5);
    });
  }

  const flags: Readonly<Record<string, string[]>> = {
    occlusion: ['--window', '2'],
    'shapley-value-sampling': ['--samples', '3'],
    'kernel-shap': ['--samples', '64'],
    lime: ['--samples', '64'],
    smoothgrad: ['--samples', '3'],
    'smoothgrad-sq': ['--samples', '3'],
    vargrad: ['--samples', '3'],
    'gradient-shap': ['--samples', '3'],
    'integrated-gradients': ['--steps', '8'],
  };
  const inputMethods = Object.keys(METHODS).filter((id) => !METHODS[id]!.options.includes('layer'));
  it.each(inputMethods)('every method id runs on mlp_tabular.onnx via onnx-node and matches the reference adapter: %s', async (id) => {
    const x = writeJson(dir, `two-${id}.json`, MLP_CAPTUM.inputs.slice(0, 2));
    const common = ['--method', id, '--input', x, '--target', '0,2', '--seed', '5', ...(flags[id] ?? [])];
    const onnx = await attribute(['--model', MLP, '--adapter', 'onnx-node', ...common]);
    expect(onnx.method).toBe(id);
    expect(onnx.shape).toEqual([2, 10]);
    expect(onnx.attributions.flat().every(Number.isFinite)).toBe(true);
    const ref = await attribute(['--model', MLP, '--adapter', 'reference', ...common]);
    onnx.attributions.forEach((a, i) => expectRel(a, ref.attributions[i]!, 1e-4));
  });

  it('--layer accepts ONNX node and tensor names and module names (mapped to the IR layer), and names the nearest when unknown', async () => {
    for (const adapter of ['onnx-node', 'reference'] as const) {
      const m = await openModel(MLP, adapter);
      expect(m.resolveLayer('/relu1/Relu_output_0')).toBe('/relu1/Relu');
      expect(m.resolveLayer('/fc2/Gemm')).toBe('/fc2/Gemm');
      expect(m.resolveLayer('output')).toBe('/fc3/Gemm');
      expect(() => m.resolveLayer('nope')).toThrow(InvalidArgumentError);
      expect(() => m.resolveLayer('nope')).toThrow(/unknown layer 'nope': not a node, tensor or PyTorch module name of this model.*; nearest: /);
      // The torch.onnx export's module names work too.
      expect(m.resolveLayer('relu1')).toBe('/relu1/Relu');
      await m.model.dispose();
    }
    // A method without layers still rejects --layer (after the name is accepted).
    const r = await run(['attribute', '--model', MLP, '--method', 'saliency', '--input', mlpInputs, '--layer', '/relu1/Relu_output_0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/takes no layer/);
  });

  // Methods with a layer and nothing else required (neuron-* need --neuron; grad-cam resizes to an image input).
  const layerMethods = Object.keys(METHODS).filter(
    (id) => METHODS[id]!.options.includes('layer') && !METHODS[id]!.options.includes('neuron') && !id.includes('grad-cam'),
  );
  it.skipIf(layerMethods.length === 0)('a layer method takes an ONNX tensor name for --layer on onnx-node and reference alike', async () => {
    for (const id of layerMethods) {
      const args = ['--method', id, '--input', mlpInputs, '--target', mlpTargets, '--layer', '/relu1/Relu_output_0', '--seed', '1'];
      const onnx = await attribute(['--model', MLP, '--adapter', 'onnx-node', ...args]);
      const ref = await attribute(['--model', MLP, '--adapter', 'reference', ...args]);
      onnx.attributions.forEach((a, i) => expectRel(a.flat(), ref.attributions[i]!.flat(), 1e-4));
    }
  });
});

/** x [N, 3] -> MatMul W [3, 2] -> Sin -> y [N, 2]: Sin has no IR mapping, so the model is forward-only. */
const W = [0.5, -1, 0.25, 2, -0.75, 0.1];
function sinModel(): string {
  const model = makeModel({
    nodes: [makeNode('MatMul', ['x', 'w'], ['h'], {}, 'mm'), makeNode('Sin', ['h'], ['y'], {}, 'sine')],
    inputs: [makeValueInfo('x', ['N', 3])],
    outputs: [makeValueInfo('y', ['N', 2])],
    initializers: [tensorToProto('w', { shape: [3, 2], data: Float32Array.from(W) })],
    opset: 13,
  });
  const p = join(dir, 'sin.onnx');
  writeFileSync(p, encodeModel(model));
  return p;
}
const f = (x: readonly number[], k: number) => Math.sin(x[0]! * W[k]! + x[1]! * W[2 + k]! + x[2]! * W[4 + k]!);

describe('a forward-only ONNX model (unsupported op Sin)', () => {
  const SIN = sinModel();
  const xs = [
    [0.3, -0.2, 0.9],
    [1.1, 0.4, -0.5],
  ];
  const input = writeJson(dir, 'sin-x.json', xs);

  it.each(['onnx-node', 'onnx-web'])('occlusion runs on %s and equals the hand-computed drops', async (adapter) => {
    const out = await attribute(['--model', SIN, '--adapter', adapter, '--method', 'occlusion', '--window', '1', '--input', input, '--target', '1']);
    xs.forEach((x, n) => {
      const want = x.map((_, i) => f(x, 1) - f(x.map((v, j) => (j === i ? 0 : v)), 1));
      expectClose(out.attributions[n]!, want, 1e-5);
      expectClose(out.outputs[n]!, [f(x, 0), f(x, 1)], 1e-6);
    });
  });

  it('a gradient method fails with one line naming the blocking op', async () => {
    for (const method of ['saliency', 'integrated-gradients']) {
      const r = await run(['attribute', '--model', SIN, '--method', method, '--input', input]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(new RegExp(`^glasswing: error: method '${method}' needs gradients, which the onnx-node model does not provide: the ONNX model is forward-only: gradients are blocked by unsupported op Sin`));
    }
  });

  it('the reference and tfjs adapters refuse it, naming the op and the ONNX adapters', async () => {
    const r = await run(['attribute', '--model', SIN, '--adapter', 'reference', '--method', 'occlusion', '--window', '1', '--input', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/forward-only: gradients are blocked by unsupported op Sin.*--adapter onnx-node or onnx-web/);
  });

  it('glasswing importance runs it on onnx-node and onnx-web with identical results', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3), (i % 5) / 5 - 0.4]);
    const labels = rows.map((x) => (f(x, 0) >= f(x, 1) ? 0 : 1));
    const data = join(dir, 'sin.csv');
    writeFileSync(data, ['a,b,c,label', ...rows.map((r, i) => [...r, labels[i]].join(','))].join('\n') + '\n');
    const outs = [];
    for (const adapter of ['onnx-node', 'onnx-web']) {
      const r = await run(['importance', '--model', SIN, '--data', data, '--labels', 'label', '--repeats', '2', '--adapter', adapter]);
      expect(r.code).toBe(0);
      outs.push(JSON.parse(r.stdout) as { baselineScore: number; features: { importanceMean: number }[] });
    }
    expect(outs[0]!.baselineScore).toBe(1);
    expect(outs[1]!.features.map((x) => x.importanceMean)).toEqual(outs[0]!.features.map((x) => x.importanceMean));
  });
});

describe('glasswing importance on ONNX adapters', () => {
  it('mlp_tabular.onnx on onnx-node equals graph JSON on reference (same seed)', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => Array.from({ length: 10 }, (_, j) => Number(Math.sin(i * 10 + j).toFixed(3))));
    const data = join(dir, 'mlp.csv');
    writeFileSync(data, rows.map((r) => r.join(',')).join('\n') + '\n');
    const labelsArg = join(dir, 'mlp-labels.csv');
    writeFileSync(labelsArg, rows.map((_, i) => String(i % 3)).join('\n') + '\n');
    const a = await run(['importance', '--model', MLP, '--data', data, '--labels', labelsArg, '--metric', 'loss', '--repeats', '2']);
    const b = await run(['importance', '--model', MLP, '--adapter', 'reference', '--data', data, '--labels', labelsArg, '--metric', 'loss', '--repeats', '2']);
    expect(a.stderr + b.stderr).not.toMatch(/error/);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ia = (JSON.parse(a.stdout) as { features: { importanceMean: number }[] }).features.map((x) => x.importanceMean);
    const ib = (JSON.parse(b.stdout) as { features: { importanceMean: number }[] }).features.map((x) => x.importanceMean);
    expectClose(ia, ib, 1e-4);
  });
});

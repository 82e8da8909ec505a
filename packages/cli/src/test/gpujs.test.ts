/**
 * `--adapter gpujs-cpu` / `gpujs-webasm` (@glasswing/gpujs kernels) through `glasswing attribute`
 * on every model kind the CLI takes: the same attributions as `--adapter reference` (1e-4) for a
 * gradient method, a rule method and a layer method. `gpujs-headlessgl` where it cannot start is a
 * typed error naming the mode and why (exit 1); `glasswing inspect` prints the gpu.js modes line.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableGpujsModes } from '@glasswing/gpujs';
import { CAPTUM, FIXTURES, GRAPH, TFJS, convGraphJson, expectClose, run, tempDir, writeJson } from './helpers.js';

const ONNX = join(FIXTURES, 'tiny_additive.onnx');
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

async function attributions(args: string[]): Promise<{ values: number[]; shape: number[]; summary: string }> {
  const r = await run(['attribute', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { attributions: unknown; shape: number[] };
  return { values: flat(out.attributions), shape: out.shape, summary: r.stdout };
}

describe('glasswing attribute --adapter gpujs-cpu / gpujs-webasm', () => {
  const dir = tempDir();
  const input = writeJson(dir, 'x.json', [CAPTUM.inputs[0], CAPTUM.inputs[1]]);
  const conv = writeJson(dir, 'conv.graph.json', convGraphJson());
  const img = writeJson(dir, 'img.json', { shape: [1, 1, 4, 4], data: Array.from({ length: 16 }, (_, i) => Math.cos(i)) });

  const models: [string, string][] = [
    ['Glasswing graph JSON', GRAPH],
    ['TensorFlow.js LayersModel', TFJS],
    ['ONNX', ONNX],
  ];
  const methods: [string, string[]][] = [
    ['integrated-gradients', ['--method', 'integrated-gradients', '--steps', '16', '--target', '0']],
    ['lrp', ['--method', 'lrp', '--epsilon', '0.01', '--target', '1']],
    ['deeplift', ['--method', 'deeplift', '--baseline', '0.2', '--target', '0']],
  ];

  for (const adapter of ['gpujs-cpu', 'gpujs-webasm']) {
    for (const [kind, model] of models) {
      it.each(methods)(`${adapter}, ${kind}: %s agrees with reference`, async (_id, args) => {
        const want = await attributions(['--model', model, '--input', input, '--adapter', 'reference', ...args]);
        const got = await attributions(['--model', model, '--input', input, '--adapter', adapter, ...args]);
        expect(got.shape).toEqual(want.shape);
        expectClose(got.values, want.values, 1e-4);
        expect(got.values.some((v) => v !== 0)).toBe(true);
      });
    }

    it.each([
      ['layer-conductance', ['--method', 'layer-conductance', '--layer', 'relu', '--steps', '10', '--target', '1']],
      ['layer-gradient-x-activation', ['--method', 'layer-gradient-x-activation', '--layer', 'conv', '--target', '0']],
      ['grad-cam', ['--method', 'grad-cam', '--layer', 'relu', '--target', '1']],
    ])(`${adapter}, conv graph: layer method %s agrees with reference`, async (_id, args) => {
      const want = await attributions(['--model', conv, '--input', img, '--adapter', 'reference', ...args]);
      const got = await attributions(['--model', conv, '--input', img, '--adapter', adapter, ...args]);
      expect(got.shape).toEqual(want.shape);
      expectClose(got.values, want.values, 1e-4);
      expect(got.values.some((v) => v !== 0)).toBe(true);
    });
  }

  it('--adapter gpujs (auto) runs and names the gpu.js mode it chose', async () => {
    const r = await run(['attribute', '--model', GRAPH, '--input', input, '--adapter', 'gpujs', '--method', 'saliency', '--target', '0']);
    expect(r.code).toBe(0);
    const best = availableGpujsModes()[0];
    expect((JSON.parse(r.stdout) as { adapter: string }).adapter).toBe(`gpujs-${best}`);
  });
});

describe('gpujs-headlessgl that cannot start', () => {
  const headless = availableGpujsModes().includes('headlessgl');
  it.skipIf(headless)('is a typed error naming the mode and why, exit code 1', async () => {
    const dir = tempDir();
    const input = writeJson(dir, 'x.json', [CAPTUM.inputs[0]]);
    const r = await run(['attribute', '--model', GRAPH, '--input', input, '--adapter', 'gpujs-headlessgl', '--method', 'saliency']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^glasswing: error: gpu\.js mode 'headlessgl' cannot run here: .*(gl|display)/);
    expect(r.stderr).toMatch(/setup-headlessgl\.sh/);
  });
  it.runIf(headless)('runs where headless GL starts', async () => {
    const dir = tempDir();
    const input = writeJson(dir, 'x.json', [CAPTUM.inputs[0]]);
    const r = await run(['attribute', '--model', GRAPH, '--input', input, '--adapter', 'gpujs-headlessgl', '--method', 'saliency']);
    expect(r.code).toBe(0);
  });
});

describe('glasswing inspect: gpu.js modes', () => {
  it('prints which gpu.js modes start here, and why the others do not', async () => {
    const r = await run(['inspect', '--model', GRAPH, '--adapter', 'reference']);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('gpu.js modes: '));
    expect(line).toBeDefined();
    const modes = availableGpujsModes().filter((m) => m === 'headlessgl' || m === 'webasm' || m === 'cpu');
    expect(line!.startsWith(`gpu.js modes: ${modes.join(', ')}`)).toBe(true);
    expect(line).toMatch(/\bcpu\b/);
    if (!modes.includes('headlessgl')) expect(line).toMatch(/\(headlessgl: (gl package not built|no GL context)/);
    const json = await run(['inspect', '--model', GRAPH, '--adapter', 'reference', '--json']);
    const info = JSON.parse(json.stdout) as { gpujsModes: { available: string[] } };
    expect(info.gpujsModes.available).toEqual(modes);
  });
  it('inspect --adapter gpujs-cpu reports the gpu.js backend', async () => {
    const r = await run(['inspect', '--model', GRAPH, '--adapter', 'gpujs-cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: +gpujs-cpu$/m);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { f32 } from '../commands/attribute.js';
import { CAPTUM, GRAPH, TFJS, convGraphJson, expectClose, pngSize, record, run, tempDir, writeJson } from './helpers.js';

interface Output {
  method: string;
  adapter: string;
  shape: number[];
  attributions: number[][];
  delta?: (number | number[])[];
  outputs: number[][];
  targets: number[];
}

async function attribute(args: string[], cwd?: string): Promise<Output> {
  const r = await run(['attribute', ...args], cwd);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Output;
}

describe('glasswing attribute: results against Captum (tiny_additive)', () => {
  const dir = tempDir();
  const input0 = writeJson(dir, 'x0.json', { shape: [1, 6], data: CAPTUM.inputs[0] });
  const both = writeJson(dir, 'x03.json', [CAPTUM.inputs[0], CAPTUM.inputs[3]]);

  it('integrated-gradients on a graph JSON model, input 0, target 0 (Captum 0013)', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'integrated-gradients', '--input', input0, '--target', '0']);
    const rec = record('0013');
    expect(out.method).toBe('integrated-gradients');
    expect(out.shape).toEqual([1, 6]);
    expect(out.targets).toEqual([0]);
    expectClose(out.attributions[0]!, rec.attribution, 2e-6);
    expect(out.delta).toHaveLength(1);
    expect(Math.abs(out.delta![0] as number)).toBeLessThan(1e-5);
    expectClose(out.outputs[0]!, CAPTUM.outputs_float32[0]!, 1e-6);
    expect(Object.keys(out).sort()).toEqual(['adapter', 'attributions', 'delta', 'method', 'outputs', 'shape', 'targets']);
    expect(out.adapter).toBe('onnx-node'); // the default: fastest installed
  });

  for (const adapter of ['reference', 'tfjs-cpu', 'tfjs-wasm']) {
    it(`integrated-gradients on the TensorFlow.js model via the ${adapter} adapter (Captum 0013)`, async () => {
      const out = await attribute(['--model', TFJS, '--method', 'integrated-gradients', '--input', input0, '--target', '0', '--adapter', adapter]);
      expectClose(out.attributions[0]!, record('0013').attribution, 2e-5);
    });
  }

  it('saliency on two nested-array examples explains each predicted class (Captum 0001, 0004)', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'saliency', '--input', both]);
    expect(out.shape).toEqual([2, 6]);
    const predicted = [0, 3].map((i) => (CAPTUM.outputs_float32[i]![0]! >= CAPTUM.outputs_float32[i]![1]! ? 0 : 1));
    expect(out.targets).toEqual(predicted);
    expectClose(out.attributions[0]!, record('0001').attribution, 1e-6);
    expectClose(out.attributions[1]!, record('0004').attribution, 1e-6);
    expect(out.delta).toBeUndefined();
  });

  it('accepts one example without the batch dimension (N = 1)', async () => {
    const single = writeJson(dir, 'single.json', CAPTUM.inputs[0]);
    const out = await attribute(['--model', GRAPH, '--method', 'input-x-gradient', '--input', single, '--target', '0']);
    expect(out.shape).toEqual([1, 6]);
    expectClose(out.attributions[0]!, record('0009').attribution, 1e-6);
  });

  it('takes a baseline file (Captum 0017) and a quadrature rule (Captum 0021)', async () => {
    const base = writeJson(dir, 'b.json', CAPTUM.baselines.nonzero);
    const a = await attribute(['--model', GRAPH, '--method', 'integrated-gradients', '--input', input0, '--target', '0', '--baseline', base]);
    expectClose(a.attributions[0]!, record('0017').attribution, 2e-6);
    const b = await attribute([
      '--model', GRAPH, '--method', 'integrated-gradients', '--input', input0, '--target=0',
      '--baseline', 'zeros', '--quadrature', 'riemann_trapezoid', '--steps', '50',
    ]);
    expectClose(b.attributions[0]!, record('0021').attribution, 2e-6);
    expect(b.delta![0] as number).toBeCloseTo(record('0021').convergence_delta!, 5);
  });

  it('takes a constant baseline: --baseline 0 equals --baseline zeros', async () => {
    const args = ['--model', GRAPH, '--method', 'integrated-gradients', '--input', input0, '--target', '0'];
    const zero = await attribute([...args, '--baseline', '0']);
    const zeros = await attribute([...args, '--baseline', 'zeros']);
    expect(zero.attributions).toEqual(zeros.attributions);
    const half = await attribute([...args, '--baseline', '0.5']);
    expect(half.attributions).not.toEqual(zeros.attributions);
  });

  it('takes one target per example and --abs false', async () => {
    const out = await attribute(['--model', GRAPH, '--method', 'saliency', '--input', both, '--target', '1,0', '--abs', 'false']);
    expect(out.targets).toEqual([1, 0]);
    expect(out.attributions[0]!.some((v) => v < 0)).toBe(true);
  });

  it('sampled methods are reproducible with --seed and give deltas per example', async () => {
    const args = ['--model', GRAPH, '--method', 'gradient-shap', '--input', both, '--samples', '8', '--seed', '3', '--stdev', '0.05'];
    const a = await attribute(args);
    const b = await attribute(args);
    expect(a.attributions).toEqual(b.attributions);
    expect(a.delta).toHaveLength(2);
    expect(a.delta![0]).toHaveLength(8);
    const c = await attribute([...args.slice(0, -4), '--seed', '4', '--stdev', '0.05']);
    expect(c.attributions).not.toEqual(a.attributions);
    const sg = await attribute(['--model', GRAPH, '--method', 'smoothgrad', '--input', both, '--samples', '4', '--internal-batch-size', '3']);
    expect(sg.shape).toEqual([2, 6]);
  });

  it('prints float32 values as their shortest exact decimals', async () => {
    const r = await run(['attribute', '--model', GRAPH, '--method', 'integrated-gradients', '--input', input0, '--target', '0']);
    const digits = (r.stdout.match(/-?\d+\.\d+(e-?\d+)?/g) ?? []).map((m) => m.replace(/^-?0\.0*|e.*$|\.|^-/g, '').length);
    expect(digits.length).toBeGreaterThan(6);
    expect(Math.max(...digits)).toBeLessThanOrEqual(9);
    for (let i = 0; i < 1000; i++) {
      const x = Math.fround(((Math.sin(i * 12.9898) * 43758.5453) % 1) * 10 ** ((i % 13) - 6));
      expect(Math.fround(f32(x))).toBe(x); // reads back to the same float32
    }
    expect(f32(Math.fround(0.1))).toBe(0.1);
    expect(f32(Math.fround(1 / 3))).toBe(0.33333334);
  });

  it('writes --out instead of stdout, resolving paths against the cwd', async () => {
    const r = await run(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', 'x0.json', '--out', 'sub/result.json'], dir);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const out = JSON.parse(readFileSync(join(dir, 'sub', 'result.json'), 'utf8')) as Output;
    expect(out.shape).toEqual([1, 6]);
  });
});

describe('glasswing attribute --heatmap', () => {
  const dir = tempDir();
  const graph = writeJson(dir, 'conv.graph.json', convGraphJson());
  const img = (k: number) => Array.from({ length: 16 }, (_, i) => ((i * (k + 3)) % 7) / 7);

  it('writes out-0.png, out-1.png for two image examples, overlaid and upscaled', async () => {
    const input = writeJson(dir, 'imgs.json', { shape: [2, 1, 4, 4], data: [...img(0), ...img(1)] });
    const r = await run(['attribute', '--model', graph, '--method', 'integrated-gradients', '--input', input, '--heatmap', join(dir, 'out.png'), '--out', join(dir, 'r.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const name of ['out-0.png', 'out-1.png']) {
      const png = pngSize(readFileSync(join(dir, name)));
      expect(png.width).toBe(128); // 4 px * 32
      expect(png.height).toBeGreaterThan(128);
    }
    expect(existsSync(join(dir, 'out.png'))).toBe(false);
  });

  it('writes exactly the given name for one example (single example without batch dim)', async () => {
    const input = writeJson(dir, 'img.json', [[img(2).slice(0, 4), img(2).slice(4, 8), img(2).slice(8, 12), img(2).slice(12)]]);
    const r = await run(['attribute', '--model', graph, '--method', 'saliency', '--input', input, '--heatmap', join(dir, 'one.png')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).shape).toEqual([1, 1, 4, 4]);
    expect(pngSize(readFileSync(join(dir, 'one.png'))).width).toBe(128);
  });

  it('draws a bar chart for 1-D inputs', async () => {
    const input = writeJson(dir, 'x.json', [CAPTUM.inputs[0]]);
    const r = await run(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', input, '--heatmap', join(dir, 'bars.png')]);
    expect(r.code).toBe(0);
    const png = pngSize(readFileSync(join(dir, 'bars.png')));
    expect(png.width).toBeGreaterThanOrEqual(6 * 3);
  });
});

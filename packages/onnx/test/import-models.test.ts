import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importOnnxModel, resolveLayerName } from '../src/import/index.js';
import { loadOnnxBytes } from '../src/load.js';
import { expectClose, expectMatchesOrt, runImported } from './helpers/import-check.js';
import { randomTensor } from './helpers/onnx-builder.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const recorded = JSON.parse(readFileSync(fixture('recorded-outputs.json'), 'utf8')) as Record<
  string,
  { inputs: unknown[]; outputs_float32: number[][] }
>;

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

function shapeOf(v: unknown): number[] {
  return Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : [];
}

describe.each(['tiny_additive', 'mlp_tabular', 'lenet_mnist'])('reference model %s', (name) => {
  it('imports to an IR graph whose reference forward matches the recorded PyTorch outputs (1e-5 rel)', async () => {
    const bytes = await loadOnnxBytes(fixture(`${name}.onnx`));
    const result = importOnnxModel(bytes, { source: `${name}.onnx` });
    expect(result.forwardOnly).toBe(false);
    expect(result.blockingOps).toEqual([]);
    expect(result.opset).toBe(13);
    expect(result.inputName).toBe('input');
    expect(result.outputName).toBe('output');
    expect(result.graph!.inputs[0]!.shape[0]).toBe(-1);
    const rec = recorded[name]!;
    const x = { shape: shapeOf(rec.inputs), data: Float32Array.from(flat(rec.inputs)) };
    const y = await runImported(result, x);
    expectClose(y, { shape: [rec.outputs_float32.length, rec.outputs_float32[0]!.length], data: Float32Array.from(flat(rec.outputs_float32)) });
  });

  it('matches ONNX Runtime on random inputs', async () => {
    const bytes = await loadOnnxBytes(new URL(`./fixtures/${name}.onnx`, import.meta.url));
    const rest = importOnnxModel(bytes).inputShape.slice(1);
    await expectMatchesOrt(bytes, randomTensor([5, ...rest], 7));
  });
});

describe('layer names', () => {
  it('accepts ONNX node names, tensor names and IR node names', async () => {
    const result = importOnnxModel(await loadOnnxBytes(fixture('lenet_mnist.onnx')));
    expect(resolveLayerName(result, '/conv1/Conv')).toBe('/conv1/Conv');
    expect(resolveLayerName(result, '/relu1/Relu_output_0')).toBe('/relu1/Relu');
    expect(resolveLayerName(result, 'output')).toBe('/fc2/Gemm');
    expect(() => resolveLayerName(result, 'nope')).toThrow(/unknown layer 'nope': not a node, tensor or PyTorch module name/);
  });
});

/**
 * TensorFlow.js graph models (tfjs-converter's "graph-model" model.json) in the CLI: detected by
 * content, inspected (kind, NHWC layout, TF node names as layers) and attributed on every adapter
 * with the same results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectClose, run, tempDir, writeJson } from './helpers.js';

const CONVNET = fileURLToPath(new URL('../../../tfjs/test/fixtures/graph-models/convnet/model.json', import.meta.url));

describe('glasswing with a TensorFlow.js graph model', () => {
  const dir = tempDir();
  const data = Array.from({ length: 9 * 9 * 3 }, (_, i) => Math.sin(i * 0.37));
  const input = writeJson(dir, 'x.json', { shape: [1, 9, 9, 3], data });

  it('inspect: kind tfjs-graph, NHWC image input, TF node names as layers', async () => {
    const r = await run(['inspect', '--model', CONVNET, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { kind: string; layout: string; inputShape: number[]; layers: { name: string; op: string }[] };
    expect(info.kind).toBe('tfjs-graph');
    expect(info.layout).toBe('NHWC');
    expect(info.inputShape).toEqual([9, 9, 3]);
    expect(info.layers.find((l) => l.name === 'block1/conv/Relu6')?.op).toBe('Clip');
  });

  it.each(['saliency', 'grad-cam'])('attribute %s: the same on reference, tfjs-cpu and onnx-node', async (method) => {
    const layer = method === 'grad-cam' ? ['--layer', 'block2/Relu'] : [];
    const results: number[][] = [];
    for (const adapter of ['reference', 'tfjs-cpu', 'onnx-node']) {
      const r = await run(['attribute', '--model', CONVNET, '--method', method, '--input', input, '--target', '2', '--adapter', adapter, ...layer, '--out', join(dir, `${method}-${adapter}.json`)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(readFileSync(join(dir, `${method}-${adapter}.json`), 'utf8')) as { attributions: unknown[]; adapter: string };
      expect(out.adapter).toBe(adapter);
      results.push((out.attributions[0] as unknown[]).flat(Infinity) as number[]);
    }
    expect(results[0]!.length).toBe(method === 'saliency' ? 9 * 9 * 3 : 9 * 9);
    expectClose(results[1]!, results[0]!, 1e-5);
    expectClose(results[2]!, results[0]!, 1e-5);
  });
});

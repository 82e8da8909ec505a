/**
 * `glasswing visualize` on the bundled demo CNN: the same seed gives agreeing results on every
 * adapter (reference executor as truth), for a linear objective (channels, one gradient call a
 * step) and a non-linear one (a channel plus batch diversity: activations + gradient a step);
 * dataset examples agree too; pictures are written; usage and typed errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GRAPH, expectClose, run, tempDir, writeJson } from './helpers.js';

const DEMO = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
const ADAPTERS = ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'];

interface Out {
  adapter: string;
  images: unknown[];
  value: number;
  history: number[];
  exemplars?: { channel: number; examples: { index: number; value: number; box?: unknown }[] }[];
}

describe('glasswing visualize', () => {
  const dir = tempDir();
  // 12 inputs: a smooth pattern per example
  const data = Array.from({ length: 12 * 400 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + Math.floor(i / 400)));
  const dataset = writeJson(dir, 'data.json', { shape: [12, 20, 20, 1], data });

  async function visualize(adapter: string, extra: string[], tag: string): Promise<Out> {
    const out = join(dir, `${tag}-${adapter}.json`);
    const model = tag === 'tabular' ? GRAPH : DEMO;
    const r = await run(['visualize', '--model', model, '--steps', '6', '--seed', '3', '--adapter', adapter, '--out', out, '--no-progress', ...extra]);
    expect(r.stderr).toMatch(new RegExp(`^visualize: .* on ${adapter}`));
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as Out;
  }

  const cases: [string, string[]][] = [
    ['linear', ['--layer', 'conv2', '--channel', '1,5', '--dataset', dataset, '--top-k', '3']],
    // 1-D input [6] (tiny_additive): pixel parametrization inside a per-feature box
    ['tabular', ['--layer', 'fc2', '--channel', '1', '--range', '{"lo":[-1,-2,0,-1,-1,-1],"hi":[1,2,1,0.5,1,3]}']],
    ['diversity', ['--layer', 'conv2', '--channel', '2', '--batch', '2', '--diversity', '2', '--param', 'pixel', '--l2', '0.01', '--transforms', 'none']],
  ];
  for (const [tag, extra] of cases) {
    it(`${tag}: every adapter agrees with the reference executor`, async () => {
      const ref = await visualize('reference', extra, tag);
      const refImages = ref.images.flat(Infinity) as number[];
      for (const adapter of ADAPTERS.slice(1)) {
        const o = await visualize(adapter, extra, tag);
        expect(o.adapter).toBe(adapter);
        expectClose(o.images.flat(Infinity) as number[], refImages, 2e-4);
        expectClose(o.history, ref.history, 2e-4);
        if (ref.exemplars) {
          expect(o.exemplars!.map((e) => e.examples.map((x) => [x.index, x.box]))).toEqual(ref.exemplars.map((e) => e.examples.map((x) => [x.index, x.box])));
          expectClose(o.exemplars!.flatMap((e) => e.examples.map((x) => x.value)), ref.exemplars.flatMap((e) => e.examples.map((x) => x.value)), 1e-4);
        }
      }
      if (tag === 'tabular') {
        const x = refImages;
        const [lo, hi] = [[-1, -2, 0, -1, -1, -1], [1, 2, 1, 0.5, 1, 3]];
        x.forEach((v, i) => expect(v > lo[i]! && v < hi[i]!).toBe(true));
      }
      // the optimisation made progress on the reference
      expect(ref.history[ref.history.length - 1]!).toBeGreaterThan(ref.history[0]!);
    }, 120_000);
  }

  it('writes the pictures and honours --help', async () => {
    const r = await run([
      'visualize', '--model', DEMO, '--layer', 'conv2', '--channel', '0,3', '--steps', '4', '--adapter', 'reference', '--no-progress',
      '--out', join(dir, 'p.json'), '--png', join(dir, 'g.png'), '--svg', join(dir, 'g.svg'), '--dataset', dataset, '--top-k', '2',
      '--exemplars-png', join(dir, 'e.png'), '--exemplars-svg', join(dir, 'e.svg'),
    ]);
    expect(r.code).toBe(0);
    for (const f of ['g.png', 'e.png']) expect(readFileSync(join(dir, f)).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(dir, 'g.svg'), 'utf8')).toMatch(/conv2 ch 3/);
    expect(readFileSync(join(dir, 'e.svg'), 'utf8')).toMatch(/<rect [^>]*stroke=/); // receptive-field boxes
    const h = await run(['visualize', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--objective <json \| file>/);
  });

  it('usage errors (exit 2) and typed errors (exit 1)', async () => {
    expect((await run(['visualize', '--model', DEMO, '--layer', 'conv2'])).code).toBe(2);
    expect((await run(['visualize', '--model', DEMO, '--layer', 'conv2', '--channel', '1', '--param', 'wavelet'])).code).toBe(2);
    const bad = await run(['visualize', '--model', DEMO, '--layer', 'conv2', '--channel', '8', '--adapter', 'reference', '--no-progress']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/channel 8 is out of range/);
    const unknown = await run(['visualize', '--model', DEMO, '--objective', '{"kind":"layer","layer":"nope"}', '--adapter', 'reference', '--no-progress']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nope/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});

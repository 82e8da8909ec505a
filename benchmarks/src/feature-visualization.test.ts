/** The feature-visualization benchmark runs end to end in quick mode (no timing assertion). */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureVisualizationBench, parseFvArgs, toFvMarkdown, type FvReport } from './feature-visualization.js';

describe('feature-visualization benchmark', () => {
  it('quick mode: runs on the adapters, agrees with the reference, writes JSON + markdown', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-fv-'));
    const { report, files } = await featureVisualizationBench({ quick: true, out, adapters: ['reference', 'tfjs-cpu', 'onnx-node', 'gpujs-cpu'] }, () => {});
    expect(report.results.map((r) => [r.adapter, r.status, r.steps])).toEqual(['reference', 'tfjs-cpu', 'onnx-node', 'gpujs-cpu'].map((a) => [a, 'ok', 8]));
    for (const r of report.results) {
      expect(r.modelCalls).toBe(9);
      expect(r.maxDiffToReference).toBeLessThan(1e-3);
    }
    expect(JSON.parse(await readFile(files[0]!, 'utf8')) as FvReport).toEqual(JSON.parse(JSON.stringify(report)));
    expect(await readFile(files[1]!, 'utf8')).toBe(toFvMarkdown(report));
  }, 120_000);

  it('full mode is 256 steps; options are parsed strictly', () => {
    expect(parseFvArgs([]).quick).toBe(false);
    expect(parseFvArgs(['--adapters', 'reference,onnx-web']).adapters).toEqual(['reference', 'onnx-web']);
    expect(() => parseFvArgs(['--adapters', 'nope'])).toThrow(/unknown adapter/);
    expect(() => parseFvArgs(['--steps'])).toThrow(/unknown option/);
  });
});

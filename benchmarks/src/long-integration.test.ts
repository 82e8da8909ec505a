/** The long-integration benchmark script runs end to end in quick mode (no timing or memory assertion). */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, longCases, longIntegration, parseLongArgs, toMarkdown, type LongReport } from './long-integration.js';

describe('long-integration benchmark', () => {
  it('runs its three cases in child processes (quick) and writes JSON + markdown', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-long-'));
    const { report, markdown, files } = await longIntegration({ quick: true, out }, () => {});
    expect(report.results.map((r) => [r.id, r.quadrature, r.steps])).toEqual(longCases(true).map((c) => [c.id, c.quadrature, c.steps]));
    for (const r of report.results) {
      // One forward on [x; x′], then ⌈steps·N / chunk⌉ gradient calls of the default chunk: 16,384
      // rows or the model's own maxRowsPerCall (onnx-node: 1,600 rows a session run).
      expect(r.modelMaxRowsPerCall, r.id).toBe(1600);
      const chunk = Math.min(16_384, r.modelMaxRowsPerCall!);
      expect(r.modelCalls, r.id).toBe(1 + Math.ceil((r.steps * EXAMPLES) / chunk));
      expect(r.maxRowsPerCall, r.id).toBe(Math.min(chunk, r.steps * EXAMPLES));
      expect(r.firstCallMs, r.id).toBeGreaterThanOrEqual(0);
      expect(r.firstGradientMs, r.id).toBeGreaterThan(r.firstCallMs);
      expect(r.peakRssMB, r.id).toBeGreaterThan(0);
      expect(r.maxAbsDelta, r.id).toBeLessThan(1e-3);
    }
    expect(report.rssRatio).toBeCloseTo(report.results[2]!.peakRssMB / report.results[1]!.peakRssMB, 10);
    expect(markdown).toContain('| gl-1e6 | gausslegendre | 10,000 |');
    expect(JSON.parse(await readFile(files[0]!, 'utf8')) as LongReport).toEqual(JSON.parse(JSON.stringify(report)));
    expect(await readFile(files[1]!, 'utf8')).toBe(toMarkdown(report));
    expect(path.basename(files[0]!)).toMatch(/^\d{4}-\d{2}-\d{2}-long-integration\.json$/);
  });

  it('full cases: 10⁶ Gauss–Legendre steps and 2·10³ vs 2·10⁶ Riemann steps; options parsed strictly', () => {
    expect(longCases(false).map((c) => c.steps)).toEqual([1_000_000, 2_000, 2_000_000]);
    expect(parseLongArgs(['--quick'])).toMatchObject({ quick: true });
    expect(parseLongArgs(['--out', 'x']).out).toBe(path.resolve('x'));
    expect(() => parseLongArgs(['--out'])).toThrow(/needs a value/);
    expect(() => parseLongArgs(['--reps'])).toThrow(/unknown option/);
  });
});

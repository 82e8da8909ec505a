/** The propagation-rule rows (LRP, DeepLIFT, Grad-CAM on LeNet) run on every adapter in quick mode. */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './adapters.js';
import { bench } from './cli.js';
import { ALGORITHM_ROWS, workloadsFor } from './workloads.js';

describe('rule-family benchmark rows', () => {
  it('lrp, deeplift and grad-cam on LeNet run on every adapter (batch 2, quick)', async () => {
    const rows = ALGORITHM_ROWS.filter((r) => ['lrp', 'deeplift', 'grad-cam'].includes(r.method) && r.model === 'lenet_mnist').map((r) => ({
      ...r,
      batch: 2,
    }));
    expect(rows.map((r) => r.method)).toEqual(['lrp', 'deeplift', 'grad-cam']);
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-'));
    const { report } = await bench({ quick: true, out }, workloadsFor(rows, ADAPTERS.map((a) => a.id)), () => {});
    expect(report.results.filter((r) => r.status !== 'ok').map((r) => [r.id, r.error])).toEqual([]);
    expect(report.results).toHaveLength(3 * ADAPTERS.length);
  }, 600_000);
});

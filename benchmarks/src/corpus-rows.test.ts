/**
 * The corpus' method ledger (corpus-rows.ts): what a resumed run keeps, what it runs again, and how
 * methods run with fewer steps (`--reduced`) are recorded and replaced.
 */
import { describe, expect, it } from 'vitest';
import { MethodLedger } from './corpus-rows.js';

const ALL = ['saliency', 'integrated-gradients', 'smoothgrad', 'lrp'];
const cut = { option: 'steps', value: 2, default: 50 };

describe('MethodLedger', () => {
  it('a --reduced run records the cut; another --reduced run keeps it; unfinished methods are listed as not run', () => {
    const first = new MethodLedger(undefined, true);
    first.finished('saliency');
    first.finished('integrated-gradients', cut);
    first.timedOut('smoothgrad');
    const row = first.methods(ALL);
    expect(row).toEqual({
      ok: ['integrated-gradients', 'saliency'],
      failed: [],
      skipped: [
        { id: 'smoothgrad', reason: 'over the time budget' },
        { id: 'lrp', reason: 'over the time budget' },
      ],
      reduced: [{ id: 'integrated-gradients', ...cut }],
    });
    const again = new MethodLedger(row, true);
    expect(ALL.filter((id) => again.done(id))).toEqual(['saliency', 'integrated-gradients']);
    expect(again.keptAny).toBe(true);
  });

  it('a default run runs a reduced method again: finished with defaults it replaces the cut, cut off by time it keeps it', () => {
    const row = { ok: ['integrated-gradients', 'saliency', 'smoothgrad'], failed: [], reduced: [{ id: 'integrated-gradients', ...cut }, { id: 'smoothgrad', ...cut, option: 'samples' }] };
    const full = new MethodLedger(row, false);
    expect(ALL.filter((id) => full.done(id))).toEqual(['saliency']);
    full.finished('integrated-gradients');
    full.timedOut('smoothgrad');
    full.finished('lrp');
    expect(full.methods(ALL)).toEqual({
      ok: ['integrated-gradients', 'lrp', 'saliency', 'smoothgrad'],
      failed: [],
      reduced: [{ id: 'smoothgrad', ...cut, option: 'samples' }],
    });
  });

  it('a real failure drops the kept result; a previous row with a failure keeps nothing', () => {
    const row = { ok: ['integrated-gradients', 'saliency'], failed: [], reduced: [{ id: 'integrated-gradients', ...cut }] };
    const full = new MethodLedger(row, false);
    full.failedWith('integrated-gradients', 'ResourceError: out of memory');
    const m = full.methods(ALL);
    expect(m.ok).toEqual(['saliency']);
    expect(m.failed).toEqual([{ id: 'integrated-gradients', error: 'ResourceError: out of memory' }]);
    expect(m.reduced).toBeUndefined();
    const broken = new MethodLedger(m, true);
    expect(broken.keptAny).toBe(false);
    expect(ALL.some((id) => broken.done(id))).toBe(false);
  });
});

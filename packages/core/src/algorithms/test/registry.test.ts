/**
 * METHODS is derived from the family indexes: every entry an algorithm file exports is
 * registered (so a forgotten index line fails here), the order is family then id, and two entries
 * with one id are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { collectMethods, isMethodSpec, METHOD_FAMILIES, METHODS, type MethodSpec } from '../registry.js';
import { spec } from '../_utils/method-spec.js';
import { inputMethod } from '../_utils/method-entries.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAMILIES = ['gradient', 'perturbation', 'rules', 'layer', 'neuron', 'global'];

/** Every non-test .ts file under a family folder, relative to algorithms/. */
function algorithmFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'index.ts') out.push(p);
    }
  };
  for (const f of FAMILIES) walk(path.join(here, '..', f));
  return out.sort();
}

const dummy = () => Promise.reject(new Error('not run'));

describe('METHODS registry (derived from the family indexes)', () => {
  it('registers every METHODS entry exported by an algorithm file, the same object', async () => {
    const registered = new Set(Object.values(METHODS));
    const found: string[] = [];
    for (const file of algorithmFiles()) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!isMethodSpec(value)) continue;
        found.push(value.id);
        expect(registered.has(value), `${path.relative(here, file)} exports ${name} ('${value.id}') but METHODS lacks it: export it from its family's index.ts`).toBe(true);
      }
    }
    expect(found.sort()).toEqual(Object.keys(METHODS).sort());
    expect(found.length).toBeGreaterThanOrEqual(29);
  });

  it('keys each entry by its id, in family order then id', () => {
    for (const [id, s] of Object.entries(METHODS)) expect(s.id).toBe(id);
    expect(METHOD_FAMILIES.map((f) => f.family)).toEqual(FAMILIES);
    expect(METHOD_FAMILIES.flatMap((f) => f.ids)).toEqual(Object.keys(METHODS));
    for (const f of METHOD_FAMILIES) expect([...f.ids]).toEqual([...f.ids].sort());
    expect(METHOD_FAMILIES.find((f) => f.family === 'gradient')!.ids).toContain('saliency');
    expect(METHOD_FAMILIES.find((f) => f.family === 'global')!.ids).toEqual([]);
    expect(Object.isFrozen(METHODS)).toBe(true);
  });

  it('every entry is a frozen, branded spec whose defaults name options it reads', () => {
    for (const s of Object.values(METHODS)) {
      expect(s.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(s.title.length).toBeGreaterThan(0);
      expect(Object.isFrozen(s)).toBe(true);
      for (const k of Object.keys(s.defaults)) expect(s.options, `${s.id} default ${k}`).toContain(k);
      expect(new Set(s.options).size).toBe(s.options.length);
    }
    expect(isMethodSpec({ ...METHODS['saliency']! })).toBe(false);
    expect(isMethodSpec(null)).toBe(false);
  });

  it('refuses two different entries with one id; the same entry exported twice is one', () => {
    const a = inputMethod('dup', 'A', ['target'], {}, dummy);
    const b = spec('dup', 'B', {}, ['target'], {}, dummy);
    expect(() => collectMethods({ one: { a }, two: { b } })).toThrow(InvalidArgumentError);
    expect(() => collectMethods({ one: { a }, two: { b } })).toThrow(/two METHODS entries have the id 'dup': one\/a and two\/b/);
    const { methods, families } = collectMethods({ one: { a, alias: a, other: 42 }, two: { a } });
    expect(Object.keys(methods)).toEqual(['dup']);
    expect(families).toEqual([
      { family: 'one', ids: ['dup'] },
      { family: 'two', ids: [] },
    ]);
    const c: MethodSpec = { ...a, id: 'plain' };
    expect(Object.keys(collectMethods({ one: { c } }).methods)).toEqual([]);
  });
});

/**
 * The method lists of README.md and packages/cli/README.md are generated from METHODS
 * (scripts/gen-method-docs.mjs): this fails when a committed doc is out of date.
 */
import { describe, expect, it } from 'vitest';
import { flagOf, generatedDocs, GENERATED_DOCS, renderMethodBlocks, replaceBlocks } from '../../../../../scripts/gen-method-docs.mjs';
import { METHOD_FAMILIES, METHODS } from '../registry.js';
import { layerMethod } from '../_utils/method-entries.js';

const FIX = 'run: pnpm --filter @glasswing/core build && node scripts/gen-method-docs.mjs';

describe('generated method docs', () => {
  it('the committed READMEs carry the lists generated from METHODS', () => {
    const docs = generatedDocs(METHODS, METHOD_FAMILIES);
    expect(docs.map((d) => d.rel).sort()).toEqual(Object.keys(GENERATED_DOCS).sort());
    for (const doc of docs) expect(doc.current, `${doc.rel} is out of date; ${FIX}`).toBe(doc.wanted);
  });

  it('every id appears with its title, needs, flags and defaults', () => {
    const blocks = renderMethodBlocks(METHODS, METHOD_FAMILIES);
    for (const [id, spec] of Object.entries(METHODS)) {
      expect(blocks['method-ids']).toContain(`\`${id}\``);
      const row = blocks['methods']!.split('\n').find((l) => l.includes(`| \`${id}\` |`));
      expect(row, id).toBeDefined();
      for (const o of spec.options) expect(row, `${id} ${o}`).toContain(flagOf(o));
    }
    const ig = blocks['methods']!.split('\n').find((l) => l.includes('| `integrated-gradients` |'))!;
    expect(ig).toBe(
      '| gradient | `integrated-gradients` | Integrated Gradients | gradients | `--target`, `--baseline=0`, `--steps=50`, `--quadrature=gausslegendre`, `--internal-batch-size` |',
    );
    expect(blocks['methods']).toContain('| layer | `layer-activation` | Layer activation | layers | `--layer` (required), `--internal-batch-size` |');
    expect(blocks['methods']).toContain('| forward only |');
    expect(flagOf('featureMask')).toBe('--feature-mask');
    expect(flagOf('baselines')).toBe('--baseline');
  });

  it('a new registry entry makes the committed docs stale', () => {
    const extra = layerMethod('layer-extra', 'Extra', ['layer'], {}, () => Promise.reject(new Error('not run')));
    const methods = { ...METHODS, [extra.id]: extra };
    const families = METHOD_FAMILIES.map((f) => (f.family === 'layer' ? { family: f.family, ids: [...f.ids, extra.id] } : f));
    const stale = generatedDocs(methods, families).filter((d) => d.current !== d.wanted);
    expect(stale.map((d) => d.rel).sort()).toEqual(Object.keys(GENERATED_DOCS).sort());
  });

  it('refuses a doc without its markers', () => {
    expect(() => replaceBlocks('no markers', ['methods'], { methods: 'x' }, 'X.md')).toThrow(/X\.md: no <!-- methods:start -->/);
    expect(replaceBlocks('a\n<!-- m:start -->\nold\n<!-- m:end -->\nb', ['m'], { m: 'new' })).toBe('a\n<!-- m:start -->\nnew\n<!-- m:end -->\nb');
  });
});

/** The method lists of `glasswing attribute --help` and the docs' flag names come from METHODS. */
import { METHODS, type MethodOptionName } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { flagOf } from '../../../../scripts/gen-method-docs.mjs';
import { ATTRIBUTE_FLAGS, attributeUsage } from '../commands/attribute.js';
import { HELP_INDENT, HELP_WIDTH, methodDefaults, methodsReading, methodTitles, usedBy, wrapped } from '../method-help.js';

const allOptions = [...new Set(Object.values(METHODS).flatMap((s) => s.options))] as MethodOptionName[];

describe('attribute --help method lists', () => {
  it('lists every method with its title and defaults', () => {
    const titles = methodTitles().split('\n');
    const defaults = methodDefaults().split('\n');
    expect(titles).toHaveLength(Object.keys(METHODS).length);
    Object.entries(METHODS).forEach(([id, spec], i) => {
      expect(titles[i]).toMatch(new RegExp(`^    ${id} +${spec.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      expect(defaults[i]).toMatch(new RegExp(`^    ${id} `));
    });
    expect(defaults.find((l) => l.trim().startsWith('integrated-gradients '))).toMatch(/steps=50, quadrature=gausslegendre, baselines=0$/);
    const help = attributeUsage();
    for (const id of Object.keys(METHODS)) expect(help).toContain(`    ${id} `);
  });

  it('each method-specific flag of the help names its readers from METHODS', () => {
    const help = attributeUsage();
    const generic = new Set(['target', 'baselines', 'internalBatchSize', 'layer']);
    for (const option of allOptions.filter((o) => !generic.has(o))) {
      const flag = flagOf(option);
      const entry = help.split('\n').findIndex((l) => l.startsWith(`  ${flag} `));
      expect(entry, flag).toBeGreaterThan(0);
      expect(help, flag).toContain(usedBy(option));
    }
  });

  it('names, per flag, exactly the methods that read the option', () => {
    for (const option of allOptions) {
      const ids = methodsReading(option);
      expect(ids.length, option).toBeGreaterThan(0);
      expect(ids).toEqual(Object.keys(METHODS).filter((id) => METHODS[id]!.options.includes(option)));
      const text = usedBy(option);
      const lines = text.split('\n').slice(1);
      for (const l of lines) {
        expect(l.length, l).toBeLessThanOrEqual(HELP_WIDTH);
        expect(l.startsWith(' '.repeat(HELP_INDENT))).toBe(true);
      }
      expect(lines.map((l) => l.trim()).join(' ')).toBe(`(used by ${ids.join(', ')})`);
    }
    expect(methodsReading('window')).toEqual(['occlusion']);
    expect(wrapped('a b', 4, 6)).toBe('\n    a\n    b');
  });

  it('every option a method reads has the CLI flag the generated docs name', () => {
    for (const option of allOptions) expect(Object.keys(ATTRIBUTE_FLAGS), option).toContain(flagOf(option).slice(2));
  });
});

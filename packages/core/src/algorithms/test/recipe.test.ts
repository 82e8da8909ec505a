/**
 * docs/adding-an-algorithm.md is executable: its `file=` code blocks (the example method, its test
 * and the family index line) are written into a temporary copy of packages/core, typechecked with
 * tsc, and the example's test runs there with vitest — together with the generic registry and
 * progress tests, which must pick the new method up. So the recipe cannot drift from the code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { METHODS } from '../registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const DOC = path.join(root, 'docs/adding-an-algorithm.md');
const CORE = 'packages/core';

export interface RecipeBlock {
  /** Repository-relative path the block is written to. */
  readonly file: string;
  /** Appended to the existing file (an index line) rather than creating it. */
  readonly append: boolean;
  readonly code: string;
}

/** The ```ts file=<path> [append] blocks of a markdown text, in order. */
export function recipeBlocks(markdown: string): RecipeBlock[] {
  const out: RecipeBlock[] = [];
  for (const m of markdown.matchAll(/^```ts file=(\S+)( append)?[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    out.push({ file: m[1]!, append: m[2] !== undefined, code: m[3]! });
  }
  return out;
}

/** Node, with the VITEST* variables of this run removed (the child is a fresh vitest). */
function runNode(args: string[], cwd: string): { status: number | null; output: string } {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'CI' && k !== 'FORCE_COLOR')), NO_COLOR: '1' };
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 110_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

/** A copy of packages/core (src, package.json, configs) with the recipe's blocks written in. */
function coreCopyWith(blocks: readonly RecipeBlock[]): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glasswing-recipe-'));
  temps.push(tmp);
  const core = path.join(tmp, CORE);
  fs.mkdirSync(core, { recursive: true });
  fs.cpSync(path.join(root, CORE, 'src'), path.join(core, 'src'), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'vitest.config.ts']) fs.copyFileSync(path.join(root, CORE, f), path.join(core, f));
  for (const f of ['tsconfig.base.json', 'vitest.shared.ts']) fs.copyFileSync(path.join(root, f), path.join(tmp, f));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  for (const b of blocks) {
    const dest = path.join(tmp, b.file);
    if (b.append) {
      expect(fs.existsSync(dest), `${b.file} (append) exists`).toBe(true);
      const before = fs.readFileSync(dest, 'utf8');
      fs.writeFileSync(dest, `${before.endsWith('\n') ? before : `${before}\n`}${b.code}`);
    } else {
      expect(fs.existsSync(dest), `${b.file} is new`).toBe(false);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, b.code);
    }
  }
  return core;
}

describe('docs/adding-an-algorithm.md', () => {
  const blocks = recipeBlocks(fs.readFileSync(DOC, 'utf8'));
  const method = blocks.find((b) => !b.append && !b.file.endsWith('.test.ts'));
  const test = blocks.find((b) => b.file.endsWith('.test.ts'));
  const index = blocks.find((b) => b.append);
  const id = /readonly id = '([a-z0-9-]+)'/.exec(method?.code ?? '')?.[1];

  it('has the example method file, its test and one index line, for a method not in METHODS', () => {
    expect(blocks.map((b) => b.file)).toHaveLength(3);
    expect(method?.file).toMatch(/^packages\/core\/src\/algorithms\/(gradient|perturbation|rules|layer|neuron|global)\/[a-z0-9-]+\.ts$/);
    expect(test?.file).toBe(method!.file.replace(/\.ts$/, '.test.ts'));
    expect(index?.file).toBe(path.posix.join(path.posix.dirname(method!.file), 'index.ts'));
    expect(index!.code.trim().split('\n')).toHaveLength(1);
    expect(id).toBeDefined();
    expect(Object.keys(METHODS)).not.toContain(id);
    expect(recipeBlocks('```ts file=a/b.ts append\nx\n```\n')).toEqual([{ file: 'a/b.ts', append: true, code: 'x\n' }]);
  });

  it('adding its blocks to a copy of core typechecks, registers the method and passes the tests', () => {
    const core = coreCopyWith(blocks);
    const rel = (f: string) => path.relative(CORE, f);
    // Typecheck the new files and everything they import (the family index and registry included).
    fs.writeFileSync(
      path.join(core, 'tsconfig.recipe.json'),
      JSON.stringify({ extends: './tsconfig.json', include: [], files: [rel(method!.file), rel(test!.file), 'src/algorithms/index.ts'] }),
    );
    const tsc = runNode([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.recipe.json', '--noEmit', '--pretty', 'false'], core);
    // Errors in the recipe's files fail here; any elsewhere in core fail core's own typecheck.
    const ours = new Set(blocks.map((b) => rel(b.file)));
    const errors = tsc.output.split('\n').filter((l) => / error TS\d+:/.test(l));
    expect(errors.filter((l) => ours.has(l.split('(')[0]!)), 'tsc errors in the recipe').toEqual([]);
    if (tsc.status !== 0) expect(errors.length, tsc.output).toBeGreaterThan(0);
    // The example's test, plus the generic tests that must pick the new method up.
    fs.writeFileSync(
      path.join(core, 'src/algorithms/test/recipe-registered.test.ts'),
      `import { expect, it } from 'vitest';
import { METHOD_FAMILIES, METHODS } from '../registry.js';
it('registers ${id}', () => {
  expect(METHODS['${id}']?.id).toBe('${id}');
  expect(METHOD_FAMILIES.find((f) => f.family === '${path.posix.basename(path.posix.dirname(method!.file))}')?.ids).toContain('${id}');
});
`,
    );
    const files = [rel(test!.file), 'src/algorithms/test/recipe-registered.test.ts', 'src/algorithms/test/registry.test.ts', 'src/algorithms/test/progress.test.ts'];
    const vitest = runNode([path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=verbose', ...files], core);
    expect(vitest.status, vitest.output).toBe(0);
    expect(vitest.output).toMatch(new RegExp(`Test Files +${files.length} passed`));
    expect(vitest.output).toContain(`registers ${id}`);
    // the generic progress test ran the new entry too
    expect(vitest.output).toMatch(new RegExp(`progress totals .*> ${id} > predicted class`));
  });
});

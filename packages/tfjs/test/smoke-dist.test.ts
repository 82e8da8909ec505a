/**
 * Runs scripts/smoke.mjs in a plain Node process against the built dist (tfjs-core as plain Node
 * loads it: the CommonJS bundle without registered gradients). Needs a build first
 * (`pnpm build` / `npx tsc -p tsconfig.build.json`); skipped when dist/ is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(`${root}dist/index.js`) && existsSync(fileURLToPath(new URL('../../core/dist/index.js', import.meta.url)));

it.skipIf(!built)('built package works from plain Node on cpu and wasm (scripts/smoke.mjs)', () => {
  const r = spawnSync(process.execPath, ['scripts/smoke.mjs'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr + r.stdout).toMatch(/smoke ok on cpu/);
  expect(r.stdout).toMatch(/smoke ok on wasm/);
  expect(r.status).toBe(0);
});

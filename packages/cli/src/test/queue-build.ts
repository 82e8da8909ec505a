/**
 * The CLI compiled for the process tests into its own folder (packages/cli/node_modules/
 * .glasswing-queue-test/), so that building here never races bin.test.ts rewriting dist/. Bare
 * imports resolve from packages/cli/node_modules as they do for dist/; the workspace packages must
 * have dist/ (`pnpm build`), and are built here where missing, as bin.test.ts does. A build newer
 * than every source file is reused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('../../', import.meta.url));

function tsc(dir: string, extra: string[] = []): void {
  const bin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [bin, '-p', 'tsconfig.build.json', ...extra], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`building ${dir} failed (try \`pnpm build\`):\n${r.stdout}${r.stderr}`);
}

/** Path of the compiled CLI entry (bin.js) to run with node. */
export function buildCliForTest(): string {
  for (const dep of ['core', 'viz', 'tfjs', 'onnx', 'gpujs']) {
    const dir = join(PKG, '..', dep);
    if (!existsSync(join(dir, 'dist', 'index.js')) || !existsSync(join(dir, 'dist', 'index.d.ts'))) tsc(dir);
  }
  const out = join(PKG, 'node_modules', '.glasswing-queue-test');
  mkdirSync(out, { recursive: true });
  // Below a node_modules folder Node does not look further up for "type": "module".
  writeFileSync(join(out, 'package.json'), '{ "type": "module", "private": true }\n');
  const entry = join(out, 'bin.js');
  if (existsSync(entry) && newestSource(join(PKG, 'src')) < statSync(entry).mtimeMs) return entry;
  tsc(PKG, ['--outDir', out, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false']);
  return entry;
}

/** Latest modification time of the compiled sources (tests excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'test') newest = Math.max(newest, newestSource(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

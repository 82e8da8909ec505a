#!/usr/bin/env node
// Adds up the per-package vitest JSON reports written in CI and prints one closing line:
// "Tests: N passed, N failed, N skipped". Exits non-zero when any test failed or none ran.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'apps', '.'];
const dirs = new Set();
for (const root of roots) {
  if (root === '.') {
    dirs.add('benchmarks');
    continue;
  }
  if (!existsSync(root)) continue;
  for (const d of readdirSync(root)) dirs.add(join(root, d));
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of [...dirs].sort()) {
  const file = join(dir, '.vitest-results.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${dir}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

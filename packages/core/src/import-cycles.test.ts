import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const script = path.join(root, 'scripts/import-cycles.mjs');

describe('import graph', () => {
  it('has no import cycles in any package source tree', () => {
    const dirs = fs
      .readdirSync(path.join(root, 'packages'))
      .map((p) => path.join(root, 'packages', p, 'src'))
      .filter((d) => fs.existsSync(d));
    const out = execFileSync('node', [script, ...dirs], { cwd: root, encoding: 'utf8' });
    expect(out).toMatch(/ 0 import cycle\(s\)/);
  });

  it('the checker reports a cycle when there is one', () => {
    const dir = fs.mkdtempSync(path.join(root, 'node_modules', '.cycle-check-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = 1 + b;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a.js';\nexport const b = 2;\nexport type A = typeof a;\n");
      let status = 0;
      let out = '';
      try {
        execFileSync('node', [script, dir], { cwd: root, encoding: 'utf8' });
      } catch (e) {
        status = (e as { status: number }).status;
        out = String((e as { stdout: string }).stdout);
      }
      expect(status).toBe(1);
      expect(out).toMatch(/cycle \(2 files\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Non-finite numbers at the CLI: an input or baseline file holding a value JSON parses to
 * ±Infinity (1e400), a NaN token, a CSV cell 'NaN' / 'Infinity' → one-line error naming the file
 * and the place, exit code 1 (like every other input-file format error), never a NaN map.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv.js';
import { CAPTUM, GRAPH, run, tempDir, writeJson } from './helpers.js';

const dir = tempDir();
const good = writeJson(dir, 'x.json', { shape: [2, 6], data: [...CAPTUM.inputs[0]!, ...CAPTUM.inputs[1]!] });

function raw(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function expectOneLineError(argv: string[], pattern: RegExp): Promise<void> {
  const r = await run(argv);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^glasswing: error: .*\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('glasswing attribute with non-finite numbers', () => {
  it('an input value of 1e400 (Infinity once parsed) names the file and the element', async () => {
    const inf = raw('inf.json', '[[1, 2, 3, 1e400, 5, 6]]');
    await expectOneLineError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', inf], /input file .*inf\.json.*\[0\]\[3\] is not a finite number \(Infinity\)/);
    const neg = raw('neg.json', '{"shape": [1, 6], "data": [1, 2, 3, 4, 5, -1e999]}');
    await expectOneLineError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', neg], /neg\.json.*\[5\] is not a finite number \(-Infinity\)/);
  });
  it('a NaN token is not JSON: the file is named', async () => {
    const nan = raw('nan.json', '[[1, 2, NaN, 4, 5, 6]]');
    await expectOneLineError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', nan], /input file .*nan\.json' is not valid JSON/);
  });
  it('a baseline file with Infinity', async () => {
    const b = raw('b.json', '[0, 0, 1e400, 0, 0, 0]');
    await expectOneLineError(['attribute', '--model', GRAPH, '--method', 'integrated-gradients', '--input', good, '--baseline', b], /baseline file .*b\.json.*\[2\] is not a finite number/);
  });
});

describe('CSV cells', () => {
  it.each(['NaN', 'Infinity', '-Infinity', '1e400', 'nan'])('%s → InvalidArgumentError naming line and column', (cell) => {
    expect(() => parseCsv(`a,b\n1,2\n3,${cell}\n`, "data file 'd.csv'")).toThrow(new RegExp(`data file 'd\\.csv': line 3, column 2 \\('b'\\): '${cell}' is not a finite number`));
  });
});

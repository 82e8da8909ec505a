/** `glasswing importance`: CSV parsing, labels, metrics, progress on stderr, errors. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlation, createReferenceModel, graphFromJSON, permutationImportance, tensor } from '@glasswing/core';
import { runCli } from '../cli.js';
import { parseCsv } from '../csv.js';
import { GRAPH, run, tempDir } from './helpers.js';

const dir = tempDir();
const M = 24;
const rows = Array.from({ length: M }, (_, i) => Array.from({ length: 6 }, (_, j) => Number((Math.sin(i * 6 + j + 1) * 2).toFixed(3))));
const model = createReferenceModel(graphFromJSON(JSON.parse(readFileSync(GRAPH, 'utf8'))));

async function predicted(): Promise<number[]> {
  const out = await model.forward(tensor(rows.flat(), [M, 6]));
  return rows.map((_, i) => (out.data[2 * i]! >= out.data[2 * i + 1]! ? 0 : 1));
}

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Out {
  metric: string;
  baselineScore: number;
  repeats: number;
  seed: number;
  rows: number;
  outputs: number;
  features: { name: string; importanceMean: number; importanceStd: number; importances: number[]; pearson: (number | null)[]; spearman: (number | null)[] }[];
}

describe('glasswing importance', () => {
  it('label column by name; results equal the library; plain final line on a non-TTY stderr', async () => {
    const labels = await predicted();
    const header = 'a,b,c,d,e,f,label';
    const data = write('data.csv', [header, ...rows.map((r, i) => [...r, labels[i]].join(','))].join('\n') + '\n');
    // --adapter reference: the library results below are computed on the reference executor.
    const r = await run(['importance', '--model', GRAPH, '--data', data, '--labels', 'label', '--repeats', '3', '--seed', '4', '--adapter', 'reference']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.metric).toBe('accuracy');
    expect(out.baselineScore).toBe(1);
    expect(out.features.map((f) => f.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(out.rows).toBe(M);
    const x = tensor(rows.flat(), [M, 6]);
    const lib = await permutationImportance(model, { data: x, labels, nRepeats: 3, seed: 4 });
    const corr = await correlation(model, { data: x });
    out.features.forEach((f, j) => {
      expect(f.importances).toEqual(Array.from(lib.importances.subarray(j * 3, j * 3 + 3)));
      expect(f.importanceMean).toBe(lib.importancesMean[j]);
      expect(f.importanceStd).toBe(lib.importancesStd[j]);
      expect(f.pearson).toEqual(corr.pearson[j]);
      expect(f.spearman).toEqual(corr.spearman[j]);
    });
    expect(r.stderr).toMatch(/^importance: 6 features, 24 rows, \d+ model calls, [\d.]+ s on reference\n$/);
    expect(r.stderr).not.toContain('\r');
  });

  it('labels file, no header, --metric loss, --out; a progress bar on a TTY', async () => {
    const labels = await predicted();
    const data = write('nohead.csv', rows.map((r) => r.join(',')).join('\r\n'));
    const lab = write('labels.csv', 'y\n' + labels.join('\n'));
    const outFile = join(dir, 'o', 'imp.json');
    let stderr = '';
    let stdout = '';
    const code = await runCli(['importance', '--model', GRAPH, '--data', data, '--labels', lab, '--metric', 'loss', '--out', outFile], {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      stderrIsTTY: true,
    });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const out = JSON.parse(readFileSync(outFile, 'utf8')) as Out;
    expect(out.metric).toBe('loss');
    expect(out.baselineScore).toBeGreaterThan(0);
    expect(out.features.map((f) => f.name)).toEqual(['col0', 'col1', 'col2', 'col3', 'col4', 'col5']);
    expect(out.features[0]!.importances).toHaveLength(5);
    // the bar (cli-progress: cursor to column 1, the line, clear to its right), with an ETA
    expect(stderr).toMatch(/\x1b\[1Gimportance \[#*-*\] +\d+% \d+\/\d+ calls, ETA (--|\d+s)\x1b\[0K/);
    expect(stderr).toMatch(/100% (\d+)\/\1 calls, ETA 0s/);
    // the bar line is cleared and replaced by the summary, which names the default adapter
    expect(stderr).toMatch(/\x1b\[2Kimportance: 6 features, 24 rows, \d+ model calls, [\d.]+ s on \S+ \(default: fastest installed[^)]*\)\n$/);
  });

  it.each([
    ['a,b\n1,x\n', /line 2, column 2 \('b'\): 'x' is not a finite number/, 1],
    ['1,2,3\n4,5\n', /line 2 has 2 columns, expected 3/, 1],
    ['a,b,c,d,e,f\n', /header but no data rows/, 1],
    ['', /is empty/, 1],
  ] as const)('CSV error %j', async (text, msg, code) => {
    const data = write('bad.csv', text);
    const lab = write('lab1.csv', '0\n1\n');
    const r = await run(['importance', '--model', GRAPH, '--data', data, '--labels', lab]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
  });

  it('usage and shape errors', async () => {
    const data = write('d2.csv', 'a,b,c,d,e,f\n' + rows.map((r) => r.join(',')).join('\n'));
    const cases: Array<[string[], number, RegExp]> = [
      [['--data', data], 2, /missing required option --model/],
      [['--model', GRAPH, '--data', data, '--labels', 'zzz'], 2, /neither a file nor a column of the data header \(a, b, c, d, e, f\)/],
      [['--model', GRAPH, '--data', data, '--labels', 'a'], 1, /5 feature columns but the model input \[6\] has 6 values/],
      [['--model', GRAPH, '--data', data, '--labels', write('l3.csv', '0\n1\n'), '--metric', 'f1'], 2, /--metric must be one of accuracy, loss/],
      [['--model', GRAPH, '--data', data, '--labels', write('l4.csv', '0\n1\n')], 1, /labels file .* has 2 rows but the data has 24/],
      [['--model', GRAPH, '--data', data, '--labels', write('l5.csv', Array(24).fill(3).join('\n'))], 1, /label 0 \(3\) is not a class index in \[0, 2\)/],
      [['--model', GRAPH, '--data', data, '--labels', 'x', '--repeats', '0'], 2, /--repeats must be at least 1/],
      [['--model', GRAPH, '--data', data, '--labels', 'x', '--bogus', '1'], 2, /unknown option '--bogus'/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await run(['importance', ...args]);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
    const help = await run(['importance', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: glasswing importance');
  });

  it('parseCsv: header detection, quoted names, blank lines', () => {
    const c = parseCsv('"x 1",y\n\n1,2\n3e0,-4.5\n', 't');
    expect(c.columns).toEqual(['x 1', 'y']);
    expect(c.hasHeader).toBe(true);
    expect(Array.from(c.data)).toEqual([1, 2, 3, -4.5]);
    expect(() => parseCsv('a,a\n1,2', 't')).toThrow(/twice/);
    expect(() => parseCsv('1,NaN\n', 't')).toThrow(/not a finite number/);
  });
});

/**
 * `glasswing surrogate` and `glasswing rules` on the tabular demo model (apps/demo/credit): its
 * documented accuracy on every adapter, the surrogate's fidelity and rules, anchors, agreement of
 * every adapter with the reference executor, pictures, usage errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, tempDir, writeJson } from './helpers.js';

const CREDIT = fileURLToPath(new URL('../../../../apps/demo/credit/', import.meta.url));
const MODEL = join(CREDIT, 'model.json');
const DATA = join(CREDIT, 'data.csv');
const LABELS = join(CREDIT, 'labels.csv');
const META = JSON.parse(readFileSync(join(CREDIT, 'meta.json'), 'utf8')) as { features: string[]; sample: { accuracy: number } };
const ADAPTERS = ['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'];
const dir = tempDir();

interface SurrogateOut {
  task: string;
  rows: number;
  trainRows: number;
  holdoutRows: number;
  fidelity: { metric: string; train: number; holdout: number | null };
  features: { name: string; impurity: number; permutationMean: number | null }[];
  tree: { depth: number; leaves: number; nodes: { feature: number; featureName: string | null; threshold: number }[] };
  rules: { text: string; support: number; className?: string; confidence?: number }[];
}

async function surrogate(adapter: string, extra: string[] = []): Promise<{ out: SurrogateOut; stderr: string }> {
  const r = await run(['surrogate', '--model', MODEL, '--data', DATA, '--max-depth', '3', '--min-leaf', '20', '--classes', 'deny,approve', '--repeats', '2', '--adapter', adapter, ...extra]);
  expect(r.code).toBe(0);
  return { out: JSON.parse(r.stdout) as SurrogateOut, stderr: r.stderr };
}

async function accuracy(adapter: string): Promise<number> {
  const r = await run(['importance', '--model', MODEL, '--data', DATA, '--labels', LABELS, '--repeats', '1', '--adapter', adapter]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { baselineScore: number }).baselineScore;
}

describe('tabular demo model (apps/demo/credit)', () => {
  it.each(['reference', ...ADAPTERS])('%s loads it and reaches the accuracy meta.json documents on data.csv', async (adapter) => {
    expect(META.sample.accuracy).toBeGreaterThan(0.88);
    expect(await accuracy(adapter)).toBeCloseTo(META.sample.accuracy, 2);
  });
});

describe('glasswing surrogate', () => {
  it('fits the credit model with high fidelity; the rules use the features of the generating rule', async () => {
    const rules = join(dir, 'rules.md');
    const png = join(dir, 'tree.png');
    const { out, stderr } = await surrogate('reference', ['--rules', rules, '--png', png, '--svg', join(dir, 'tree.svg'), '--rules-png', join(dir, 'rules.png'), '--rules-svg', join(dir, 'rules.svg')]);
    expect(stderr).toMatch(/^surrogate: depth 3, \d+ leaves, \d+ rules, fidelity agreement 0\.\d+ on 250 held-out rows, 1 model calls, [\d.]+ s on reference\n$/);
    expect(out.rows).toBe(1000);
    expect([out.trainRows, out.holdoutRows]).toEqual([750, 250]);
    expect(out.fidelity.metric).toBe('agreement');
    expect(out.fidelity.holdout!).toBeGreaterThan(0.9);
    // The label rule uses income, debt_ratio, late_payments and savings only: the others never split.
    const unused = ['age', 'years_employed', 'credit_lines', 'home_owner'];
    for (const f of out.features) if (unused.includes(f.name)) expect([f.name, f.impurity, f.permutationMean]).toEqual([f.name, 0, 0]);
    expect(out.tree.nodes[0]!.featureName).toBe('late_payments');
    expect(out.rules.reduce((s, r) => s + r.support, 0)).toBe(750);
    expect(out.rules[0]!.text).toMatch(/^IF .*late_payments ≤ 1\.5.* THEN approve \(support \d+ = [\d.]+%, confidence [\d.]+%\)$/);
    const md = readFileSync(rules, 'utf8').split('\n');
    expect(md[0]).toBe('| # | IF | THEN | support | confidence |');
    expect(md.length).toBe(out.rules.length + 3);
    expect(Array.from(readFileSync(png).subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    expect(readFileSync(join(dir, 'tree.svg'), 'utf8')).toContain('late_payments ≤ 1.5');
    expect(readFileSync(join(dir, 'rules.svg'), 'utf8')).toContain('approve');
  });

  it.each(ADAPTERS)('%s gives the reference tree, rules and fidelity', async (adapter) => {
    const want = (await surrogate('reference')).out;
    const got = (await surrogate(adapter)).out;
    expect(got.rules).toEqual(want.rules);
    expect(got.fidelity).toEqual(want.fidelity);
    expect(got.features).toEqual(want.features);
  });

  it('regression on one output (the approve logit) reports R²; JSON data works like CSV', async () => {
    const rows = readFileSync(DATA, 'utf8').trim().split('\n').slice(1, 301).map((l) => l.split(',').map(Number));
    const json = writeJson(dir, 'data.json', rows);
    const r = await run(['surrogate', '--model', MODEL, '--data', json, '--task', 'regression', '--output', '1', '--max-depth', '2', '--features', META.features.join(','), '--adapter', 'reference', '--repeats', '0']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SurrogateOut;
    expect(out.fidelity.metric).toBe('r2');
    expect(out.fidelity.holdout!).toBeGreaterThan(0.3);
    expect(out.features.every((f) => f.permutationMean === null)).toBe(true);
    expect(out.rules[0]!.text).toMatch(/ THEN -?[\d.]+ ± [\d.]+ \(support/);
  });

  it('--progress on a non-TTY stderr: plain bar lines, then the summary line', async () => {
    const r = await run(['surrogate', '--model', MODEL, '--data', DATA, '--max-depth', '2', '--adapter', 'reference', '--progress']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\x1b/);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^surrogate \[[#-]+\] +\d+% \d+\/\d+ calls/);
    expect(lines.at(-1)).toMatch(/^surrogate: depth 2, /);
    const a = await run(['rules', '--model', MODEL, '--data', DATA, '--example', '2', '--adapter', 'reference', '--progress']);
    expect(a.code).toBe(0);
    expect(a.stderr.trim().split('\n')[0]).toMatch(/^rules \[[#-]+\] +\d+% \d+\/\d+ calls/);
  });

  it('usage errors exit 2 and name the problem; --help documents the flags', async () => {
    const bad = async (args: string[], msg: RegExp) => {
      const r = await run(['surrogate', '--model', MODEL, '--data', DATA, '--adapter', 'reference', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
    };
    await bad(['--features', 'a,b'], /--features names 2 features but the model input has 8/);
    await bad(['--classes', 'a,b,c'], /--classes names 3 classes but the model has 2/);
    await bad(['--holdout', '1'], /--holdout must be in \[0, 1\)/);
    await bad(['--max-depth', '-1'], /max-depth/);
    await bad(['--output', '1'], /--output needs --task regression/);
    await bad(['--task', 'regression', '--criterion', 'gini'], /criterion 'gini' does not fit a regression tree/);
    expect((await run(['surrogate', '--model', MODEL])).stderr).toMatch(/missing required option --data/);
    const short = writeJson(dir, 'short.csv', 'a,b\n1,2\n3,4\n');
    const r = await run(['surrogate', '--model', MODEL, '--data', short, '--adapter', 'reference']);
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/has 2 values per row but the model input \[8\] has 8/)]);
    const help = await run(['surrogate', '--help']);
    for (const flag of ['--max-depth', '--min-leaf', '--holdout', '--rules', '--png', '--task']) expect(help.stdout).toContain(flag);
  });
});

interface AnchorOut {
  example: { index: number | null; values: Record<string, number> };
  prediction: number;
  className: string | null;
  text: string;
  anchor: { name: string; kind: string; lower?: number; upper?: number }[];
  precision: number;
  coverage: number;
  satisfied: boolean;
  samples: number;
  modelCalls: number;
}

async function anchor(adapter: string, extra: string[] = []): Promise<AnchorOut> {
  const r = await run(['rules', '--model', MODEL, '--data', DATA, '--example', '2', '--classes', 'deny,approve', '--seed', '1', '--adapter', adapter, ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as AnchorOut;
}

describe('glasswing rules (anchors)', () => {
  it('anchors a clear approval (income 180, no late payments) on income and late payments, precision ≥ 0.95', async () => {
    const out = await anchor('reference');
    expect(out.example.values['income']).toBe(180);
    expect(out.className).toBe('approve');
    expect(out.satisfied).toBe(true);
    expect(out.precision).toBeGreaterThanOrEqual(0.95);
    const names = out.anchor.map((p) => p.name);
    expect(names).toContain('income');
    expect(names.every((n) => ['income', 'debt_ratio', 'late_payments', 'savings'].includes(n))).toBe(true);
    expect(out.coverage).toBeGreaterThan(0);
    expect(out.text).toMatch(/^IF .* THEN approve$/);
  });

  it.each(['tfjs-wasm', 'onnx-node'])('%s gives the reference anchor', async (adapter) => {
    expect(await anchor(adapter)).toEqual(await anchor('reference'));
  });

  it('--input explains an example given as JSON; usage errors exit 2', async () => {
    const x = writeJson(dir, 'x.json', [180, 0.25, 36, 5, 0, 3, 1, 50]);
    const r = await run(['rules', '--model', MODEL, '--data', DATA, '--input', x, '--seed', '1', '--adapter', 'reference']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as AnchorOut;
    expect(out.example.index).toBeNull();
    expect(out.text).toBe((await anchor('reference')).text.replace('approve', 'class 1'));
    const bad = async (args: string[], msg: RegExp) => {
      const b = await run(['rules', '--model', MODEL, '--data', DATA, '--adapter', 'reference', ...args]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(msg);
    };
    await bad([], /exactly one of --example/);
    await bad(['--example', '1', '--input', x], /exactly one of --example/);
    await bad(['--example', '1000'], /--example 1000 is not a row of the data \(it has 1000 rows/);
    await bad(['--example', '1', '--precision', '1.5'], /--precision must be in \(0, 1\]/);
    await bad(['--example', '1', '--categorical', 'nope'], /--categorical 'nope'/);
    const help = await run(['rules', '--help']);
    for (const flag of ['--example', '--input', '--precision', '--bins', '--categorical']) expect(help.stdout).toContain(flag);
  });
});

describe('glasswing report: surrogate section', () => {
  it('a tabular model with a dataset gets the "Surrogate tree and rules" section with both pictures', async () => {
    const rows = readFileSync(DATA, 'utf8').trim().split('\n').slice(1, 201).map((l) => l.split(',').map(Number));
    const data = writeJson(dir, 'report-data.json', rows);
    const x = writeJson(dir, 'report-x.json', rows.slice(0, 2));
    const out = join(dir, 'credit.html');
    const r = await run(['report', '--model', MODEL, '--input', x, '--data', data, '--methods', 'saliency', '--feature-names', META.features.join(','), '--adapter', 'reference', '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const at = html.indexOf('id="surrogate"');
    expect(at).toBeGreaterThan(0);
    const body = html.slice(at, html.indexOf('</section>', at));
    expect(body).toContain('Surrogate tree and rules');
    expect(body).toMatch(/150 rows fit, 50 held out\. Fidelity \(agreement with the model\) on the held-out rows: [\d.]+%/);
    expect(body.match(/<img /g)!.length).toBe(2);
    expect(body).toContain('<td>late_payments</td>');
    // Two examples only (no --data): a note instead of a tree.
    const few = join(dir, 'few.html');
    expect((await run(['report', '--model', MODEL, '--input', x, '--methods', 'saliency', '--adapter', 'reference', '--out', few, '--no-progress'])).code).toBe(0);
    expect(readFileSync(few, 'utf8')).toContain('A surrogate tree needs at least 8 dataset rows; the report has 2');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METHODS } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { CAPTUM, GRAPH, TFJS, run, tempDir, writeJson } from './helpers.js';

const dir = tempDir();
const good = writeJson(dir, 'x.json', { shape: [2, 6], data: [...CAPTUM.inputs[0]!, ...CAPTUM.inputs[1]!] });
const base = (extra: string[] = []) => ['attribute', '--model', GRAPH, '--method', 'saliency', '--input', good, ...extra];

async function expectError(argv: string[], code: number, pattern: RegExp): Promise<string> {
  const r = await run(argv);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(code);
  const lines = r.stderr.split('\n');
  expect(lines).toHaveLength(2); // one line + trailing newline
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^glasswing: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('help and version', () => {
  it('prints usage with --help and lists every method of the registry', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: glasswing <command>/);
    const sub = await run(['attribute', '--help']);
    expect(sub.code).toBe(0);
    for (const id of Object.keys(METHODS)) expect(sub.stdout).toContain(id);
    expect(sub.stderr).toBe('');
  });
  it('prints the package version with --version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('usage errors (exit code 2)', () => {
  it('no command, unknown command, unknown flag', async () => {
    await expectError([], 2, /missing command/);
    await expectError(['explain'], 2, /unknown command 'explain'/);
    await expectError(base(['--colour', 'red']), 2, /unknown option '--colour'/);
    await expectError(['--frobnicate'], 2, /unknown option/);
  });
  it('unknown method lists the valid ids', async () => {
    const line = await expectError(['attribute', '--model', GRAPH, '--method', 'lrp-magic', '--input', good], 2, /unknown method 'lrp-magic'/);
    for (const id of Object.keys(METHODS)) expect(line).toContain(id);
  });
  it('unknown adapter and quadrature', async () => {
    await expectError(base(['--adapter', 'onnx-gpu']), 2, /--adapter must be one of reference, tfjs-cpu, tfjs-wasm/);
    await expectError(base(['--quadrature', 'simpson']), 2, /--quadrature/);
  });
  it('non-numeric and out-of-range flag values', async () => {
    await expectError(base(['--steps', 'abc']), 2, /--steps must be an integer/);
    await expectError(base(['--steps', '0']), 2, /--steps must be at least 1/);
    await expectError(base(['--stdev', 'x1']), 2, /--stdev must be a number/);
    await expectError(base(['--abs', 'yes']), 2, /--abs must be 'true' or 'false'/);
    await expectError(base(['--target', 'cat']), 2, /--target must be/);
    await expectError(base(['--target', '-1']), 2, /--target must be/);
  });
  it('missing required options and values, repeated options, stray arguments', async () => {
    await expectError(['attribute', '--model', GRAPH, '--input', good], 2, /missing required option --method/);
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input'], 2, /'--input' needs a value/);
    await expectError(base(['--target', '0', '--target', '1']), 2, /given more than once/);
    await expectError(base(['extra']), 2, /unexpected argument 'extra'/);
  });
});

describe('runtime errors (exit code 1)', () => {
  it('missing model and input files', async () => {
    await expectError(['attribute', '--model', join(dir, 'nope.json'), '--method', 'saliency', '--input', good], 1, /cannot read model file .*nope\.json.*no such file/);
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', join(dir, 'missing.json')], 1, /cannot read input file .*no such file/);
  });
  it('bad JSON and unrecognised model files', async () => {
    const bad = writeJson(dir, 'bad.json', '{"shape": [1, 6], "data": [1, 2,');
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', bad], 1, /input file .*bad\.json' is not valid JSON/);
    await expectError(['attribute', '--model', bad, '--method', 'saliency', '--input', good], 1, /not valid JSON/);
    const other = writeJson(dir, 'other.json', { hello: 'world' });
    await expectError(['attribute', '--model', other, '--method', 'saliency', '--input', good], 1, /neither a TensorFlow\.js LayersModel .* nor a Glasswing graph/);
    const broken = writeJson(dir, 'broken.graph.json', { format: 'glasswing-graph', version: 1, nodes: 'x' });
    await expectError(['attribute', '--model', broken, '--method', 'saliency', '--input', good], 1, /./);
  });
  it('wrong input shape, size mismatch, ragged arrays, non-numeric values', async () => {
    const wrong = writeJson(dir, 'wrong.json', { shape: [2, 5], data: new Array(10).fill(0) });
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', wrong], 1, /input has shape \[2, 5\] but the model expects \[N, 6\]/);
    const size = writeJson(dir, 'size.json', { shape: [1, 6], data: [1, 2, 3] });
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', size], 1, /has 3 values but "shape" \[1, 6\] needs 6/);
    const ragged = writeJson(dir, 'ragged.json', [[1, 2, 3, 4, 5, 6], [1, 2]]);
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', ragged], 1, /ragged/);
    const text = writeJson(dir, 'text.json', [[1, 2, 3, 'four', 5, 6]]);
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', text], 1, /\[0\]\[3\] is not a finite number/);
    const empty = writeJson(dir, 'empty.json', { shape: [0, 6], data: [] });
    await expectError(['attribute', '--model', GRAPH, '--method', 'saliency', '--input', empty], 1, /no examples/);
  });
  it('target out of range or of the wrong length', async () => {
    await expectError(base(['--target', '2']), 1, /target/);
    await expectError(base(['--target', '0,1,0']), 1, /3 classes for 2 examples/);
    await expectError(['attribute', '--model', TFJS, '--method', 'saliency', '--input', good, '--target', '7'], 1, /target/);
  });
  it('bad baseline file and a layer for a method without layers', async () => {
    const b = writeJson(dir, 'b.json', [1, 2, 3]);
    await expectError(['attribute', '--model', GRAPH, '--method', 'integrated-gradients', '--input', good, '--baseline', b], 1, /baseline has shape \[3\]/);
    await expectError(['attribute', '--model', GRAPH, '--method', 'integrated-gradients', '--input', good, '--baseline', join(dir, 'none.json')], 1, /cannot read baseline file/);
    await expectError(base(['--layer', 'fc1']), 1, /layer/);
  });
});

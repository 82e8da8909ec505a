/**
 * `glasswing inspect`: every layer listed in order with its op, output shape and parameter count
 * (counted by hand from the fixtures' weight shapes), totals, shapes, layout, capabilities and the
 * supported method ids; --json; names that could drive a terminal are shown escaped.
 */
import { describe, expect, it } from 'vitest';
import { METHODS } from '@glasswing/core';
import { GRAPH, TFJS, convGraphJson, run, tempDir, writeJson } from './helpers.js';

interface InfoJson {
  name: string;
  kind: string;
  inputShape: number[];
  outputShape: number[];
  layout?: string;
  inputKind: string;
  capabilities: Record<string, boolean>;
  layers: { name: string; op: string; outputShape?: number[]; params: number; weights: { name: string; shape: number[] }[] }[];
  totalParams: number;
  methods: { id: string; supported: boolean; missing: string[] }[];
}

async function inspectJson(args: string[]): Promise<InfoJson> {
  const r = await run(['inspect', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as InfoJson;
}

/** Table rows of the text output: "<#> <name> <op> <shape> <params>". */
function layerRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => /^\s*\d+\s{2}/.test(l))
    .map((l) => l.trim().split(/\s{2,}/));
}

describe('glasswing inspect', () => {
  const dir = tempDir();

  it('graph JSON (tiny_additive): every layer, op, shape and parameter count; tabular; all methods', async () => {
    const r = await run(['inspect', '--model', GRAPH]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // fc1: W [4, 6] + b [4] = 28; fc2: W [2, 4] + b [2] = 10
    expect(layerRows(r.stdout)).toEqual([
      ['1', 'fc1', 'Gemm', '[N, 4]', '28'],
      ['2', 'relu1', 'Relu', '[N, 4]', '0'],
      ['3', 'fc2', 'Gemm', '[N, 2]', '10'],
    ]);
    expect(r.stdout).toContain('layers: 3, total parameters: 38');
    expect(r.stdout).toMatch(/input: +\[N, 6\] \(tabular\)/);
    expect(r.stdout).toMatch(/output: +\[N, 2\]/);
    expect(r.stdout).toMatch(/layout: +n\/a/);
    expect(r.stdout).toMatch(/capabilities: +gradients yes, layers yes, rules yes/);
    expect(r.stdout).toContain(`supported methods (${Object.keys(METHODS).length}):`);
    for (const id of Object.keys(METHODS)) expect(r.stdout).toMatch(new RegExp(`^  ${id} `, 'm'));
  });

  it('a conv graph: NCHW image, conv and dense parameter counts', async () => {
    const model = writeJson(dir, 'conv.json', convGraphJson());
    const info = await inspectJson(['--model', model]);
    expect(info.inputShape).toEqual([1, 4, 4]);
    expect(info.inputKind).toBe('image');
    expect(info.layout).toBe('NCHW');
    expect(info.layers.map((l) => [l.name, l.op, l.params])).toEqual([
      ['conv', 'Conv', 9 + 1],
      ['relu', 'Relu', 0],
      ['flat', 'Flatten', 0],
      ['fc', 'Gemm', 32 + 2],
    ]);
    expect(info.layers.map((l) => l.outputShape)).toEqual([[-1, 1, 4, 4], [-1, 1, 4, 4], [-1, 16], [-1, 2]]);
    expect(info.layers[0]!.weights).toEqual([
      { name: 'conv.w', shape: [1, 1, 3, 3] },
      { name: 'conv.b', shape: [1] },
    ]);
    expect(info.totalParams).toBe(44);
  });

  it('a TensorFlow.js LayersModel: kind, layers and --json agree with the text', async () => {
    const info = await inspectJson(['--model', TFJS]);
    expect(info.kind).toBe('tfjs-layers');
    const r = await run(['inspect', '--model', TFJS]);
    const rows = layerRows(r.stdout);
    expect(rows.map((row) => row[1])).toEqual(info.layers.map((l) => l.name));
    expect(rows.map((row) => Number(row[4]!.replace(/,/g, '')))).toEqual(info.layers.map((l) => l.params));
    expect(info.totalParams).toBe(info.layers.reduce((s, l) => s + l.params, 0));
    expect(info.totalParams).toBe(38); // the same tiny_additive weights
  });

  it('shared weights are counted once; escape sequences in names are neutralised', async () => {
    const g = convGraphJson() as { nodes: { name: string; inputs: string[]; outputs: string[]; op: string; attrs: object }[] };
    g.nodes[1]!.name = 'evil\x1b[2Jname';
    // a second Conv reading the same weights
    g.nodes.splice(2, 0, { name: 'conv_again', op: 'Conv', inputs: ['relu', 'conv.w', 'conv.b'], outputs: ['conv2'], attrs: { pads: [1, 1, 1, 1] } });
    g.nodes[3]!.inputs = ['conv2'];
    const model = writeJson(dir, 'shared.json', g);
    const r = await run(['inspect', '--model', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain('evil\\x1b[2Jname');
    const rows = layerRows(r.stdout);
    expect(rows.map((row) => row[4])).toEqual(['10', '0', '0', '0', '34']);
    expect(r.stdout).toContain('total parameters: 44');
  });

  it('usage and runtime errors: one line, exit codes 2 and 1', async () => {
    const missing = await run(['inspect']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('glasswing: error: missing required option --model\n');
    const badAdapter = await run(['inspect', '--model', GRAPH, '--adapter', 'gpu']);
    expect(badAdapter.code).toBe(2);
    const noFile = await run(['inspect', '--model', `${dir}/nope.json`]);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^glasswing: error: cannot read model file '.*nope\.json': no such file\n$/);
    const help = await run(['inspect', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: glasswing inspect');
  });
});

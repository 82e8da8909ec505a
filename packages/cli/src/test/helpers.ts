import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli.js';

export const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
export const GRAPH = join(FIXTURES, 'tiny_additive.graph.json');
export const TFJS = join(FIXTURES, 'tiny_additive_tfjs', 'model.json');

export interface Captum {
  inputs: number[][];
  targets: number[];
  baselines: { zeros: number[]; nonzero: number[] };
  outputs_float32: number[][];
  records: { id: string; method: string; input_index: number; target: number; attribution: number[]; convergence_delta?: number }[];
}
export const CAPTUM = JSON.parse(readFileSync(join(FIXTURES, 'tiny_additive.captum.json'), 'utf8')) as Captum;
export function record(id: string) {
  const r = CAPTUM.records.find((x) => x.id === `tiny_additive/${id}`);
  if (!r) throw new Error(`no record ${id}`);
  return r;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], cwd?: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (s) => void (stdout += s),
    stderr: { write: (s: string) => (stderr += s) },
    ...(cwd ? { cwd } : {}),
  });
  return { code, stdout, stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'glasswing-cli-'));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

/** A small NCHW conv graph: input [1, 4, 4] -> Conv 3x3 pad 1 -> Relu -> Flatten -> Gemm(16 -> 2). */
export function convGraphJson(): unknown {
  const w = Array.from({ length: 9 }, (_, i) => ((i % 3) - 1) * 0.5 + 0.1 * i);
  const fc = Array.from({ length: 32 }, (_, i) => Math.sin(i + 1) * 0.5);
  return {
    format: 'glasswing-graph',
    version: 1,
    name: 'tiny_conv',
    inputs: [{ name: 'x', shape: [-1, 1, 4, 4] }],
    outputs: ['y'],
    nodes: [
      { name: 'conv', op: 'Conv', inputs: ['x', 'conv.w', 'conv.b'], outputs: ['conv'], attrs: { pads: [1, 1, 1, 1] } },
      { name: 'relu', op: 'Relu', inputs: ['conv'], outputs: ['relu'], attrs: {} },
      { name: 'flat', op: 'Flatten', inputs: ['relu'], outputs: ['flat'], attrs: { axis: 1 } },
      { name: 'fc', op: 'Gemm', inputs: ['flat', 'fc.w', 'fc.b'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: {
      'conv.w': { shape: [1, 1, 3, 3], data: w },
      'conv.b': { shape: [1], data: [0.05] },
      'fc.w': { shape: [2, 16], data: fc },
      'fc.b': { shape: [2], data: [0, 0.1] },
    },
    metadata: {},
  };
}

export function expectClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]!) <= tol)) throw new Error(`index ${i}: ${a} vs ${expected[i]} (tol ${tol})`);
  });
}

/** Width and height from a PNG's signature + IHDR chunk (throws if the bytes are not a PNG). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!sig.every((b, i) => bytes[i] === b)) throw new Error('not a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new Error('PNG without IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

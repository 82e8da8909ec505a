/**
 * The real executable: build the CLI (tsc, a few seconds) and run bin/glasswing.js as a child
 * process. The workspace dependencies must have dist/ too (`pnpm build` / `pnpm test` make them);
 * where one is missing it is built here first, the same way (`tsc -p tsconfig.build.json`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTUM, GRAPH, TFJS, expectClose, record, tempDir, writeJson } from './helpers.js';

const PKG = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/glasswing.js', import.meta.url));

function node(args: string[], cwd = PKG) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
}

function build(dir: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = node([tsc, '-p', 'tsconfig.build.json'], dir);
  if (r.status !== 0) throw new Error(`building ${dir} failed (try \`pnpm build\`):\n${r.stdout}${r.stderr}`);
}

beforeAll(() => {
  // dependency order: core, then viz, tfjs and onnx (all need core's types)
  for (const dep of ['core', 'viz', 'tfjs', 'onnx']) {
    const dir = join(PKG, '..', dep);
    if (!existsSync(join(dir, 'dist', 'index.js')) || !existsSync(join(dir, 'dist', 'index.d.ts'))) build(dir);
  }
  build(PKG);
}, 180_000);

describe('bin/glasswing.js', () => {
  it('runs attribute end to end and exits 0', () => {
    const dir = tempDir();
    const x = writeJson(dir, 'x.json', [CAPTUM.inputs[0]]);
    const r = node([BIN, 'attribute', '--model', GRAPH, '--method', 'integrated-gradients', '--input', x, '--target', '0']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { attributions: number[][] };
    expectClose(out.attributions[0]!, record('0013').attribution, 2e-6);
  });

  it('runs an ONNX model on onnx-node (the default) and onnx-web from the built package', () => {
    const dir = tempDir();
    const x = writeJson(dir, 'x.json', [CAPTUM.inputs[0]]);
    const model = join(PKG, 'test', 'fixtures', 'tiny_additive.onnx');
    for (const extra of [[], ['--adapter', 'onnx-web']]) {
      const r = node([BIN, 'attribute', '--model', model, '--method', 'integrated-gradients', '--input', x, '--target', '0', ...extra]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { attributions: number[][] };
      expectClose(out.attributions[0]!, record('0013').attribution, 2e-5);
    }
  });

  it('keeps stderr free of TensorFlow.js banners (tfjs-cpu adapter), even on errors', () => {
    const dir = tempDir();
    const x = writeJson(dir, 'x.json', [CAPTUM.inputs[0]]);
    const ok = node([BIN, 'attribute', '--model', TFJS, '--method', 'saliency', '--input', x, '--adapter', 'tfjs-cpu']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const bad = node([BIN, 'attribute', '--model', TFJS, '--method', 'saliency', '--input', x, '--adapter', 'tfjs-cpu', '--target', '5']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^glasswing: error: [^\n]*target[^\n]*\n$/);
  });

  it('exits 2 with one error line for a usage error, 1 for a runtime error', () => {
    const usage = node([BIN, 'attribute', '--model', GRAPH, '--method', 'nope', '--input', 'x.json']);
    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toMatch(/^glasswing: error: unknown method 'nope'; valid methods: .*\n$/);
    const runtime = node([BIN, 'attribute', '--model', GRAPH, '--method', 'saliency', '--input', 'missing.json']);
    expect(runtime.status).toBe(1);
    expect(runtime.stderr).toMatch(/^glasswing: error: cannot read input file .*\n$/);
  });

  it('prints the version', () => {
    const r = node([BIN, '--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

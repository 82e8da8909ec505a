/**
 * The real executable: build the CLI (tsc, a few seconds; needs the dependencies' dist, which
 * `pnpm build` / `pnpm test` provide) and run bin/glasswing.js as a child process.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTUM, GRAPH, TFJS, expectClose, record, tempDir, writeJson } from './helpers.js';

const PKG = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/glasswing.js', import.meta.url));

function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: PKG, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = node([tsc, '-p', 'tsconfig.build.json']);
  if (r.status !== 0) {
    throw new Error(`building the CLI failed (run \`pnpm build\` first so @glasswing/core, tfjs and viz have dist/):\n${r.stdout}${r.stderr}`);
  }
});

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

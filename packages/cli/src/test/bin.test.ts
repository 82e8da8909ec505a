/**
 * The real executable: build the CLI (tsc, a few seconds) and run bin/glasswing.js as a child
 * process. The workspace dependencies must have dist/ too (`pnpm build` / `pnpm test` make them);
 * where one is missing it is built here first, the same way (`tsc -p tsconfig.build.json`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  // dependency order: core, then viz, tfjs and onnx (all need core's types), then gpujs (needs tfjs' and onnx')
  for (const dep of ['core', 'viz', 'tfjs', 'onnx', 'gpujs']) {
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

/**
 * The executable on a pseudo-terminal: util-linux `script` runs it with a pty as its stderr (stdout
 * goes to a file), so the CLI sees a terminal and draws its bar. Ctrl-C is a real ^C byte written
 * to the pty, which the terminal driver turns into SIGINT for the foreground process.
 */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') === true;
const DEMO = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));

interface PtyRun {
  code: number | null;
  /** What the terminal showed (stderr and the echo of ^C). */
  screen: string;
  /** ms from the ^C to the exit, when one was sent. */
  stopMs?: number;
}

/** Run `args` on a pty, stdout to `outFile`; send ^C once `interruptWhen` matches the screen. */
function onPty(args: string[], outFile: string, interruptWhen?: RegExp): Promise<PtyRun> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const cmd = `exec ${[process.execPath, BIN, ...args].map(quote).join(' ')} > ${quote(outFile)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let sentAt: number | undefined;
    const onData = (d: Buffer) => {
      screen += d.toString('utf8');
      if (interruptWhen && sentAt === undefined && interruptWhen.test(screen)) {
        sentAt = Date.now();
        child.stdin.write('\x03');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, screen, ...(sentAt !== undefined ? { stopMs: Date.now() - sentAt } : {}) }));
  });
}

const plain = (s: string) => s.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '\n');

describe.skipIf(!hasScript)('bin/glasswing.js on a terminal', () => {
  const dir = tempDir();
  // 4 images of the bundled demo model (20x20x1, NHWC)
  const x = writeJson(dir, 'demo4.json', { shape: [4, 20, 20, 1], data: Array.from({ length: 1600 }, (_, i) => ((i * 7) % 13) / 13) });

  it('draws a bar with an ETA; Ctrl-C stops within a second: exit 130, how far it got, no output', async () => {
    // 4 examples x 7,500 steps in calls of 100 rows on the (synchronous) reference executor: 301 calls,
    // tens of seconds. A CLI that did not serve the signal between calls would run to the end.
    const out = join(dir, 'ig.json');
    const args = ['attribute', '--model', DEMO, '--method', 'integrated-gradients', '--input', x, '--target', '0'];
    const r = await onPty([...args, '--steps', '7500', '--internal-batch-size', '100', '--adapter', 'reference'], out, /ETA (\d+m)?\d+s/);
    console.log(`Ctrl-C to exit: ${r.stopMs} ms`);
    const lines = plain(r.screen).split(/[\r\n]+/).filter((l) => l.trim() !== '');
    expect(lines.some((l) => /^attribute \[#*-+\] +\d+% \d+\/301 calls, ETA (\d+m)?\d+s(\^C)?$/.test(l)), r.screen).toBe(true);
    expect(r.code).toBe(130);
    const m = /glasswing: interrupted \(SIGINT\): stopped after (\d+) of 301 model calls \(integrated-gradients on reference\); nothing written/.exec(r.screen);
    expect(m, r.screen).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(301);
    // about one model call (~0.1 s here); generous for a loaded CI machine
    expect(r.stopMs).toBeLessThan(5000);
    expect(readFileSync(out, 'utf8')).toBe('');
  });

  it('runs to the end on the default adapter and names it in the summary line', async () => {
    const out = join(dir, 'sal.json');
    const r = await onPty(['attribute', '--model', DEMO, '--method', 'saliency', '--input', x], out);
    expect(r.code, r.screen).toBe(0);
    expect(plain(r.screen)).toMatch(/attribute: saliency, 4 examples, \d+ model calls?, [\d.]+ s on onnx-node \(default: fastest installed\)/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { adapter: string; shape: number[] };
    expect(json.adapter).toBe('onnx-node');
    expect(json.shape).toEqual([4, 20, 20, 1]);
  });
});

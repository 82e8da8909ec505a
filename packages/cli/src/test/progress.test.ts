/**
 * Progress bars (--progress / --no-progress, ETA, the summary line naming the adapter) and
 * stopping a run through the interruption's AbortSignal, in process. The real Ctrl-C on a
 * pseudo-terminal is in bin.test.ts.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../args.js';
import { runCli } from '../cli.js';
import type { CliIO } from '../cli.js';
import { ATTRIBUTE_FLAGS, parseAttributeArgs } from '../commands/attribute.js';
import { parseImportanceArgs } from '../commands/importance.js';
import { parseReportArgs } from '../commands/report.js';
import { SIGNAL_EXIT_CODES, StopRequest, watchStopSignals } from '../interrupt.js';
import type { Interruption, SignalProcess, StopSignalName } from '../interrupt.js';
import { formatEta } from '../progress.js';
import { CAPTUM, GRAPH, tempDir, writeJson } from './helpers.js';

const dir = tempDir();
const input0 = writeJson(dir, 'x0.json', { shape: [1, 6], data: CAPTUM.inputs[0] });
// 1 example x 400 steps, 20 rows per call: 20 gradient calls (+1 forward)
const LONG = ['--model', GRAPH, '--method', 'integrated-gradients', '--input', input0, '--target', '0', '--steps', '400', '--internal-batch-size', '20'];

const strip = (s: string) => s.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '|');

async function cli(argv: string[], io: Partial<CliIO> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), ...io });
  return { code, stdout, stderr };
}

class FakeProcess extends EventEmitter implements SignalProcess {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
  send(name: StopSignalName): void {
    this.emit(name);
  }
}

describe('--progress / --no-progress', () => {
  it('parse to true / false / undefined; both at once is a usage error', () => {
    const base = ['--model', 'm', '--method', 'saliency', '--input', 'x'];
    const progressOf = (extra: string[]) => (parseAttributeArgs([...base, ...extra]) as { progress?: boolean }).progress;
    expect(progressOf(['--progress'])).toBe(true);
    expect(progressOf(['--no-progress'])).toBe(false);
    expect(progressOf([])).toBeUndefined();
    expect(() => parseAttributeArgs([...base, '--progress', '--no-progress'])).toThrow(/--progress and --no-progress contradict/);
    expect(() => parseAttributeArgs([...base, '--progress=yes'])).toThrow(/takes no value/);
    expect(ATTRIBUTE_FLAGS['no-progress']).toBe('switch');
    expect(parseFlags(['--no-progress'], ATTRIBUTE_FLAGS).switches.has('no-progress')).toBe(true);
    const imp = parseImportanceArgs(['--model', 'm', '--data', 'd', '--labels', 'l', '--no-progress']);
    expect(imp !== 'help' && imp.progress).toBe(false);
    const rep = parseReportArgs(['--model', 'm', '--input', 'x', '--progress']);
    expect(rep !== 'help' && rep.progress).toBe(true);
  });

  it('a usage error for both flags exits 2 with one line', async () => {
    const r = await cli(['attribute', ...LONG, '--progress', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('glasswing: error: --progress and --no-progress contradict each other; give one\n');
  });
});

describe('the attribute progress bar', () => {
  it('on a TTY: a bar with calls and an ETA, then one summary line naming the default adapter; stdout is the JSON alone', async () => {
    const r = await cli(['attribute', ...LONG], { stderrIsTTY: true, stderrColumns: 120 });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { adapter: string; attributions: number[][] };
    expect(out.adapter).toBe('onnx-node');
    // the first frame (drawn when the first call is done) has no ETA yet; the last is complete
    expect(r.stderr).toMatch(/^\x1b7\x1b\[1Gattribute \[#?-+\]   \d% 1\/21 calls, ETA --\x1b\[0K/);
    expect(r.stderr).toMatch(/\x1b\[1Gattribute \[#{30}\] 100% 21\/21 calls, ETA 0s\x1b\[0K/);
    // then the bar's line is cleared and the summary names the default adapter
    expect(r.stderr).toMatch(/\x1b\[2Kattribute: integrated-gradients, 1 example, 21 model calls, [\d.]+ s on onnx-node \(default: fastest installed\)\n$/);
  });

  it('--adapter named: the summary says so without "default"', async () => {
    const r = await cli(['attribute', ...LONG, '--adapter', 'reference'], { stderrIsTTY: true });
    expect(r.code).toBe(0);
    expect(strip(r.stderr)).toMatch(/attribute: integrated-gradients, 1 example, 21 model calls, [\d.]+ s on reference\n$/);
    expect((JSON.parse(r.stdout) as { adapter: string }).adapter).toBe('reference');
  });

  it('--no-progress on a TTY, and a non-TTY stderr by default: nothing on stderr', async () => {
    for (const io of [{ stderrIsTTY: true }, {}]) {
      const r = await cli(['attribute', ...LONG, ...('stderrIsTTY' in io ? ['--no-progress'] : [])], io);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toHaveProperty('attributions');
    }
  });

  it('--progress on a non-TTY stderr: plain bar lines (no cursor codes) and the summary', async () => {
    const r = await cli(['attribute', ...LONG, '--progress']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\x1b/);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^attribute \[#?-+\]   \d% 1\/21 calls, ETA --$/);
    expect(lines.at(-1)).toMatch(/^attribute: integrated-gradients, 1 example, 21 model calls, [\d.]+ s on onnx-node \(default: fastest installed\)$/);
  });

  it('the ETA reads "--" until a call has finished, then seconds or minutes', () => {
    expect(formatEta(0, 0)).toBe('ETA --');
    expect(formatEta('NULL', 3)).toBe('ETA --');
    expect(formatEta('INF', 3)).toBe('ETA --');
    expect(formatEta(7, 3)).toBe('ETA 7s');
    expect(formatEta(75, 3)).toBe('ETA 1m15s');
  });
});

describe('stopping a run', () => {
  it('a SIGINT during the run aborts after the current model call: exit 130, how far it got, nothing written', async () => {
    const proc = new FakeProcess();
    const errs: string[] = [];
    const interruption = watchStopSignals({ proc, err: (s) => void errs.push(s) });
    let sent = false;
    let stderr = '';
    const outFile = join(dir, 'never.json');
    const code = await runCli(['attribute', ...LONG, '--adapter', 'reference', '--out', outFile], {
      stdout: () => undefined,
      interruption,
      stderrIsTTY: true,
      // Ctrl-C as soon as the bar is drawn (its first frame comes when the first call is done)
      stderr: (s) => {
        stderr += s;
        if (!sent && / \d+\/\d+ calls/.test(s)) {
          sent = true;
          proc.send('SIGINT');
        }
      },
    });
    interruption.dispose();
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(proc.exits).toEqual([]); // handled by aborting, not by exiting
    expect(errs).toEqual([]);
    // the bar's line is cleared, then one line says how far the run got
    const m = /\x1b\[2Kglasswing: interrupted \(SIGINT\): stopped after (\d+) of 21 model calls \(integrated-gradients on reference\); nothing written\n$/.exec(stderr);
    expect(m, strip(stderr)).not.toBeNull();
    // no call starts after the signal: the run stops right after the first one
    expect(Number(m![1])).toBe(1);
    expect(existsSync(outFile)).toBe(false);
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('SIGTERM before the first model call: exit 143', async () => {
    const interruption: Interruption = { signal: AbortSignal.abort(new StopRequest('SIGTERM')), during: (work) => work() };
    const r = await cli(['attribute', ...LONG], { interruption });
    expect(r.code).toBe(143);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('glasswing: interrupted (SIGTERM): stopped before the first model call (integrated-gradients on onnx-node); nothing written\n');
  });

  it('outside abortable work, or on a second signal, the process exits at once with 130 / 143', async () => {
    const proc = new FakeProcess();
    const errs: string[] = [];
    const w = watchStopSignals({ proc, err: (s) => void errs.push(s) });
    proc.send('SIGTERM');
    expect(proc.exits).toEqual([SIGNAL_EXIT_CODES.SIGTERM]);
    expect(errs).toEqual(['\nglasswing: interrupted (SIGTERM)\n']);
    expect(w.signal.aborted).toBe(false);
    await w.during(async () => {
      proc.send('SIGINT');
      expect(w.signal.aborted).toBe(true);
      expect(proc.exits).toEqual([143]);
      proc.send('SIGINT');
      expect(proc.exits).toEqual([143, 130]);
    });
    expect(errs.at(-1)).toBe('\nglasswing: interrupted (SIGINT) again; exiting now\n');
    expect(SIGNAL_EXIT_CODES).toEqual({ SIGINT: 130, SIGTERM: 143 });
    w.dispose();
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});

/**
 * Model-supplied names printed to a terminal cannot act on it (issue 16, output safety): ANSI
 * escape sequences, other C0 / C1 controls and bidi overrides in what the CLI writes to a TTY are
 * replaced by U+FFFD; pipes and files get the text unchanged (JSON output stays faithful); the
 * progress bar's own cursor control still reaches the terminal.
 */
import { describe, expect, it } from 'vitest';
import { resolveIO, terminalSafe } from '../io.js';
import { progressBar } from '../progress.js';

const HOSTILE = 'conv\u001b[2J\u001b]0;pwned\u0007_\u202Egnp.exe\u009b31m\u2066x\u2069';

describe('terminal output safety', () => {
  it('terminalSafe replaces escape, C0/C1 controls and bidi controls, keeps tab, newline and carriage return', () => {
    expect(terminalSafe(HOSTILE)).toBe('conv\uFFFD[2J\uFFFD]0;pwned\uFFFD_\uFFFDgnp.exe\uFFFD31m\uFFFDx\uFFFD');
    expect(terminalSafe('a\tb\nc\rd é 层 →')).toBe('a\tb\nc\rd é 层 →');
  });

  it('a TTY gets neutralised text; a pipe gets the bytes as they are', () => {
    const tty: string[] = [];
    const io = resolveIO({ stdout: { write: (t: string) => tty.push(t), isTTY: true } as never, stderr: { write: (t: string) => tty.push(t), isTTY: true } as never });
    io.out(`${HOSTILE}\n`);
    io.err(`${HOSTILE}\n`);
    expect(tty.join('')).not.toMatch(/[\u001b\u0007\u009b\u202E\u2066\u2069]/);
    expect(tty[0]).toContain('gnp.exe');
    const piped: string[] = [];
    const p = resolveIO({ stdout: (t) => piped.push(t), stderr: (t) => piped.push(t) });
    p.out(HOSTILE);
    p.err(HOSTILE);
    expect(piped).toEqual([HOSTILE, HOSTILE]);
  });

  it("the progress bar's cursor control still reaches a terminal", () => {
    const raw: string[] = [];
    const io = resolveIO({ stderr: { write: (t: string) => raw.push(t), isTTY: true, columns: 80 } as never, stdout: () => undefined });
    const bar = progressBar('test', { ...io, progress: true });
    bar.update(1, 4);
    bar.update(4, 4);
    bar.stop?.();
    expect(raw.join('')).toMatch(/\u001b\[/);
  });
});

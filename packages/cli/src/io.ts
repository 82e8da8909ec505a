/** Where the CLI writes, and where it resolves relative paths from. */
import type { Interruption } from './interrupt.js';

export type Writer = ((text: string) => void) | { write(text: string): unknown };

export interface CliIO {
  /** Default: process.stdout. */
  readonly stdout?: Writer;
  /** Default: process.stderr. */
  readonly stderr?: Writer;
  /** Directory relative paths are resolved against. Default: process.cwd(). */
  readonly cwd?: string;
  /**
   * Whether stderr is a terminal (progress bars are drawn only there). Default: the stderr
   * writer's `isTTY` (true for process.stderr on a terminal).
   */
  readonly stderrIsTTY?: boolean;
  /** Terminal width for the progress bar. Default: the stderr writer's `columns`, else 80. */
  readonly stderrColumns?: number;
  /**
   * Signal handling (the executable passes its SIGINT / SIGTERM watcher): long runs pass its
   * signal to the library and stop cleanly. Default: none (the host program owns its signals).
   */
  readonly interruption?: Interruption;
}

export interface ResolvedIO {
  /** stdout; on a terminal, model-supplied control / bidi characters are neutralised (`terminalSafe`). */
  out(text: string): void;
  /** stderr, like `out`. */
  err(text: string): void;
  /** stderr as is: for the progress bar's own cursor control sequences only. Default: `err`. */
  readonly errRaw?: (text: string) => void;
  readonly cwd: string;
  readonly errIsTTY: boolean;
  readonly errColumns: number;
  /** Progress bars: true = always (--progress), false = never (--no-progress), undefined = on a TTY. */
  readonly progress?: boolean;
  readonly interruption?: Interruption;
}

function toFn(w: Writer): (text: string) => void {
  return typeof w === 'function' ? w : (text) => void w.write(text);
}

/**
 * Control characters a terminal would act on (C0 but tab, newline and carriage return; DEL; C1,
 * which includes the 8-bit CSI) and bidi formatting controls (embeddings, overrides, isolates,
 * marks): a model-supplied name printed to a terminal must not move the cursor, recolour or
 * reorder what follows.
 */
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every TERMINAL_UNSAFE character replaced by U+FFFD. */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, '\uFFFD');
}

/** Writes to a terminal go through `terminalSafe`; to files and pipes unchanged (JSON stays faithful). */
function forTerminal(write: (text: string) => void, isTTY: boolean): (text: string) => void {
  return isTTY ? (text) => write(terminalSafe(text)) : write;
}

export function resolveIO(io: CliIO = {}): ResolvedIO {
  const stderr = (io.stderr ?? process.stderr) as { columns?: unknown };
  const columns = io.stderrColumns ?? (typeof stderr.columns === 'number' && stderr.columns > 0 ? stderr.columns : 80);
  const errIsTTY = io.stderrIsTTY ?? (io.stderr === undefined ? process.stderr.isTTY === true : (io.stderr as { isTTY?: unknown }).isTTY === true);
  const outIsTTY = io.stdout === undefined ? process.stdout.isTTY === true : typeof io.stdout !== 'function' && (io.stdout as { isTTY?: unknown }).isTTY === true;
  return {
    out: forTerminal(toFn(io.stdout ?? process.stdout), outIsTTY),
    err: forTerminal(toFn(io.stderr ?? process.stderr), errIsTTY),
    errRaw: toFn(io.stderr ?? process.stderr),
    cwd: io.cwd ?? process.cwd(),
    errIsTTY,
    errColumns: columns,
    ...(io.interruption ? { interruption: io.interruption } : {}),
  };
}

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
  out(text: string): void;
  err(text: string): void;
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

export function resolveIO(io: CliIO = {}): ResolvedIO {
  const stderr = (io.stderr ?? process.stderr) as { columns?: unknown };
  const columns = io.stderrColumns ?? (typeof stderr.columns === 'number' && stderr.columns > 0 ? stderr.columns : 80);
  return {
    out: toFn(io.stdout ?? process.stdout),
    err: toFn(io.stderr ?? process.stderr),
    cwd: io.cwd ?? process.cwd(),
    errIsTTY: io.stderrIsTTY ?? (io.stderr === undefined ? process.stderr.isTTY === true : (io.stderr as { isTTY?: unknown }).isTTY === true),
    errColumns: columns,
    ...(io.interruption ? { interruption: io.interruption } : {}),
  };
}

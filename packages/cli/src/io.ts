/** Where the CLI writes, and where it resolves relative paths from. */
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
}

export interface ResolvedIO {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
  readonly errIsTTY: boolean;
}

function toFn(w: Writer): (text: string) => void {
  return typeof w === 'function' ? w : (text) => void w.write(text);
}

export function resolveIO(io: CliIO = {}): ResolvedIO {
  return {
    out: toFn(io.stdout ?? process.stdout),
    err: toFn(io.stderr ?? process.stderr),
    cwd: io.cwd ?? process.cwd(),
    errIsTTY: io.stderrIsTTY ?? (io.stderr === undefined ? process.stderr.isTTY === true : (io.stderr as { isTTY?: unknown }).isTTY === true),
  };
}

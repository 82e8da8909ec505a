/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, else nothing until one plain
 * final line.
 */
import type { ResolvedIO } from './io.js';

export interface ProgressReporter {
  /** Overall progress in model calls. */
  update(done: number, total: number): void;
  /** Ends the bar (TTY) or prints the final line (not a TTY). */
  finish(summary: string): void;
}

const WIDTH = 30;

export function progressBar(label: string, io: ResolvedIO): ProgressReporter {
  let last = '';
  let drawn = false;
  return {
    update(done, total) {
      if (!io.errIsTTY || total <= 0) return;
      const frac = Math.min(1, done / total);
      const fill = Math.round(frac * WIDTH);
      const line = `${label} [${'#'.repeat(fill)}${'-'.repeat(WIDTH - fill)}] ${Math.floor(frac * 100)
        .toString()
        .padStart(3)}% ${done}/${total} calls`;
      if (line === last) return;
      last = line;
      drawn = true;
      io.err(`\r${line}`);
    },
    finish(summary) {
      if (io.errIsTTY && drawn) io.err(`\r\x1b[2K${summary}\n`);
      else io.err(`${summary}\n`);
    },
  };
}

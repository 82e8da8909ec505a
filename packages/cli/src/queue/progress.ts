/**
 * The submitter's progress on stderr, read from the queue:
 *
 *   explain-dataset (queue) [###########-------------------]  37% 3/8 chunks, 2 running, 1 retried, ETA 12s
 *
 * Redrawn in place on a terminal; with --progress elsewhere, one line every 2 s; nothing with
 * --no-progress or when stderr is not a terminal. The final summary line is printed in every case.
 */
import { formatEta, progressEnabled } from '../progress.js';
import type { ResolvedIO } from '../io.js';
import type { QueueProgress } from './submit.js';

const WIDTH = 30;

export function formatQueueProgress(label: string, p: QueueProgress): string {
  const frac = p.chunks > 0 ? p.done / p.chunks : 1;
  const filled = Math.round(frac * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  const pct = `${Math.floor(frac * 100)}`.padStart(3);
  const retried = p.retried > 0 ? `, ${p.retried} retried` : '';
  return `${label} [${bar}] ${pct}% ${p.done}/${p.chunks} chunks, ${p.running} running${retried}, ${formatEta(p.etaS, p.done)}`;
}

export interface QueueProgressLine {
  update(p: QueueProgress): void;
  /** Clears the line (on a terminal). */
  stop(): void;
}

export function queueProgressLine(label: string, io: ResolvedIO): QueueProgressLine {
  const enabled = progressEnabled(io);
  let lastPrinted = 0;
  let drawn = false;
  const raw = io.errRaw ?? io.err;
  return {
    update(p) {
      if (!enabled) return;
      const line = formatQueueProgress(label, p);
      if (io.errIsTTY) {
        // Cut to the terminal's width: a wrapped line could not be redrawn in place.
        raw(`\r\x1b[2K${line.slice(0, Math.max(20, io.errColumns - 1))}`);
        drawn = true;
      } else if (Date.now() - lastPrinted >= 2000 || p.done === p.chunks) {
        lastPrinted = Date.now();
        io.err(`${line}\n`);
      }
    },
    stop() {
      if (drawn) raw('\r\x1b[2K');
      drawn = false;
    },
  };
}

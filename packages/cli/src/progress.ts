/**
 * Progress on stderr, shared by every command: a cli-progress bar with the model calls done, the
 * total and an ETA, redrawn in place when stderr is a terminal (or `--progress` forces it: then
 * one line every 2 s where stderr is not a terminal), nothing with `--no-progress` or when stderr
 * is not a terminal; then one plain final line (the summary) in every case.
 *
 *   attribute [##########--------------------]  33% 3/9 calls, ETA 4s
 */
import cliProgress from 'cli-progress';
import type { ResolvedIO } from './io.js';

export interface ProgressReporter {
  /** Overall progress in model calls. */
  update(done: number, total: number): void;
  /** Model calls done so far, and the planned total (as last reported). */
  readonly done: number;
  readonly total: number;
  /** Ends the bar (clears its line) and prints `summary` as the final line. */
  finish(summary: string): void;
  /** Ends the bar without a final line (e.g. before an error message). */
  stop(): void;
}

const WIDTH = 30;

/** Bars drawn and not yet ended (their redraw timer keeps the process alive until stopped). */
const live = new Set<() => void>();

/** End every bar still drawn (runCli does, before it prints an error, and when a command ends). */
export function stopProgressBars(): void {
  for (const end of [...live]) end();
}

/** "ETA 4s", "ETA 1m05s"; "ETA --" until a first call has finished. */
export function formatEta(eta: unknown, done: number): string {
  if (done <= 0 || typeof eta !== 'number' || !Number.isFinite(eta)) return 'ETA --';
  return `ETA ${cliProgress.Format.TimeFormat(Math.max(0, eta), { autopaddingChar: '' } as cliProgress.Options, 1)}`;
}

function formatter(label: string, unit: string): cliProgress.GenericFormatter {
  return (options, params) => {
    const bar = cliProgress.Format.BarFormat(params.progress, options);
    const pct = `${Math.floor(params.progress * 100)}`.padStart(3);
    return `${label} [${bar}] ${pct}% ${params.value}/${params.total} ${unit}, ${formatEta(params.eta, params.value)}`;
  };
}

/** Whether bars are drawn for this io: --progress / --no-progress, else when stderr is a TTY. */
export function progressEnabled(io: Pick<ResolvedIO, 'progress' | 'errIsTTY'>): boolean {
  return io.progress ?? io.errIsTTY;
}

/** `unit` names what is counted (default 'calls': model calls; explain-dataset counts 'rows'). */
export function progressBar(label: string, io: ResolvedIO, unit = 'calls'): ProgressReporter {
  let done = 0;
  let total = 0;
  let bar: cliProgress.SingleBar | undefined;
  let ended = false;
  const enabled = progressEnabled(io);
  const stream = {
    isTTY: io.errIsTTY,
    columns: io.errColumns,
    write(text: string) {
      // The bar's cursor control sequences pass; its label and figures are ours, not the model's.
      (io.errRaw ?? io.err)(text);
      return true;
    },
  };
  const end = () => {
    if (ended) return;
    ended = true;
    live.delete(end);
    bar?.stop();
  };
  return {
    get done() {
      return done;
    },
    get total() {
      return total;
    },
    update(d, t) {
      done = d;
      total = t;
      if (!enabled || ended || t <= 0) return;
      if (!bar) {
        bar = new cliProgress.SingleBar({
          stream: stream as unknown as NodeJS.WritableStream,
          format: formatter(label, unit),
          barsize: WIDTH,
          barCompleteChar: '#',
          barIncompleteChar: '-',
          // Truncate to the terminal width instead of switching the terminal's line wrapping off
          // (a process killed mid-run would leave it off).
          linewrap: true,
          hideCursor: false,
          clearOnComplete: true,
          noTTYOutput: !io.errIsTTY,
          notTTYSchedule: 2000,
          etaBuffer: 20,
        });
        live.add(end);
        bar.start(t, d);
      }
      bar.setTotal(t);
      bar.update(d);
    },
    finish(summary) {
      end();
      io.err(`${summary}\n`);
    },
    stop: end,
  };
}

/**
 * Ctrl-C (SIGINT) and SIGTERM for the `glasswing` executable.
 *
 * While a command runs an attribution (`during`), the first signal aborts an AbortSignal that the
 * command passes to the library: the run stops after the model call in progress, the command
 * prints what it had done ("stopped after 3 of 12 model calls") and exits 130 (SIGINT) or 143
 * (SIGTERM). Outside such work, and on a second signal, the process exits at once with the same
 * codes and a one-line message.
 *
 * Node delivers signals on the event loop, which a synchronous model call (the reference and
 * TensorFlow.js executors compute synchronously) does not give back; `responsive(model)` yields
 * to the loop before each model call, so a signal lands within one model call.
 */
import { AbortError } from '@glasswing/core';
import type { Model } from '@glasswing/core';

export type StopSignalName = 'SIGINT' | 'SIGTERM';

/** 128 + the signal number, as shells report a process ended by the signal. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignalName, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The AbortSignal reason when the user stopped the run. */
export class StopRequest {
  constructor(readonly signalName: StopSignalName) {}
}

/** A command stopped by a signal; runCli prints `glasswing: interrupted (SIGINT): <detail>`. */
export class InterruptedError extends Error {
  readonly signalName: StopSignalName;
  constructor(signalName: StopSignalName, detail?: string) {
    super(detail ? `interrupted (${signalName}): ${detail}` : `interrupted (${signalName})`);
    this.name = 'InterruptedError';
    this.signalName = signalName;
  }
  get exitCode(): number {
    return SIGNAL_EXIT_CODES[this.signalName];
  }
}

/** The signal name when `signal` was aborted by a StopRequest, else undefined. */
export function stopSignalName(signal: AbortSignal | undefined): StopSignalName | undefined {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  return reason instanceof StopRequest ? reason.signalName : undefined;
}

/**
 * `err` as an InterruptedError saying how far the run got ("stopped after 3 of 12 model calls
 * (what); nothing written") when it is the AbortError of a stop request, else `err` itself.
 */
export function asInterruption(
  err: unknown,
  signal: AbortSignal | undefined,
  progress: { readonly done: number; readonly total: number },
  what: string,
): unknown {
  const name = stopSignalName(signal);
  if (name === undefined || !(err instanceof AbortError)) return err;
  const calls = (n: number) => `${n} model call${n === 1 ? '' : 's'}`;
  const how = progress.total > 0 ? `stopped after ${progress.done} of ${calls(progress.total)}` : 'stopped before the first model call';
  return new InterruptedError(name, `${how} (${what}); nothing written`);
}

/** What commands see of the signal handling (absent when the CLI runs inside another program). */
export interface Interruption {
  /** Aborted by the first SIGINT / SIGTERM that arrives during `during`. */
  readonly signal: AbortSignal;
  /** Run abortable work: a signal now aborts `signal` instead of exiting at once. */
  during<T>(work: () => Promise<T>): Promise<T>;
}

export interface SignalProcess {
  on(event: StopSignalName, listener: () => void): unknown;
  removeListener(event: StopSignalName, listener: () => void): unknown;
  exit(code: number): void;
}

export interface WatchOptions {
  /** Default: process. */
  readonly proc?: SignalProcess;
  /** Where the immediate-exit message goes. Default: process.stderr. */
  readonly err?: (text: string) => void;
}

/** Install SIGINT / SIGTERM handlers; `dispose` removes them. */
export function watchStopSignals(options: WatchOptions = {}): Interruption & { dispose(): void } {
  const proc: SignalProcess = options.proc ?? process;
  const err = options.err ?? ((text: string) => void process.stderr.write(text));
  const controller = new AbortController();
  let active = 0;
  const onSignal = (name: StopSignalName) => {
    if (active > 0 && !controller.signal.aborted) {
      controller.abort(new StopRequest(name));
      return;
    }
    const again = controller.signal.aborted ? ' again; exiting now' : '';
    err(`\nglasswing: interrupted (${name})${again}\n`);
    proc.exit(SIGNAL_EXIT_CODES[name]);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  proc.on('SIGINT', onInt);
  proc.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    async during(work) {
      active++;
      try {
        return await work();
      } finally {
        active--;
      }
    },
    dispose() {
      proc.removeListener('SIGINT', onInt);
      proc.removeListener('SIGTERM', onTerm);
    },
  };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const CALLS = new Set<PropertyKey>(['forward', 'gradient', 'activations']);

/**
 * The same model, but each forward / gradient / activations call first lets the event loop run
 * (signals, timers: the progress bar's redraw). Costs one macrotask per call (microseconds).
 */
export function responsive<M extends Model>(model: M): M {
  return new Proxy(model, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!CALLS.has(key)) return fn.bind(target);
      return async (...args: unknown[]) => {
        await yieldToEventLoop();
        return fn.apply(target, args);
      };
    },
  });
}

/**
 * Cooperative yielding for synchronous work that honours an AbortSignal: the reference executor,
 * tfjs-cpu and gpu.js-cpu compute on the JS thread, so an `abort()` fired by a timer or another
 * task can only run when the work gives the event loop a turn.
 */

/** Longest stretch (ms) of synchronous work between two yields to the event loop when a signal is given. */
export const ABORT_YIELD_MS = 10;

/** A monotonic clock in ms (performance.now where it exists). */
export const nowMs = (): number => globalThis.performance?.now() ?? Date.now();

/**
 * Resolves on the next turn of the event loop (a macrotask: setImmediate where it exists, else
 * setTimeout 0), so timers and `abort()` calls queued behind synchronous work get to run.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

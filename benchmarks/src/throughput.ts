/**
 * What a row's model calls cost: a counting wrapper around the adapter's Model (rows evaluated
 * forward-only and forward + backward, read from the tensors the algorithm passes), and their
 * FLOPs from core's countFlops. A gradient call is counted as a full forward + input-gradient
 * backward even when it stops at a layer (Grad-CAM): an upper bound for layer gradients.
 */
import type { GraphFlops, Model } from '@glasswing/core';

export interface RowCounts {
  readonly forward: number;
  readonly gradient: number;
  /** The most rows one call evaluated (what bounds a call's activation memory). */
  readonly maxPerCall: number;
}

/** FLOPs of `forward` forward-only rows and `gradient` forward + backward rows. */
export function rowFlops(f: Pick<GraphFlops, 'forward' | 'backward'>, forward: number, gradient: number): number {
  return forward * f.forward + gradient * (f.forward + f.backward);
}

/** The model, with its calls' rows counted (everything else passes through to the adapter's object). */
export function countingModel(inner: Model): { model: Model; rows: () => RowCounts; reset: () => void } {
  let forward = 0;
  let gradient = 0;
  let maxPerCall = 0;
  const rowsOf = (x: { shape: readonly number[] }): number => {
    const n = x.shape[0] ?? 1;
    maxPerCall = Math.max(maxPerCall, n);
    return n;
  };
  const model = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'forward') return (x: Parameters<Model['forward']>[0], o?: Parameters<Model['forward']>[1]) => ((forward += rowsOf(x)), target.forward(x, o));
      if (prop === 'activations')
        return (x: Parameters<Model['activations']>[0], layers: readonly string[], o?: Parameters<Model['activations']>[2]) => (
          (forward += rowsOf(x)), target.activations(x, layers, o)
        );
      if (prop === 'gradient') return (x: Parameters<Model['gradient']>[0], r: Parameters<Model['gradient']>[1]) => ((gradient += rowsOf(x)), target.gradient(x, r));
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    model,
    rows: () => ({ forward, gradient, maxPerCall }),
    reset: () => {
      forward = 0;
      gradient = 0;
      maxPerCall = 0;
    },
  };
}

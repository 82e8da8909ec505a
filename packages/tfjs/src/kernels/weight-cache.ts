/**
 * Cache of transformed weights (transposed / flipped conv filters), keyed by the weight tensor.
 * Only persistent weights are cached (tensors created outside any tf.tidy scope, or kept); a
 * temporary weight (e.g. one modified by a propagation rule inside a call) is transformed per
 * call and freed with its scope. Cached tensors are kept until `dispose()` or until their key
 * tensor has been disposed (swept on the next insertion). Owned by one Kernels instance/model,
 * together with the set of its calls' transient tensors (`markTransient`): no module-level state.
 */
import * as tf from '@tensorflow/tfjs-core';

export class WeightCache {
  private readonly entries = new Map<tf.Tensor, Map<string, tf.Tensor[]>>();
  /**
   * Tensors a model call returned from one of its scopes to use in the next (a call with an abort
   * signal runs each graph node in its own tf.tidy): no longer in an open scope, yet freed when the
   * call ends, so never cache keys.
   */
  private readonly transient = new WeakSet<tf.Tensor>();

  /** Marks the tensors of a scope's result as belonging to the running call (see `transient`). */
  markTransient(value: tf.TensorContainer): void {
    for (const t of tf.tensor_util.getTensorsInContainer(value)) this.transient.add(t);
  }

  /**
   * True when `t` does not belong to a currently open tf.tidy scope nor to a running call of this
   * cache's model (it will outlive this call).
   */
  isPersistent(t: tf.Tensor): boolean {
    if (t.kept) return true;
    if (this.transient.has(t)) return false;
    const stack = tf.engine().state.scopeStack;
    for (const scope of stack) if (scope.id === t.scopeId) return false;
    return true;
  }

  /** The transformed tensors for (`w`, `key`), computing them with `make` when missing. */
  get(w: tf.Tensor, key: string, make: () => tf.Tensor[]): tf.Tensor[] {
    if (!this.isPersistent(w)) return make();
    const hit = this.entries.get(w)?.get(key);
    if (hit !== undefined && hit.every((t) => !t.isDisposed)) return hit;
    this.sweep();
    const made = tf.tidy(make).map((t) => tf.keep(t));
    let forW = this.entries.get(w);
    if (forW === undefined) {
      forW = new Map();
      this.entries.set(w, forW);
    }
    forW.set(key, made);
    return made;
  }

  /** Number of cached tensors (for tests). */
  get size(): number {
    let n = 0;
    for (const m of this.entries.values()) for (const ts of m.values()) n += ts.length;
    return n;
  }

  dispose(): void {
    for (const m of this.entries.values()) for (const ts of m.values()) tf.dispose(ts);
    this.entries.clear();
  }

  private sweep(): void {
    for (const [w, m] of this.entries) {
      if (w.isDisposed) {
        for (const ts of m.values()) tf.dispose(ts);
        this.entries.delete(w);
      }
    }
  }
}

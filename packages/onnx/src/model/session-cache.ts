/**
 * Sessions keyed by request signature, created once (concurrent requests share the pending
 * creation) and all released by `releaseAll()`. `created` counts sessions ever created.
 */
import type { InferenceSession } from 'onnxruntime-common';

export interface CachedSession<M> {
  readonly session: InferenceSession;
  readonly meta: M;
}

export class SessionCache<M> {
  private readonly entries = new Map<string, Promise<CachedSession<M>>>();
  private createdCount = 0;

  get created(): number {
    return this.createdCount;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, make: () => Promise<CachedSession<M>>): Promise<CachedSession<M>> {
    let entry = this.entries.get(key);
    if (!entry) {
      this.createdCount++;
      entry = make();
      this.entries.set(key, entry);
      // A failed creation is not cached: the next call retries (and reports the error again).
      entry.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    return entry;
  }

  /** Release every session (errors from individual releases are ignored). */
  async releaseAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      all.map(async (p) => {
        try {
          await (await p).session.release();
        } catch {
          // creation failed or already released: nothing to free
        }
      }),
    );
  }
}

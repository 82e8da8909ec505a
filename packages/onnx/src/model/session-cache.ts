/**
 * Sessions keyed by request signature, created once (concurrent requests share the pending
 * creation), at most `maxSessions` kept: the least recently used session that no run holds is
 * released when a new one is created. ONNX Runtime keeps each session's memory arena at its
 * peak, so an unbounded cache grows with every (method, batch size) a process ever ran: the 22
 * gradient, rule and layer methods on nsfwjs InceptionV3 left 14 GB resident on onnx-node.
 *
 * A session is pinned from `acquire` until the returned `unpin` is called (after its run), so a
 * session in use is never released. `releaseAll()` drops everything; `created` counts sessions
 * ever created, `evicted` those released to make room.
 */
import type { InferenceSession } from 'onnxruntime-common';

export interface CachedSession<M> {
  readonly session: InferenceSession;
  readonly meta: M;
}

interface Entry<M> {
  readonly promise: Promise<CachedSession<M>>;
  pins: number;
}

/** Default sessions kept per model (about one method's worth: its forward, gradient and chunk-size variants). */
export const DEFAULT_MAX_SESSIONS = 6;

export class SessionCache<M> {
  /** Insertion order = recency order (a hit moves its key to the end). */
  private readonly entries = new Map<string, Entry<M>>();
  private createdCount = 0;
  private evictedCount = 0;

  constructor(
    private readonly maxSessions: number = DEFAULT_MAX_SESSIONS,
    /** How an evicted session is released (the model queues it behind runs in flight). */
    private readonly releaser: (release: () => Promise<void>) => void = (release) => void release(),
  ) {}

  get created(): number {
    return this.createdCount;
  }

  get evicted(): number {
    return this.evictedCount;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The session for `key` (created by `make` on a miss), pinned until `unpin()`. */
  async acquire(key: string, make: () => Promise<CachedSession<M>>): Promise<CachedSession<M> & { unpin: () => void }> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      this.createdCount++;
      const promise = make();
      entry = { promise, pins: 0 };
      const created = entry;
      this.entries.set(key, created);
      // A failed creation is not cached: the next call retries (and reports the error again).
      promise.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    // Pinned before evicting, so the entry just made (the most recent) is never the one released.
    entry.pins++;
    this.evict();
    const pinned = entry;
    let unpinned = false;
    const unpin = (): void => {
      if (unpinned) return;
      unpinned = true;
      pinned.pins--;
      this.evict();
    };
    try {
      const value = await entry.promise;
      return { ...value, unpin };
    } catch (e) {
      unpin();
      throw e;
    }
  }

  /** Releases least recently used unpinned sessions while more than `maxSessions` are held. */
  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxSessions) return;
      if (entry.pins > 0) continue;
      this.entries.delete(key);
      this.evictedCount++;
      this.releaser(async () => {
        try {
          await (await entry.promise).session.release();
        } catch {
          // creation failed or already released: nothing to free
        }
      });
    }
  }

  /** Release every session (errors from individual releases are ignored). */
  async releaseAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      all.map(async (e) => {
        try {
          await (await e.promise).session.release();
        } catch {
          // creation failed or already released: nothing to free
        }
      }),
    );
  }
}

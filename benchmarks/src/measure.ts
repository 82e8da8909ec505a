/** Timing and memory sampling. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Peak process memory (RSS, ArrayBuffers), sampled after every model call (through the
 * algorithms' onProgress) and every repetition. Device memory inside one call is measured by
 * the adapter (AdapterSpec.peakBytes).
 */
export class MemorySampler {
  peakRss = 0;
  peakArrayBuffers = 0;

  sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.arrayBuffers > this.peakArrayBuffers) this.peakArrayBuffers = m.arrayBuffers;
  };
}

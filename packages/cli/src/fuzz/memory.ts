/**
 * Memory per fuzz case (issue 16): no loader may allocate more than its input justifies. A probe
 * measures, around one case, the peak resident memory it added (Linux: the process's VmHWM,
 * reset before the case through /proc/self/clear_refs) and what the loaded result retains (JS
 * heap + ArrayBuffers after a full GC, the result still alive). The bound is proportional to the
 * case's bytes plus a constant, plus — for ONNX, whose importer folds constants a tiny file can
 * declare — twice the folded-constant cap (OnnxImportOptions.maxConstantElements × 4 bytes: the
 * folded value and its graph initializer).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** What the bound needs of a case (loaders.ts' FuzzCase; not imported, loaders.ts imports this file). */
export interface SizedCase {
  readonly loader: string;
  readonly files: Readonly<Record<string, Uint8Array | { readonly symlinkTo: string }>>;
}

export interface MemoryUse {
  /** Peak resident bytes above the resident size before the case (VmHWM − RSS before). */
  readonly peakBytes: number;
  /** JS heap + ArrayBuffer bytes the loaded result (or the error) keeps, after a full GC (NaN without --expose-gc). */
  readonly retainedBytes: number;
}

export interface MemoryProbe {
  start(): void;
  /** Called with the case's result still reachable. */
  end(): MemoryUse;
}

/** Bytes a case is made of (its files; a symlink counts its target's 4 KiB). */
export function caseBytes(c: SizedCase): number {
  let n = 0;
  for (const f of Object.values(c.files)) n += f instanceof Uint8Array ? f.byteLength : 4096;
  return n;
}

/** The bound's parameters: bytes ≤ perInputByte × case bytes + constantBytes (+ 2 × the ONNX folding cap). */
export const MEMORY_BOUND = {
  perInputByte: 32,
  constantBytes: 32 * 2 ** 20,
  onnxFoldingCapBytes: 4 * 2 ** 24,
} as const;

export function memoryBound(c: SizedCase): number {
  return MEMORY_BOUND.perInputByte * caseBytes(c) + MEMORY_BOUND.constantBytes + (c.loader === 'onnx' ? 2 * MEMORY_BOUND.onnxFoldingCapBytes : 0);
}

function vmHwmBytes(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * The probe, where it can measure: Linux (VmHWM resettable through /proc/self/clear_refs).
 * Undefined elsewhere. Without --expose-gc it measures the peak only (retainedBytes NaN).
 */
export function linuxMemoryProbe(): MemoryProbe | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (process.platform !== 'linux') return undefined;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    if (!Number.isFinite(vmHwmBytes())) return undefined;
  } catch {
    return undefined;
  }
  let rss0 = 0;
  let held0 = 0;
  const held = (): number => {
    const u = process.memoryUsage();
    return u.heapUsed + u.arrayBuffers;
  };
  return {
    start() {
      gc?.();
      rss0 = process.memoryUsage().rss;
      held0 = held();
      writeFileSync('/proc/self/clear_refs', '5');
    },
    end() {
      const peakBytes = Math.max(0, vmHwmBytes() - rss0);
      if (!gc) return { peakBytes, retainedBytes: NaN };
      gc();
      return { peakBytes, retainedBytes: Math.max(0, held() - held0) };
    },
  };
}

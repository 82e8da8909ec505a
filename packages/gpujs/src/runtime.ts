/**
 * One gpu.js instance in one mode: compiles kernels once per source (our sources inline every
 * shape constant, so a source is a (kernel, shape) pair) into a bounded LRU cache, runs them, and
 * tracks the textures they allocate so that `scope` can free intermediates (like tf.tidy).
 */
import type { IKernelRunShortcut, Texture } from 'gpu.js';
import { CapabilityError, InvalidArgumentError } from '@glasswing/core';
import { createGpu, GpujsModeError, isGlMode, type GpujsMode, type GpujsModeRequest } from './modes.js';
import { GpuTensor, isTexture, type GpuData } from './tensor.js';

/** Compiled kernels kept per runtime (least recently used ones are destroyed beyond it). */
export const DEFAULT_KERNEL_CACHE = 256;

export type KernelArg = GpuData | number;

export interface GpujsRuntimeOptions {
  readonly mode?: GpujsModeRequest;
  /** Compiled kernels to keep (default 256). */
  readonly maxKernels?: number;
}

export class GpujsRuntime {
  readonly mode: GpujsMode;
  /** True on GL modes: values stay on the device as textures between kernels. */
  readonly onDevice: boolean;
  private readonly gpu: ReturnType<typeof createGpu>['gpu'];
  private readonly cache = new Map<string, IKernelRunShortcut>();
  private readonly maxKernels: number;
  private readonly scopes: Set<Texture>[] = [];
  private readonly pinned = new Set<Texture>();
  private readonly owners = new WeakSet<GpuTensor>();
  /** The kernel that rendered each live texture, and how many live textures each kernel has made. */
  private readonly madeBy = new Map<Texture, IKernelRunShortcut>();
  private readonly liveCount = new Map<IKernelRunShortcut, number>();
  /** Kernels evicted from the cache whose results are still alive: destroyed with their last one. */
  private readonly retired = new Set<IKernelRunShortcut>();
  private compiled = 0;
  private disposed = false;

  constructor(options: GpujsRuntimeOptions = {}) {
    const max = options.maxKernels ?? DEFAULT_KERNEL_CACHE;
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError(`maxKernels must be a positive integer, got ${max}`);
    this.maxKernels = max;
    const { gpu, mode } = createGpu(options.mode ?? 'auto');
    this.gpu = gpu;
    this.mode = mode;
    this.onDevice = isGlMode(mode);
  }

  /** Kernels currently compiled and cached. */
  get cachedKernels(): number {
    return this.cache.size;
  }

  /**
   * Textures alive (GL modes): results of kernels not yet freed, model constants and uploads
   * included; always 0 on cpu / webasm, where values are host arrays.
   */
  get liveTextures(): number {
    return this.madeBy.size;
  }

  /** Kernels evicted from the cache but kept until their last live result is freed. */
  get retiredKernels(): number {
    return this.retired.size;
  }

  /** Kernels compiled over this runtime's life (cache misses). */
  get compiledKernels(): number {
    return this.compiled;
  }

  /**
   * Run the kernel `source` (a gpu.js kernel function as source text) over `size` output
   * elements; the result has shape `shape`.
   */
  run(source: string, shape: readonly number[], args: readonly KernelArg[]): GpuTensor {
    const size = shape.reduce((a, d) => a * d, 1);
    if (size === 0) return new GpuTensor(shape, null);
    const kernel = this.kernel(source, size, args);
    const out = kernel(...(args as never[])) as unknown as GpuData;
    this.checkMode(kernel);
    const t = new GpuTensor(shape, out instanceof Float32Array || isTexture(out) ? out : Float32Array.from(out as ArrayLike<number>));
    if (isTexture(out)) {
      this.madeBy.set(out, kernel);
      this.liveCount.set(kernel, (this.liveCount.get(kernel) ?? 0) + 1);
      const scope = this.scopes[this.scopes.length - 1];
      if (scope) scope.add(out);
      else {
        // Made outside any scope (model constants, user uploads): only releasing this very tensor frees it.
        this.pinned.add(out);
        this.owners.add(t);
      }
    }
    return t;
  }

  /** Host data onto the device (a texture on GL modes, a private copy otherwise). */
  upload(shape: readonly number[], data: Float32Array): GpuTensor {
    if (data.length === 0) return new GpuTensor(shape, null);
    if (!this.onDevice) return new GpuTensor(shape, Float32Array.from(data));
    return this.run('function(x) { return x[this.thread.x]; }', shape, [data]);
  }

  /** Device data back to the host. */
  download(t: GpuTensor): Float32Array {
    if (t.data === null) return new Float32Array(0);
    if (!isTexture(t.data)) return Float32Array.from(t.data);
    const a = t.data.toArray() as unknown;
    return a instanceof Float32Array && a.length === t.size ? Float32Array.from(a) : Float32Array.from((a as ArrayLike<number>)).subarray(0, t.size);
  }

  /** Run fn; textures allocated inside and not reachable from its result are deleted. */
  scope<R>(fn: () => R): R {
    if (!this.onDevice) return fn();
    const mine = new Set<Texture>();
    this.scopes.push(mine);
    let result: R;
    try {
      result = fn();
    } catch (e) {
      this.scopes.pop();
      for (const t of mine) this.free(t);
      throw e;
    }
    this.scopes.pop();
    const keep = new Set<Texture>();
    for (const t of collectTensors(result)) if (isTexture(t.data)) keep.add(t.data);
    for (const t of mine) if (!keep.has(t)) this.free(t);
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) for (const t of keep) if (mine.has(t)) parent.add(t);
    return result;
  }

  /** Delete the textures of the tensors in `value` (arrays / objects of GpuTensor). */
  release(value: unknown): void {
    const found = new Set<Texture>();
    for (const t of collectTensors(value)) {
      if (!isTexture(t.data)) continue;
      // A view (reshape) of a pinned tensor shares its texture: only the owner releases it.
      if (this.pinned.has(t.data) && !this.owners.has(t)) continue;
      found.add(t.data);
    }
    for (const t of found) {
      this.pinned.delete(t);
      this.free(t);
    }
  }

  /** Destroys every compiled kernel and the gpu.js instance. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.pinned) t.delete();
    this.pinned.clear();
    for (const k of this.cache.values()) k.destroy();
    this.cache.clear();
    for (const k of this.retired) k.destroy();
    this.retired.clear();
    this.madeBy.clear();
    this.liveCount.clear();
    this.gpu.destroy();
  }

  private kernel(source: string, size: number, args: readonly KernelArg[]): IKernelRunShortcut {
    if (this.disposed) throw new CapabilityError(`gpujs-${this.mode}: the runtime was disposed`);
    // A source inlines its shape constants but not always its arguments' sizes (a kernel reading
    // a slice of a larger input), and gpu.js fixes argument sizes at compile time: key on both.
    const key = `${size}|${args.map(argSize).join(',')}|${source}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const k = this.gpu.createKernel(source, {
      output: [size],
      precision: 'single',
      tactic: 'precision',
      pipeline: this.onDevice,
      immutable: true,
      loopMaxIterations: 1 << 20,
    } as never);
    this.compiled++;
    this.cache.set(key, k);
    while (this.cache.size > this.maxKernels) {
      const [oldest, victim] = this.cache.entries().next().value as [string, IKernelRunShortcut];
      this.cache.delete(oldest);
      // gpu.js' GL destroy() deletes textures its results still use (its first output lives in
      // its own texture cache) and reading a result back needs its kernel's framebuffers: a
      // kernel with live results is retired, and destroyed when the last of them is freed.
      if (this.liveCount.has(victim)) this.retired.add(victim);
      else victim.destroy();
    }
    return k;
  }

  /** Delete one texture; destroy its kernel if that was retired and this was its last result. */
  private free(t: Texture): void {
    t.delete();
    const k = this.madeBy.get(t);
    if (k === undefined) return;
    this.madeBy.delete(t);
    const n = (this.liveCount.get(k) ?? 1) - 1;
    if (n > 0) {
      this.liveCount.set(k, n);
      return;
    }
    this.liveCount.delete(k);
    if (this.retired.delete(k)) k.destroy();
  }

  /** gpu.js replaces a kernel it cannot build in the requested mode by a cpu one, silently: refuse that. */
  private checkMode(kernel: IKernelRunShortcut): void {
    const inner = (kernel as unknown as { kernel?: { constructor: { mode?: string }; fallbackReason?: string | null } }).kernel;
    const ran = inner?.constructor.mode;
    // GL kernel classes all report mode 'gpu'; a fallback reports 'cpu'.
    if (ran !== undefined && ran !== this.mode && !(this.onDevice && ran === 'gpu')) {
      throw new GpujsModeError(this.mode, `gpu.js ran a kernel in mode '${ran}' instead${inner?.fallbackReason ? ` (${inner.fallbackReason})` : ''}`);
    }
  }
}

/** An argument's size as gpu.js sees it ('n' for a number). */
function argSize(a: KernelArg): string {
  if (typeof a === 'number') return 'n';
  if (isTexture(a)) return (a as unknown as { output?: readonly number[] }).output?.join('x') ?? 't';
  return String((a as ArrayLike<number>).length);
}

/** The GpuTensors in a value (tensors, arrays and plain objects of them). */
function collectTensors(v: unknown, out: GpuTensor[] = [], seen = new Set<unknown>()): GpuTensor[] {
  if (v === null || typeof v !== 'object' || seen.has(v)) return out;
  seen.add(v);
  if (v instanceof GpuTensor) out.push(v);
  else if (Array.isArray(v)) for (const e of v) collectTensors(e, out, seen);
  else if (!ArrayBuffer.isView(v)) for (const e of Object.values(v)) collectTensors(e, out, seen);
  return out;
}

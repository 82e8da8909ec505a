/**
 * The ONNX Runtime abstraction, typed against `onnxruntime-common`: 'onnx-node' (native,
 * onnxruntime-node) or 'onnx-web' (WebAssembly, onnxruntime-web; also runs in Node), loaded by
 * dynamic import, or any user-supplied module with the same API (`{ InferenceSession, Tensor, env }`).
 *
 * Sessions use graph optimisation level 'all' and, by default, one intra-op thread per core.
 * For 'onnx-web' the wasm thread count is `numThreads` (default 2; set before the first session,
 * a process-wide ORT setting) and the wasm files are located by the package itself.
 */
import { InvalidArgumentError, isOutOfMemory, ModelFormatError, ResourceError, sizeOf, type Tensor } from '@glasswing/core';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';

export type OnnxRuntimeName = 'onnx-node' | 'onnx-web';

/** The part of an onnxruntime module Glasswing uses (onnxruntime-node and onnxruntime-web both fit). */
export interface OrtModule {
  readonly InferenceSession: Pick<typeof import('onnxruntime-common').InferenceSession, 'create'>;
  readonly Tensor: typeof import('onnxruntime-common').Tensor;
  readonly env: typeof import('onnxruntime-common').env;
}

export interface RuntimeOptions {
  /** Intra-op threads per session (default: the number of CPU cores). */
  readonly intraOpNumThreads?: number;
  /** onnx-web only: wasm threads (default 2). A process-wide ORT setting. */
  readonly numThreads?: number;
}

/** Per-session creation options (the disk cache's; a runtime may ignore them). */
export interface CreateSessionOptions {
  /** Ask ORT to write its optimised graph there (onnx-node: `optimizedModelFilePath`). */
  readonly saveOptimizedTo?: string;
  /** The model is already ORT-optimised (a disk-cache entry): create it with graph optimisation off. */
  readonly preOptimized?: boolean;
  /**
   * onnx-node: whether the session's intra-op threads spin-wait for work after a run (ORT's default,
   * true). A session that runs between another session's runs (a model's forward-only session beside
   * its gradient sessions) is made with false: its idle threads would otherwise spin on the cores the
   * next session's run needs (docs/performance.md, "Sessions that spin").
   */
  readonly spinning?: boolean;
}

export interface OnnxRuntime {
  /** 'onnx-node', 'onnx-web', or 'onnx-custom' for a user-supplied module. */
  readonly name: string;
  readonly ort: OrtModule;
  createSession(model: Uint8Array, options?: CreateSessionOptions): Promise<InferenceSession>;
  /** Run with host tensors; returns the requested outputs as host tensors. */
  run(session: InferenceSession, feeds: Readonly<Record<string, Tensor>>, outputs: readonly string[]): Promise<Record<string, Tensor>>;
}

/** What `runtime` options accept: a name, an already loaded runtime, or a raw ort module. */
export type RuntimeSpec = OnnxRuntimeName | OnnxRuntime | { readonly name?: string; readonly ort: OrtModule };

async function coreCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node) {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  return 1;
}

function isOrtModule(v: unknown): v is OrtModule {
  const m = v as Partial<OrtModule> | null;
  return !!m && typeof m.InferenceSession?.create === 'function' && typeof m.Tensor === 'function';
}

async function importOrt(name: OnnxRuntimeName): Promise<OrtModule> {
  try {
    const mod: unknown = await (name === 'onnx-node' ? import('onnxruntime-node') : import('onnxruntime-web'));
    if (isOrtModule(mod)) return mod;
    const fallback = (mod as { default?: unknown }).default;
    if (isOrtModule(fallback)) return fallback;
    throw new Error('the module does not export InferenceSession and Tensor');
  } catch (e) {
    const pkg = name === 'onnx-node' ? 'onnxruntime-node' : 'onnxruntime-web';
    throw new InvalidArgumentError(`runtime ${name} needs the ${pkg} package: ${(e as Error).message}`);
  }
}

function makeRuntime(name: string, ort: OrtModule, threads: number): OnnxRuntime {
  const options: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    // The memory pattern allocates a second full-size block on the second run (a slow run and
    // ~1.5x the peak memory on large networks) for no measurable gain on these static graphs.
    enableMemPattern: false,
    intraOpNumThreads: threads,
    executionProviders: name === 'onnx-web' ? ['wasm'] : ['cpu'],
  };
  return {
    name,
    ort,
    async createSession(model, create = {}) {
      // Only onnx-node writes and reloads optimised graphs (onnxruntime-web has no file system).
      const native = name === 'onnx-node';
      const opts: InferenceSession.SessionOptions = {
        ...options,
        ...(native && create.preOptimized ? { graphOptimizationLevel: 'disabled' as const } : {}),
        ...(native && create.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
        // Saving an NCHWc-optimised graph logs a warning that it is hardware-specific: the cache key
        // names the CPU, so it is expected here (errors are still logged).
        ...(native && create.saveOptimizedTo && !create.preOptimized ? { optimizedModelFilePath: create.saveOptimizedTo, logSeverityLevel: 3 as const } : {}),
      };
      try {
        return await ort.InferenceSession.create(model, opts);
      } catch (e) {
        const said = e instanceof Error ? e.message : String(e);
        // Out of memory while building the session (weights, arena; onnx-web's 4 GiB wasm heap) is
        // a resource problem, not a bad model.
        if (isOutOfMemory(e)) {
          throw new ResourceError(
            `${name} ran out of memory creating a session ("${said.split('\n')[0]!.slice(0, 200)}"); lower internalBatchSize (CLI: --internal-batch-size) or the sessions kept (maxSessions), or use onnx-node`,
            undefined,
            { cause: e },
          );
        }
        throw new ModelFormatError(`${name} could not create a session: ${said}`);
      }
    },
    async run(session, feeds, outputs) {
      const input: Record<string, OrtTensor> = {};
      for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor('float32', t.data, [...t.shape]);
      const res = await session.run(input, [...outputs]);
      const out: Record<string, Tensor> = {};
      for (const k of outputs) {
        const r = res[k]!;
        const shape = r.dims.map(Number);
        const data = r.data instanceof Float32Array ? r.data : Float32Array.from(r.data as ArrayLike<number>);
        // Copy: the runtime may reuse its output buffers.
        out[k] = { shape, data: data.length === sizeOf(shape) ? new Float32Array(data) : data };
        r.dispose?.();
      }
      return out;
    },
  };
}

/** Load onnxruntime-node or onnxruntime-web (dynamic import), or wrap a user-supplied ort module. */
export async function loadRuntime(spec: RuntimeSpec = 'onnx-node', options: RuntimeOptions = {}): Promise<OnnxRuntime> {
  if (typeof spec === 'object' && spec !== null && 'createSession' in spec && typeof spec.createSession === 'function') return spec;
  const threads = options.intraOpNumThreads ?? (await coreCount());
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError(`intraOpNumThreads must be a positive integer, got ${threads}`);
  if (typeof spec === 'object' && spec !== null) {
    const custom = spec as { name?: string; ort: unknown };
    if (!isOrtModule(custom.ort)) throw new InvalidArgumentError('runtime.ort must be an onnxruntime module ({ InferenceSession, Tensor, env })');
    return makeRuntime(custom.name ?? 'onnx-custom', custom.ort, threads);
  }
  if (spec !== 'onnx-node' && spec !== 'onnx-web') {
    throw new InvalidArgumentError(`unknown ONNX runtime ${String(spec)}; use 'onnx-node' or 'onnx-web'`);
  }
  const ort = await importOrt(spec);
  if (spec === 'onnx-web') {
    const n = options.numThreads ?? 2;
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`numThreads must be a positive integer, got ${n}`);
    ort.env.wasm.numThreads = n;
  }
  return makeRuntime(spec, ort, threads);
}

/**
 * On-disk cache of emitted ONNX models (Node only), so that a new process pays graph emission and
 * ONNX Runtime's graph optimisation once per (model, request kind) instead of on every first call.
 *
 * Enabled by the `cacheDir` option of createOnnxModel/fromOnnx, or by the environment variable
 * GLASSWING_ONNX_CACHE=<directory>; `cacheDir: false` or GLASSWING_ONNX_CACHE=off (or 0, false,
 * empty) disables it. The Glasswing CLI turns it on by default (`defaultCacheDir`).
 *
 * An entry is `<key>.onnx` + `<key>.json`. The key is a SHA-256 of: this file's format number,
 * the @glasswing/onnx version, the runtime name and ORT version, the CPU (model name and
 * architecture: onnx-node's optimised graphs use hardware-specific layouts), a digest of the IR
 * graph (structure and every weight byte) and the request signature (batch, layers, overrides,
 * rules, canonizers). For onnx-node the stored model is the one ORT wrote after its own graph
 * optimisation (`optimizedModelFilePath`), loaded on a hit with optimisation off; for other
 * runtimes it is the emitted model. The JSON records the model's byte length and SHA-256, checked on
 * every hit: a missing, truncated, corrupt or unreadable entry is a miss (re-emitted and rewritten),
 * never an error. Writes go to a temporary file renamed into place, so concurrent processes never see
 * half an entry. Failing to write (read-only directory, full disk) only loses the cache.
 */
import type { Graph } from '@glasswing/core';
import type { EmittedModel } from '../emit/index.js';

/** Bumped when the entry layout or key recipe changes. */
export const DISK_CACHE_FORMAT = 1;

type NodeFs = typeof import('node:fs/promises');
type NodeCrypto = typeof import('node:crypto');

interface NodeModules {
  readonly fs: NodeFs;
  readonly crypto: NodeCrypto;
  readonly path: typeof import('node:path');
  readonly os: typeof import('node:os');
}

let nodeModules: Promise<NodeModules | undefined> | undefined;

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!proc?.versions?.node;
}

function loadNode(): Promise<NodeModules | undefined> {
  nodeModules ??= isNode()
    ? Promise.all([import('node:fs/promises'), import('node:crypto'), import('node:path'), import('node:os')]).then(
        ([fs, crypto, path, os]) => ({ fs, crypto, path, os }),
        () => undefined,
      )
    : Promise.resolve(undefined);
  return nodeModules;
}

function env(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}

const OFF = new Set(['', '0', 'off', 'false', 'no']);

/**
 * The cache directory to use: the `cacheDir` option when given (false: none), else
 * GLASSWING_ONNX_CACHE (off/0/false/empty: none), else `fallback` (the CLI passes `defaultCacheDir()`).
 */
export function resolveCacheDir(option: string | false | undefined, fallback?: string): string | undefined {
  if (option === false) return undefined;
  if (typeof option === 'string') return option;
  const fromEnv = env('GLASSWING_ONNX_CACHE');
  if (fromEnv !== undefined) return OFF.has(fromEnv.trim().toLowerCase()) ? undefined : fromEnv;
  return fallback;
}

/** $XDG_CACHE_HOME/glasswing/onnx, else ~/.cache/glasswing/onnx (Node only; undefined elsewhere). */
export async function defaultCacheDir(): Promise<string | undefined> {
  const m = await loadNode();
  if (!m) return undefined;
  const base = env('XDG_CACHE_HOME') || m.path.join(m.os.homedir(), '.cache');
  return m.path.join(base, 'glasswing', 'onnx');
}

async function packageVersion(m: NodeModules): Promise<string> {
  try {
    // src/model/ and dist/model/ both sit two levels below the package root.
    const { fileURLToPath } = await import('node:url');
    const text = await m.fs.readFile(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8');
    return String((JSON.parse(text) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** SHA-256 of a graph's structure and every initializer's bytes. */
export function graphDigest(crypto: NodeCrypto, graph: Graph): string {
  const h = crypto.createHash('sha256');
  const names = Object.keys(graph.initializers).sort();
  h.update(JSON.stringify({ inputs: graph.inputs, outputs: graph.outputs, nodes: graph.nodes, init: names.map((n) => [n, graph.initializers[n]!.shape]) }));
  for (const n of names) {
    const d = graph.initializers[n]!.data;
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}

interface EntryMeta {
  readonly format: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The stored model is ORT-optimised: create its session with optimisation off. */
  readonly preOptimized: boolean;
  readonly emitted: Omit<EmittedModel, 'bytes'>;
}

export interface CacheHit {
  readonly bytes: Uint8Array;
  readonly preOptimized: boolean;
  readonly emitted: EmittedModel;
}

/** The cache for one model's graph (its digest computed once, lazily). */
export class DiskCache {
  private context?: Promise<{ m: NodeModules; prefix: string } | undefined>;
  /** Entries read (`hits`) and written (`writes`) by this instance; for tests and diagnostics. */
  hits = 0;
  writes = 0;

  constructor(
    readonly dir: string,
    private readonly graph: Graph,
    private readonly runtimeName: string,
    private readonly ortVersion: string,
  ) {}

  private setup(): Promise<{ m: NodeModules; prefix: string } | undefined> {
    this.context ??= (async () => {
      const m = await loadNode();
      if (!m) return undefined;
      const cpu = m.os.cpus()[0]?.model ?? 'cpu';
      const prefix = JSON.stringify([DISK_CACHE_FORMAT, await packageVersion(m), this.runtimeName, this.ortVersion, cpu, m.os.arch(), graphDigest(m.crypto, this.graph)]);
      return { m, prefix };
    })().catch(() => undefined);
    return this.context;
  }

  /** The entry's path without extension for a request key, or undefined when no cache can be used. */
  async entryPath(requestKey: string): Promise<string | undefined> {
    const c = await this.setup();
    if (!c) return undefined;
    const key = c.m.crypto.createHash('sha256').update(`${c.prefix}|${requestKey}`).digest('hex');
    return c.m.path.join(this.dir, key);
  }

  /** The stored model, or undefined on a miss (missing, unreadable, truncated or corrupt entry). */
  async load(requestKey: string): Promise<CacheHit | undefined> {
    const c = await this.setup();
    const base = await this.entryPath(requestKey);
    if (!c || !base) return undefined;
    try {
      const meta = JSON.parse(await c.m.fs.readFile(`${base}.json`, 'utf8')) as EntryMeta;
      if (meta.format !== DISK_CACHE_FORMAT || typeof meta.sha256 !== 'string' || !meta.emitted?.inputs || !meta.emitted.outputs) return undefined;
      const buf = await c.m.fs.readFile(`${base}.onnx`);
      if (buf.byteLength !== meta.bytes) return undefined;
      if (c.m.crypto.createHash('sha256').update(buf).digest('hex') !== meta.sha256) return undefined;
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      this.hits++;
      return { bytes, preOptimized: meta.preOptimized === true, emitted: { ...meta.emitted, bytes } };
    } catch {
      return undefined;
    }
  }

  /** A temporary path ORT may write the optimised model to (in the cache directory), or undefined. */
  async scratchPath(requestKey: string): Promise<string | undefined> {
    const c = await this.setup();
    const base = await this.entryPath(requestKey);
    if (!c || !base) return undefined;
    try {
      await c.m.fs.mkdir(this.dir, { recursive: true });
    } catch {
      return undefined;
    }
    return `${base}.${Date.now().toString(36)}${Math.random().toString(36).slice(2)}.tmp.onnx`;
  }

  /** Removes a scratch file (best effort). */
  async discard(file: string): Promise<void> {
    const c = await this.setup();
    await c?.m.fs.rm(file, { force: true }).catch(() => undefined);
  }

  /**
   * Stores an entry: the ORT-optimised model at `optimizedPath` when that file exists (it is moved
   * into place), else the emitted bytes. Best effort: every failure is swallowed.
   */
  async store(requestKey: string, emitted: EmittedModel, optimizedPath?: string): Promise<void> {
    const c = await this.setup();
    const base = await this.entryPath(requestKey);
    if (!c || !base) return;
    const { fs, crypto } = c.m;
    const tmpTag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
    try {
      await fs.mkdir(this.dir, { recursive: true });
      let bytes: Uint8Array | undefined;
      let preOptimized = false;
      if (optimizedPath) {
        try {
          bytes = await fs.readFile(optimizedPath);
          preOptimized = bytes.byteLength > 0;
        } catch {
          bytes = undefined;
        }
      }
      if (!bytes || bytes.byteLength === 0) {
        bytes = emitted.bytes;
        preOptimized = false;
      }
      const { bytes: _drop, ...rest } = emitted;
      const meta: EntryMeta = { format: DISK_CACHE_FORMAT, bytes: bytes.byteLength, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), preOptimized, emitted: rest };
      // Model first, then its JSON: an entry without a (matching) JSON is a miss.
      if (optimizedPath && preOptimized) await fs.rename(optimizedPath, `${base}.onnx`);
      else {
        await fs.writeFile(`${base}.${tmpTag}.tmp`, bytes);
        await fs.rename(`${base}.${tmpTag}.tmp`, `${base}.onnx`);
      }
      await fs.writeFile(`${base}.${tmpTag}.json.tmp`, JSON.stringify(meta));
      await fs.rename(`${base}.${tmpTag}.json.tmp`, `${base}.json`);
      this.writes++;
    } catch {
      // best effort
    } finally {
      if (optimizedPath) await fs.rm(optimizedPath, { force: true }).catch(() => undefined);
      await fs.rm(`${base}.${tmpTag}.tmp`, { force: true }).catch(() => undefined);
      await fs.rm(`${base}.${tmpTag}.json.tmp`, { force: true }).catch(() => undefined);
    }
  }
}

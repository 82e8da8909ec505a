/**
 * Typed errors. Every bad input surfaces as one of these, with a message naming the problem.
 * `code` is stable and machine-readable.
 */
export type GlasswingErrorCode =
  | 'SHAPE'
  | 'TARGET'
  | 'UNSUPPORTED_OP'
  | 'MODEL_FORMAT'
  | 'CAPABILITY'
  | 'INVALID_ARGUMENT'
  | 'ABORTED'
  | 'NUMERIC'
  | 'RESOURCE';

export class GlasswingError extends Error {
  readonly code: GlasswingErrorCode;
  constructor(code: GlasswingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A tensor has the wrong shape or size. */
export class ShapeError extends GlasswingError {
  constructor(message: string) {
    super('SHAPE', message);
  }
}

/** A target (class index / output seed) is out of range or malformed. */
export class TargetError extends GlasswingError {
  constructor(message: string) {
    super('TARGET', message);
  }
}

/** An op (or op configuration) is not supported by the IR, an importer or a backend. */
export class UnsupportedOpError extends GlasswingError {
  readonly op: string;
  constructor(op: string, message: string) {
    super('UNSUPPORTED_OP', message);
    this.op = op;
  }
}

/** A model file is corrupt, truncated or not in the expected format. */
export class ModelFormatError extends GlasswingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', message, options);
  }
}

/** The model lacks a capability (gradients, layers, rules) the method needs. */
export class CapabilityError extends GlasswingError {
  constructor(message: string) {
    super('CAPABILITY', message);
  }
}

/** An option has an invalid value. */
export class InvalidArgumentError extends GlasswingError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/**
 * A layer name that names no layer of the model (no node, alias or module path). `candidates`
 * are the nearest known names (closest first), also listed in the message.
 */
export class UnknownLayerError extends InvalidArgumentError {
  readonly layer: string;
  readonly candidates: readonly string[];
  constructor(layer: string, candidates: readonly string[], message: string) {
    super(message);
    this.layer = layer;
    this.candidates = [...candidates];
  }
}

/**
 * A layer name that names a module the exporter folded or removed (a BatchNorm merged into the
 * preceding Conv, a Dropout dropped in eval mode): the model has no layer of its own for it.
 * `carrier` is the layer (node) that now carries the module's output, or undefined when that
 * output is the model input itself.
 */
export class FoldedLayerError extends InvalidArgumentError {
  readonly layer: string;
  readonly carrier: string | undefined;
  constructor(layer: string, carrier: string | undefined, message: string) {
    super(message);
    this.layer = layer;
    this.carrier = carrier;
  }
}

/** The work was cancelled through an AbortSignal. */
export class AbortError extends GlasswingError {
  constructor(message = 'the operation was aborted') {
    super('ABORTED', message);
  }
}

/** A computation produced NaN or Infinity. */
export class NumericError extends GlasswingError {
  constructor(message: string) {
    super('NUMERIC', message);
  }
}

/**
 * The backend ran out of memory (a wasm heap, ONNX Runtime's allocator, the JS heap) during a
 * model call. The message names the backend, the rows of the call, the backend's own words and
 * the option to lower: `internalBatchSize` (CLI: `--internal-batch-size`).
 */
export class ResourceError extends GlasswingError {
  /** Rows of the model call that failed, when known. */
  readonly rows: number | undefined;
  constructor(message: string, rows?: number, options?: { cause?: unknown }) {
    super('RESOURCE', message, options);
    this.rows = rows;
  }
}

/**
 * What backends say when an allocation fails: tfjs-wasm and onnxruntime-web ("memory access out
 * of bounds" after a failed malloc, "Aborted(OOM)", "Cannot enlarge memory", WebAssembly.Memory
 * growth), onnxruntime-node ("std::bad_alloc", "Failed to allocate memory"), V8 ("Array buffer
 * allocation failed", "Invalid typed array length", "Reached heap limit").
 */
const OUT_OF_MEMORY = [
  /memory access out of bounds/i,
  /out of memory|\bOOM\b/i,
  /bad[_ ]alloc(ation)?/i,
  /fail(ed)? to allocate/i,
  /allocation failed/i,
  /cannot enlarge memory/i,
  /WebAssembly\.Memory.*grow|Maximum memory size exceeded/i,
  /invalid (typed )?array( buffer)? length/i,
  /reached heap limit/i,
];

/** Whether `err` (any thrown value) reads as a backend out-of-memory failure. */
export function isOutOfMemory(err: unknown): boolean {
  if (err instanceof GlasswingError) return err instanceof ResourceError;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return OUT_OF_MEMORY.some((re) => re.test(message));
}

/**
 * `err` as a ResourceError when it is a backend out-of-memory failure in a model call of `rows`
 * rows on `backend` (with the option to lower in its message); any other error unchanged.
 */
export function asResourceError(err: unknown, backend: string, rows: number, call = 'model'): unknown {
  if (err instanceof ResourceError || !isOutOfMemory(err)) return err;
  const said = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
  const fix =
    rows > 1
      ? `lower internalBatchSize (CLI: --internal-batch-size) below ${rows} to send fewer rows per model call`
      : 'one row already needs more memory than this backend has: use an adapter with more memory (onnx-node) or a smaller input';
  return new ResourceError(`${backend} ran out of memory in a ${call} call of ${rows} row${rows === 1 ? '' : 's'} ("${said}"); ${fix}`, rows, { cause: err });
}

/** Levenshtein distance between two strings (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The `count` names nearest to `name` by edit distance (ties: names containing `name` or
 * contained in it first, then the given order); duplicates removed.
 */
export function nearestNames(name: string, names: Iterable<string>, count = 5): string[] {
  const seen = new Set<string>();
  const scored: { n: string; d: number; sub: number; i: number }[] = [];
  let i = 0;
  for (const n of names) {
    if (seen.has(n)) continue;
    seen.add(n);
    const sub = name !== '' && (n.includes(name) || name.includes(n)) ? 0 : 1;
    scored.push({ n, d: editDistance(name, n), sub, i: i++ });
  }
  scored.sort((a, b) => a.d - b.d || a.sub - b.sub || a.i - b.i);
  return scored.slice(0, count).map((s) => s.n);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

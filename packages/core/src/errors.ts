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
  | 'NUMERIC';

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

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

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

/**
 * Op definitions: one file per op under ./ops, owning forward semantics, shape inference and
 * the VJP, written only against `Kernels`. Every backend gets autodiff from its kernels.
 */
import type { Kernels } from './kernels.js';
import type { GraphNode, OpType } from './graph.js';

/** The role of an op, used by composites to map nodes to rules. */
export type OpKind = 'linear' | 'activation' | 'pool' | 'normalization' | 'elementwise' | 'shape' | 'identity';

export interface OpDef {
  readonly type: OpType;
  readonly kind: OpKind;
  /**
   * Indices of inputs that may carry data (receive gradients). Other inputs are parameters
   * (initializers) that rules may modify.
   */
  readonly dataInputs: readonly number[];
  /**
   * Output shapes from input shapes (batch may be -1). Throws ShapeError/UnsupportedOpError
   * naming the node when the configuration is invalid.
   */
  inferShapes(inputShapes: readonly (readonly number[])[], node: GraphNode): number[][];
  forward<T>(k: Kernels<T>, inputs: readonly T[], node: GraphNode): T[];
  /**
   * Gradients for each input given output gradients. Return `undefined` for parameter inputs.
   * `inputs`/`outputs` are the forward values (after any rule modification).
   * `needed[i] === false` (optional) means the caller does not need input i's gradient; the op may
   * then skip that work and return `undefined` for it.
   */
  vjp<T>(
    k: Kernels<T>,
    inputs: readonly T[],
    outputs: readonly T[],
    dys: readonly T[],
    node: GraphNode,
    needed?: readonly boolean[],
  ): (T | undefined)[];
}

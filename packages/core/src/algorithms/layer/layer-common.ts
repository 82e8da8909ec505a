/**
 * Shared body of the layer and neuron methods: validation (input, layer name, capabilities,
 * target), the call plan, and formatting. Layer attributions have the layer's shape
 * [N, ...layerShape] (layer = graph node name; activation = the node's first output).
 */
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { throwIfAborted } from '../../errors.js';
import { checkBatchSize, chunkCount, requireGradients, validateInput, validateTarget, ModelCaller, type AttributionResult, type CommonOptions, type ResolvedTarget } from '../_utils/common.js';
import { formatResult, type CoreResult } from '../_utils/gradient-method.js';
import { targetCalls } from '../_utils/rows.js';
import { checkLayerName, requireLayers } from '../_utils/requests.js';

export interface LayerOptions extends CommonOptions {
  /** Layer (graph node) name, see `model.layerNames`, or an alias the model's `resolveLayer` maps to one. */
  readonly layer: string;
}

/** Base of the layer methods: subclasses supply the id, option checks, plan and computation. */
export abstract class LayerMethod<O extends LayerOptions> {
  abstract readonly id: string;
  /** Whether the method takes gradients (LayerActivation does not). */
  protected readonly usesGradients: boolean = true;
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, given: O): Promise<AttributionResult> {
    const model = this.model;
    if (this.usesGradients) requireGradients(model, this.id);
    requireLayers(model, this.id);
    const n = validateInput(model, x);
    // An alias (e.g. a PyTorch module path on an ONNX model) becomes the layer it stands for.
    const layer = layerNameOf(model, given?.layer, this.id);
    const options: O = layer === given.layer ? given : { ...given, layer };
    checkBatchSize(options.internalBatchSize);
    this.validateOptions(options);
    const target = this.usesGradients ? validateTarget(model, options.target, n) : undefined;
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(this.plannedCalls(n, target === undefined, options));
    const res = await this.run(ctx, x, target, options);
    return formatResult(this.id, res, n, ctx.modelCalls);
  }

  /** Throws on invalid method-specific options (called before any model call). */
  abstract validateOptions(options: O): void;
  abstract plannedCalls(rows: number, resolveTarget: boolean, options: O): number;
  abstract run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: O): Promise<CoreResult>;
}

/**
 * The tappable layer `layer` names: itself when in `model.layerNames`, else what the model's
 * optional `resolveLayer` maps it to (aliases such as ONNX tensor names or PyTorch module paths;
 * its typed errors, UnknownLayerError / FoldedLayerError, propagate). InvalidArgumentError listing
 * the valid layers otherwise.
 */
export function layerNameOf(model: Model, layer: unknown, method: string): string {
  if (typeof layer === 'string' && layer !== '' && !model.layerNames.includes(layer) && typeof model.resolveLayer === 'function') {
    return checkLayerName(model, model.resolveLayer(layer), method);
  }
  return checkLayerName(model, layer, method);
}

/** A target list of −1 (methods without a target, e.g. LayerActivation). */
export function noTarget(n: number): ResolvedTarget {
  return { kind: 'index', indices: new Array<number>(n).fill(-1) };
}

/** Calls of `resolveTargetRows` (_utils/rows.ts) plus the chunks of `factor · rows` rows. */
export function targetPlusChunks(rows: number, resolveTarget: boolean, internalBatchSize: number | undefined, factor = 1): number {
  const max = checkBatchSize(internalBatchSize);
  return targetCalls(rows, resolveTarget, max) + chunkCount(factor * rows, max);
}

/** Growable per-row store of layer values [rows, ...layerShape] (shape known from the first chunk). */
export class RowStore {
  shape: number[] = [];
  data = new Float32Array(0);
  per = 0;
  constructor(private readonly rows: number) {}

  put(start: number, t: Tensor): void {
    if (this.data.length === 0) {
      this.shape = [this.rows, ...t.shape.slice(1)];
      this.per = sizeOf(t.shape.slice(1));
      this.data = new Float32Array(this.rows * this.per);
    }
    this.data.set(t.data, start * this.per);
  }

  tensor(): Tensor {
    return { shape: this.shape, data: this.data };
  }
}

/**
 * The shared `attribute` body of the input-attribution gradient methods: `GradientMethod`
 * (validate, plan, run, format) and the result formatting every method uses.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { NumericError, throwIfAborted } from '../../errors.js';
import { ModelCaller } from './caller.js';
import { requireGradients, targetList, validateInput, validateTarget } from './common.js';
import type { AttributionResult, CommonOptions, ResolvedTarget } from './types.js';

/** What an algorithm's inner computation returns (before formatting as AttributionResult). */
export interface CoreResult {
  readonly attributions: Tensor;
  /** Model outputs on the rows attributed. */
  readonly outputs: Tensor;
  readonly target: ResolvedTarget;
  readonly delta?: Float64Array;
}

/**
 * An algorithm that NoiseTunnel can wrap. `plan` and `run` are internal plumbing shared by the
 * algorithm classes; users call `attribute`.
 */
export interface GradientAttribution<O extends CommonOptions = CommonOptions> {
  readonly model: Model;
  /** Registry id of the plain method. */
  readonly id: string;
  attribute(x: Tensor, options?: O): Promise<AttributionResult>;
  /** @internal Throws on invalid options (called before any model call). */
  validateOptions(options: O): void;
  /** @internal Model calls `run` makes for `rows` rows (plus one if the target must be resolved). */
  plannedCalls(rows: number, resolveTarget: boolean, options: O, target?: ResolvedTarget): number;
  /** @internal The computation on validated input; `target` undefined = predicted class. */
  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: O): Promise<CoreResult>;
}

/**
 * Base of the input-attribution gradient methods (Saliency, InputXGradient, IntegratedGradients,
 * DeepLIFT, LRP, guided backprop, ...): holds the model and implements `attribute` with the
 * shared body; subclasses supply id, option checks, the call plan and the computation.
 */
export abstract class GradientMethod<O extends CommonOptions> implements GradientAttribution<O> {
  abstract readonly id: string;
  constructor(readonly model: Model) {}

  attribute(x: Tensor, options: O = {} as O): Promise<AttributionResult> {
    return attributeWith(this, x, options);
  }

  abstract validateOptions(options: O): void;
  abstract plannedCalls(rows: number, resolveTarget: boolean, options: O, target?: ResolvedTarget): number;
  abstract run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: O): Promise<CoreResult>;
}

/** Shared `attribute` body: validate, plan, run, format. */
export async function attributeWith<O extends CommonOptions>(
  method: GradientAttribution<O>,
  x: Tensor,
  options: O,
): Promise<AttributionResult> {
  const model = method.model;
  requireGradients(model, method.id);
  const n = validateInput(model, x);
  method.validateOptions(options);
  const target = validateTarget(model, options.target, n);
  const ctx = new ModelCaller(model, options.signal, options.onProgress);
  throwIfAborted(options.signal);
  ctx.plan(method.plannedCalls(n, target === undefined, options, target));
  const res = await method.run(ctx, x, target, options);
  return formatResult(method.id, res, n, ctx.modelCalls);
}

export function formatResult(method: string, res: CoreResult, n: number, modelCalls: number): AttributionResult {
  const a = res.attributions.data;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new NumericError(`${method}: attribution overflowed to ${a[i]} at flat index ${i}`);
  }
  const out: AttributionResult = {
    method,
    attributions: res.attributions,
    outputs: res.outputs,
    targets: targetList(res.target, n),
    modelCalls,
    ...(res.delta ? { delta: Float32Array.from(res.delta) } : {}),
  };
  return out;
}

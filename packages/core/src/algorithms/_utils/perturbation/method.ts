/**
 * Base of the forward-only (perturbation) attribution methods: the shared `attribute` body
 * (validate input, options and target before any model call; plan the calls for progress; run;
 * format). Unlike gradient methods, these need no model capability beyond `forward`.
 */
import type { Model } from '../../../model.js';
import type { Tensor } from '../../../tensor.js';
import { throwIfAborted } from '../../../errors.js';
import {
  ModelCaller,
  validateInput,
  validateTarget,
  type AttributionResult,
  type ResolvedTarget,
} from '../common.js';
import { formatResult, type CoreResult } from '../gradient-method.js';
import type { PerturbationOptions } from './batching.js';

export abstract class PerturbationMethod<O extends PerturbationOptions> {
  /** Registry id of the method. */
  abstract readonly id: string;
  constructor(readonly model: Model) {}

  /** Validates x, options and target, then runs the method. Needs only `model.forward`. */
  async attribute(x: Tensor, options: O = {} as O): Promise<AttributionResult> {
    const n = validateInput(this.model, x);
    this.validateOptions(x, options);
    const target = validateTarget(this.model, options.target, n);
    const ctx = new ModelCaller(this.model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(this.plannedCalls(x, options));
    const res = await this.run(ctx, x, target, options);
    return formatResult(this.id, res, n, ctx.modelCalls);
  }

  /** Throws a typed error on invalid options (called before any model call). */
  abstract validateOptions(x: Tensor, options: O): void;
  /** Model calls `run` will make (for progress totals). */
  abstract plannedCalls(x: Tensor, options: O): number;
  /** The computation on validated input; `target` undefined = predicted class. */
  abstract run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: O): Promise<CoreResult>;
}

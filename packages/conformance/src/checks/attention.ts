/**
 * Attention internals (core `internals/attention-*`), on graphs with attention Softmaxes (the
 * suite's `attention` graph; skipped, with the reason, where detection finds none):
 * - detection finds exactly the graph's planted attention nodes (`attentionNodes`), with layers;
 * - raw attention, rollout and flow read through the model's layer taps equal the reference
 *   executor's (probabilities, relevance, scores, outputs), chunked by `internalBatchSize`, and
 *   each attention row is a probability distribution;
 * - gradient-weighted attention (Chefer et al.) equals the reference's: attention gradients,
 *   relevance, targets (given and predicted).
 */
import {
  AttentionFlow,
  AttentionRollout,
  GradientWeightedAttention,
  RawAttention,
  findAttentionNodes,
  type AttentionResult,
  type Model,
  type Tensor,
} from '@glasswing/core';
import { ConformanceError, expectClose } from '../numeric.js';
import type { ConformanceGraph } from '../graphs/types.js';
import { expectCloseToScale } from './methods.js';
import { withoutGraph } from './internals.js';
import { makeInput, makeTargets, type CheckContext, type CheckOutcome, type ConformanceCheck } from './context.js';

const N = 3;

/** Why the attention checks do not apply to `spec` or the model, or undefined when they do. */
function notApplicable(spec: ConformanceGraph, model: Model): CheckOutcome {
  const found = findAttentionNodes(spec.graph).map((n) => n.name);
  if (spec.attentionNodes && found.join() !== spec.attentionNodes.join()) {
    throw new ConformanceError(`findAttentionNodes finds [${found.join(', ')}] but the graph plants [${spec.attentionNodes.join(', ')}]`);
  }
  if (found.length === 0) return { skip: `graph ${spec.id} has no attention Softmax (findAttentionNodes finds none)` };
  return withoutGraph(model, 'attention detection');
}

function expectSameResult(got: AttentionResult, want: AttentionResult, ctx: CheckContext, what: string): void {
  const layers = (r: AttentionResult) => JSON.stringify(r.layers.map((l) => [l.index, l.heads, l.nodes.map((n) => n.name)]));
  if (layers(got) !== layers(want)) throw new ConformanceError(`${what}: layers ${layers(got)}, the reference executor reads ${layers(want)}`);
  expectClose(got.attention, want.attention, ctx.tolerance.forward, `${what}: attention probabilities`);
  expectClose(got.outputs, want.outputs, ctx.tolerance.forward, `${what}: outputs`);
  expectCloseToScale(got.relevance, want.relevance, ctx.tolerance.internals, `${what}: relevance`);
  expectCloseToScale(got.scores, want.scores, ctx.tolerance.internals, `${what}: scores`);
  if (got.targets.join() !== want.targets.join()) throw new ConformanceError(`${what}: targets [${got.targets.join()}], reference [${want.targets.join()}]`);
}

/** Every [T] row of a [N, L, H, T, T] attention tensor sums to 1 (heads a layer lacks are all zero). */
function expectDistributions(a: Tensor, what: string): void {
  const t = a.shape[a.shape.length - 1]!;
  for (let r = 0; r < a.data.length / t; r++) {
    let s = 0;
    for (let j = 0; j < t; j++) s += a.data[r * t + j]!;
    if (s !== 0 && Math.abs(s - 1) > 1e-4) throw new ConformanceError(`${what}: attention row ${r} sums to ${s}, not 1`);
  }
}

export const attentionCheck: ConformanceCheck = {
  id: 'internals-attention',
  title: 'attention detection finds the planted Softmaxes; raw attention, rollout and flow equal the reference',
  requires: { layers: true },
  async run(ctx) {
    const skip = notApplicable(ctx.spec, ctx.model);
    if (skip) return skip;
    const x = makeInput(ctx.spec, N, 91);
    const options = { internalBatchSize: 2, query: 1 };
    for (const [name, method] of [
      ['raw attention', RawAttention],
      ['rollout', AttentionRollout],
      ['flow', AttentionFlow],
    ] as const) {
      const want = await new method(ctx.reference).attribute(x, options);
      const got = await new method(ctx.model).attribute(x, options);
      expectSameResult(got, want, ctx, name);
      expectDistributions(got.attention, name);
    }
  },
};

export const gradientAttentionCheck: ConformanceCheck = {
  id: 'internals-attention-gradient',
  title: 'gradient-weighted attention (Chefer et al.) equals the reference: attention gradients, relevance, targets',
  requires: { gradients: true, layers: true },
  async run(ctx) {
    const skip = notApplicable(ctx.spec, ctx.model);
    if (skip) return skip;
    const x = makeInput(ctx.spec, N, 92);
    for (const target of [makeTargets(ctx.spec, N), undefined]) {
      const options = { internalBatchSize: 2, ...(target ? { target } : {}) };
      const what = `gradient-weighted attention (${target ? 'given targets' : 'predicted class'})`;
      const want = await new GradientWeightedAttention(ctx.reference).attribute(x, options);
      const got = await new GradientWeightedAttention(ctx.model).attribute(x, options);
      if (!got.gradients || !want.gradients) throw new ConformanceError(`${what}: no attention gradients in the result`);
      expectCloseToScale(got.gradients, want.gradients, ctx.tolerance.gradient, `${what}: attention gradients`);
      expectSameResult(got, want, ctx, what);
    }
  },
};

export const ATTENTION_CHECKS: readonly ConformanceCheck[] = [attentionCheck, gradientAttentionCheck];

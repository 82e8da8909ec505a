/**
 * Every registered attribution method, picked up from core's METHODS by its declared capabilities:
 * one check `method-<id>` per entry, with `requires` = the entry's `requires` (so it is skipped,
 * never by name, where the model lacks one). No list of method ids is kept here.
 *
 * Inputs come from the options the method reads: `target` → per-example targets covering first,
 * last and middle outputs; `layer` → the graph's cut layer, else its tapped layers in order (the
 * first the reference executor accepts); `neuron` → 0; `window` → ones (every element occluded
 * alone); `featureMask` → a few contiguous groups; `steps` / `samples` small, a fixed `seed`;
 * `internalBatchSize` 2 < BATCH, so every pass (the predicted-class one included) is chunked.
 *
 * The method must give on the model under test what it gives on the reference executor over the
 * same graph: attributions (within `tolerance.attribution` of the reference's largest value),
 * outputs (`tolerance.forward`), convergence deltas, targets and model calls; and its progress
 * total must stay fixed and end at modelCalls. A method the reference executor itself refuses on
 * a graph with a typed error (e.g. Grad-CAM with no layer having a channel axis over a spatial
 * input) is skipped there as not applicable, with the reason.
 */
import { METHODS, type AttributionResult, type MethodOptions, type MethodSpec, type Model, type Progress, type Tensor } from '@glasswing/core';
import type { ConformanceGraph } from '../graphs/types.js';
import { ConformanceError, expectClose, maxAbs, sameShape, type Tolerance } from '../numeric.js';
import { BATCH, makeInput, makeTargets, type CheckContext, type CheckOutcome, type ConformanceCheck } from './context.js';

/** Groups of the derived feature mask (exact Shapley values cost 2^groups evaluations). */
const MASK_GROUPS = 5;

/** The options `spec` reads, derived for graph `g` (`layer` is chosen separately). */
export function derivedOptions(spec: MethodSpec, g: ConformanceGraph): MethodOptions {
  const size = g.inputShape.reduce((a, b) => a * b, 1);
  const groups = Math.min(MASK_GROUPS, size);
  const all: MethodOptions = {
    target: makeTargets(g, BATCH),
    steps: 8,
    samples: 12,
    stdev: 0.1,
    seed: 7,
    internalBatchSize: 2,
    neuron: 0,
    window: g.inputShape.map(() => 1),
    featureMask: Float32Array.from({ length: size }, (_, i) => Math.floor((i * groups) / size)),
  };
  const picked: Record<string, unknown> = {};
  for (const k of spec.options) if (k in all) picked[k] = all[k as keyof MethodOptions];
  return picked as MethodOptions;
}

/** Layers to try, in order: the cut layer, then the tapped ones. */
function layerCandidates(g: ConformanceGraph): string[] {
  return [...new Set([g.cut, ...g.taps])];
}

function isTypedError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

interface Run {
  readonly result: AttributionResult;
  readonly progress: readonly Progress[];
}

async function runWithProgress(spec: MethodSpec, model: Model, x: Tensor, options: MethodOptions): Promise<Run> {
  const progress: Progress[] = [];
  const result = await spec.run(model, x, { ...options, onProgress: (p) => progress.push(p) });
  return { result, progress };
}

/** The reference run (choosing the layer), or why the method does not apply to this graph. */
async function referenceRun(
  spec: MethodSpec,
  ctx: CheckContext,
  x: Tensor,
): Promise<{ options: MethodOptions; run: Run } | { skip: string }> {
  const base = derivedOptions(spec, ctx.spec);
  const layers = spec.options.includes('layer') ? layerCandidates(ctx.spec) : [undefined];
  const refusals: string[] = [];
  for (const layer of layers) {
    const options = layer === undefined ? base : { ...base, layer };
    try {
      return { options, run: await runWithProgress(spec, ctx.reference, x, options) };
    } catch (e) {
      if (!isTypedError(e)) throw e;
      refusals.push(`${layer === undefined ? '' : `layer ${layer}: `}${e.message}`);
    }
  }
  return { skip: `${spec.id} does not apply to graph ${ctx.spec.id} (the reference executor refuses it: ${refusals.join('; ')})` };
}

/** |actual − expected| ≤ atol + rtol · max|expected| element-wise (tolerance relative to the tensor's scale). */
export function expectCloseToScale(actual: Tensor, expected: Tensor, tol: Tolerance, what: string): void {
  expectClose(actual, expected, { atol: tol.atol + tol.rtol * maxAbs(expected.data), rtol: 0 }, what);
}

function expectSteadyProgress(progress: readonly Progress[], modelCalls: number, id: string): void {
  if (progress.length === 0) throw new ConformanceError(`${id}: no progress reported`);
  const total = progress[0]!.total;
  progress.forEach((p, i) => {
    if (p.total !== total) throw new ConformanceError(`${id}: progress total changed from ${total} to ${p.total} at call ${i + 1}`);
    if (p.done !== i + 1) throw new ConformanceError(`${id}: progress done ${p.done} at call ${i + 1}`);
  });
  if (total !== modelCalls) throw new ConformanceError(`${id}: progress total ${total} but ${modelCalls} model calls`);
}

/** The check of one METHODS entry. */
export function methodCheck(spec: MethodSpec): ConformanceCheck {
  return {
    id: `method-${spec.id}`,
    title: `${spec.title} (METHODS '${spec.id}') equals its result on the reference executor`,
    requires: spec.requires,
    async run(ctx): Promise<CheckOutcome> {
      const seed = 70 + Object.keys(METHODS).indexOf(spec.id);
      const x = makeInput(ctx.spec, BATCH, seed);
      const ref = await referenceRun(spec, ctx, x);
      if ('skip' in ref) return { skip: ref.skip };
      const want = ref.run.result;
      const { result: got, progress } = await runWithProgress(spec, ctx.model, x, ref.options);
      const id = spec.id;
      if (got.method !== id) throw new ConformanceError(`result.method is '${got.method}', expected '${id}'`);
      if (got.modelCalls !== want.modelCalls) {
        throw new ConformanceError(`${id}: ${got.modelCalls} model calls, the reference executor makes ${want.modelCalls}`);
      }
      expectSteadyProgress(progress, got.modelCalls, id);
      if (got.targets.join() !== want.targets.join()) {
        throw new ConformanceError(`${id}: targets [${got.targets.join()}], the reference executor gives [${want.targets.join()}]`);
      }
      if (!sameShape(got.attributions.shape, want.attributions.shape)) {
        throw new ConformanceError(`${id}: attributions of shape [${got.attributions.shape.join(', ')}], expected [${want.attributions.shape.join(', ')}]`);
      }
      expectClose(got.outputs, want.outputs, ctx.tolerance.forward, `${id} outputs vs the reference executor`);
      expectCloseToScale(got.attributions, want.attributions, ctx.tolerance.attribution, `${id} attributions vs the reference executor`);
      if ((got.delta === undefined) !== (want.delta === undefined)) {
        throw new ConformanceError(`${id}: delta ${got.delta ? 'present' : 'absent'}, the reference executor's ${want.delta ? 'present' : 'absent'}`);
      }
      if (got.delta && want.delta) {
        const scale = Math.max(maxAbs(want.delta), maxAbs(want.outputs.data));
        const tol = ctx.tolerance.attribution;
        expectClose(
          { shape: [got.delta.length], data: got.delta },
          { shape: [want.delta.length], data: want.delta },
          { atol: tol.atol + tol.rtol * scale, rtol: 0 },
          `${id} delta vs the reference executor`,
        );
      }
    },
  };
}

/** One check per METHODS entry, in METHODS order. */
export function methodChecks(): ConformanceCheck[] {
  return Object.values(METHODS).map(methodCheck);
}

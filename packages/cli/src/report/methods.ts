/**
 * Which attribution methods a report runs, with which options, and running them (batched over
 * the report's examples, progress on stderr).
 */
import { CapabilityError, METHODS } from '@glasswing/core';
import type { AttributionResult, Capabilities, Graph, Layout, MethodOptions, Model, Tensor } from '@glasswing/core';
import { UsageError } from '../args.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { progressBar } from '../progress.js';
import type { InputKind } from './model-info.js';

const GRADIENT_DEFAULTS = ['saliency', 'integrated-gradients', 'smoothgrad', 'gradient-shap'] as const;

function has(id: string): boolean {
  return Object.prototype.hasOwnProperty.call(METHODS, id);
}

function supported(id: string, caps: Capabilities): boolean {
  const spec = METHODS[id];
  if (!spec) return false;
  return Object.entries(spec.requires).every(([cap, need]) => !need || caps[cap as keyof Capabilities]);
}

/**
 * The default set for a model: the gradient methods when it has gradients, plus Grad-CAM on the
 * last conv layer (when there is one) and occlusion for images, and kernel-shap for tabular
 * inputs (feature-ablation too when there are no gradients).
 */
export function defaultMethods(caps: Capabilities, kind: InputKind, convLayer?: string): string[] {
  const ids: string[] = [];
  if (caps.gradients) ids.push(...GRADIENT_DEFAULTS);
  if (kind === 'image' && convLayer !== undefined) ids.push('grad-cam');
  if (kind === 'image') ids.push('occlusion');
  else {
    ids.push('kernel-shap');
    if (!caps.gradients) ids.push('feature-ablation');
  }
  return ids.filter((id) => has(id) && supported(id, caps));
}

/** Parse `--methods a,b,c`: known ids, no repeats. */
export function parseMethodList(raw: string): string[] {
  const ids = raw.split(',').map((s) => s.trim());
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === '') throw new UsageError(`--methods must be a comma-separated list of method ids, got '${raw}'`);
    if (!has(id)) throw new UsageError(`unknown method '${id}' in --methods; methods: ${Object.keys(METHODS).join(', ')}`);
    if (seen.has(id)) throw new UsageError(`method '${id}' listed twice in --methods`);
    seen.add(id);
  }
  return ids;
}

/** Layer methods the report runs on the last conv layer (their maps are resized to the input). */
export const AUTO_LAYER_METHODS: ReadonlySet<string> = new Set(['grad-cam', 'guided-grad-cam']);

/** The last Conv node that the model can tap, if any. */
export function lastConvLayer(graph: Graph | null, model: Model): string | undefined {
  const tappable = new Set(model.layerNames);
  return graph?.nodes.filter((n) => n.op === 'Conv' && tappable.has(n.name)).at(-1)?.name;
}

/** A CapabilityError naming the first requested method the model cannot run. */
export function checkMethods(ids: readonly string[], caps: Capabilities, backend: string, limits?: string, convLayer?: string): void {
  for (const id of ids) {
    const spec = METHODS[id]!;
    for (const [cap, need] of Object.entries(spec.requires)) {
      if (need && !caps[cap as keyof Capabilities]) {
        const why = limits !== undefined ? `: ${limits}` : '';
        throw new CapabilityError(`method '${id}' needs ${cap}, which the ${backend} model does not provide${why}`);
      }
    }
    if (spec.options.includes('layer') && !(AUTO_LAYER_METHODS.has(id) && convLayer !== undefined)) {
      throw new UsageError(
        AUTO_LAYER_METHODS.has(id)
          ? `method '${id}' needs a conv layer the model can tap; this model has none`
          : `method '${id}' attributes to a layer; the report shows input attributions only`,
      );
    }
  }
}

/**
 * Options the report passes to a method beyond its defaults: an occlusion window of about a sixth
 * of the image side (all channels at once), stride half the window.
 */
export function reportOptions(id: string, inputShape: readonly number[], layout: Layout | undefined): Partial<MethodOptions> {
  if (id !== 'occlusion') return {};
  const r = inputShape.length;
  if (r === 1) return { window: [1], strides: 1 };
  const [h, w] = r === 3 && layout === 'NCHW' ? [inputShape[1]!, inputShape[2]!] : [inputShape[0]!, inputShape[1]!];
  const k = Math.max(1, Math.round(Math.min(h, w) / 6));
  const s = Math.max(1, Math.round(k / 2));
  if (r === 2) return { window: [k, k], strides: [s, s] };
  if (r === 3) {
    return layout === 'NCHW'
      ? { window: [inputShape[0]!, k, k], strides: [inputShape[0]!, s, s] }
      : { window: [k, k, inputShape[2]!], strides: [s, s, inputShape[2]!] };
  }
  return { window: inputShape.map(() => 1), strides: 1 };
}

export interface MethodRun {
  readonly id: string;
  readonly title: string;
  readonly result: AttributionResult;
  readonly seconds: number;
}

/** Run each method on x (one batched call each), with a progress bar / final line on stderr. */
export async function runMethods(
  model: Model,
  x: Tensor,
  ids: readonly string[],
  options: { readonly target?: number | number[]; readonly layout?: Layout; readonly seed?: number; readonly convLayer?: string },
  io: ResolvedIO,
): Promise<MethodRun[]> {
  const runs: MethodRun[] = [];
  for (const id of ids) {
    const spec = METHODS[id]!;
    const bar = progressBar(`report: ${id}`, io);
    const started = Date.now();
    const signal = io.interruption?.signal;
    const work = () => spec.run(model, x, {
      ...reportOptions(id, model.inputShape, options.layout),
      ...(signal ? { signal } : {}),
      ...(options.target !== undefined ? { target: options.target } : {}),
      ...(options.seed !== undefined && spec.options.includes('seed') ? { seed: options.seed } : {}),
      ...(AUTO_LAYER_METHODS.has(id) && options.convLayer !== undefined ? { layer: options.convLayer } : {}),
      onProgress: (p) => bar.update(p.done, p.total),
    });
    let result: AttributionResult;
    try {
      result = await (io.interruption ? io.interruption.during(work) : work());
    } catch (err) {
      bar.stop();
      throw asInterruption(err, signal, bar, `report: ${id} on ${model.backend}`);
    }
    const seconds = (Date.now() - started) / 1000;
    bar.finish(`report: ${id} done in ${seconds.toFixed(1)} s (${result.modelCalls} model calls)`);
    runs.push({ id, title: spec.title, result, seconds });
  }
  return runs;
}

/**
 * The default adapter: the fastest one that is installed, loads, and has the capabilities the
 * command needs. `--adapter` overrides it.
 *
 * The ranking is data, fastest first, one list per kind of model file. It comes from
 * benchmarks/results/2026-11-22.md (Node 20, 2 CPUs): on every row there (saliency, integrated
 * gradients, LRP, DeepLIFT, Grad-CAM on LeNet; kernel SHAP, LIME, saliency, IG on the tabular MLP)
 *   onnx-node > tfjs-wasm, onnx-web > reference > tfjs-cpu   (examples per second)
 * e.g. IG on LeNet, batch 32: onnx-node 126.8, onnx-web 45.6, tfjs-wasm 29.9, reference 5.8,
 * tfjs-cpu 0.6. The benchmark's ONNX Runtime rows run each network's own ONNX export; for an IR
 * graph (a TensorFlow.js LayersModel or a Glasswing graph JSON) onnx-node runs the graph as
 * emitted ONNX, which measured the same way (LeNet IG, batch 32, 9 calls of 200 rows) took 295 ms
 * against tfjs-wasm's 1,211 ms with the same attributions; on real published LayersModels
 * (benchmarks/results/2026-12-04-real-models.md: nsfwjs MobileNetV2 224 / InceptionV3 299, one
 * image, all rows emitted from the IR graph) Saliency takes onnx-node 0.018 / 0.093 s, onnx-web
 * 0.097 / 0.50, tfjs-wasm 0.22 / 1.66, reference 1.09 / 4.96 (Captum: 0.07 / 0.22), and IG with 8
 * steps 0.21 / 0.86 s, 0.41 / 5.1, 1.43 / 13.2, 11.4 / 35.1 (Captum 1.51 / 3.0): onnx-node first
 * for them too. For IR graphs tfjs-wasm comes before onnx-web (its runs are shorter end to end on
 * small networks: no session per batch size to build; on the nsfwjs models onnx-web's timed runs
 * are faster, its first runs comparable: 1.7 / 2.7 s against 1.2 / 5.7 s); for ONNX files
 * onnx-web comes first, as it runs the file's original bytes. tfjs-cpu is slower than the
 * reference executor on every row, so it is never a default; `reference` (pure JS, part of
 * @glasswing/core) always loads and ends every list.
 *
 * The gpu.js adapters (`gpujs` = its best mode that starts here, `gpujs-cpu`, `gpujs-webasm`,
 * `gpujs-headlessgl`; @glasswing/gpujs) are explicit choices only and never a default: in Node
 * without a GPU their modes are plain JS / WebAssembly kernels, slower than every ranked adapter,
 * the reference executor included (benchmarks/results/2026-12-04-gpujs.md: IG on LeNet, batch 32,
 * gpujs-cpu 0.8 and gpujs-webasm 0.6 examples/s against reference 5.8, tfjs-wasm 29.9, onnx-node
 * 126.8), and placing them after `reference` would be pointless since `reference` always loads.
 * headlessgl can only pay off with a real GPU and the optional native `gl` build, which the user
 * then asks for by name.
 */
import { CapabilityError } from '@glasswing/core';
import type { Capabilities, Model } from '@glasswing/core';

export const ADAPTERS = [
  'reference',
  'tfjs-cpu',
  'tfjs-wasm',
  'onnx-node',
  'onnx-web',
  'gpujs',
  'gpujs-cpu',
  'gpujs-webasm',
  'gpujs-headlessgl',
] as const;
export type AdapterId = (typeof ADAPTERS)[number];

/** The gpu.js adapter ids and the gpu.js mode each asks for. */
export const GPUJS_ADAPTER_MODES = {
  gpujs: 'auto',
  'gpujs-cpu': 'cpu',
  'gpujs-webasm': 'webasm',
  'gpujs-headlessgl': 'headlessgl',
} as const satisfies Partial<Record<AdapterId, string>>;
export type GpujsAdapterId = keyof typeof GPUJS_ADAPTER_MODES;

export function isGpujsAdapter(adapter: AdapterId): adapter is GpujsAdapterId {
  return Object.hasOwn(GPUJS_ADAPTER_MODES, adapter);
}

/** Fastest first (see the file comment for the measurements). */
export const DEFAULT_ADAPTER_RANKING: Readonly<Record<'ir-graph' | 'onnx-file', readonly AdapterId[]>> = {
  /** TensorFlow.js LayersModels and Glasswing graph JSON. */
  'ir-graph': ['onnx-node', 'tfjs-wasm', 'onnx-web', 'reference'],
  /** ONNX files (forward-only ones can run on onnx-node and onnx-web only). */
  'onnx-file': ['onnx-node', 'onnx-web', 'tfjs-wasm', 'reference'],
};

/** An adapter the default passed over, and why. */
export interface SkippedAdapter {
  readonly adapter: AdapterId;
  readonly reason: string;
}

/** How the adapter was chosen: named by `--adapter`, or the default with what it passed over. */
export interface AdapterChoice {
  readonly adapter: AdapterId;
  readonly requested: boolean;
  readonly skipped: readonly SkippedAdapter[];
}

export interface ChooseOptions {
  /** Capabilities the command needs (a method's `requires`); adapters without them are passed over. */
  readonly requires?: Partial<Capabilities>;
}

/** Builds the model on one adapter; throws when the adapter is not installed or cannot run it. */
export type AdapterFactory = (adapter: AdapterId) => Promise<Model>;

/** The capabilities in `requires` that `model` lacks. */
export function missingCapabilities(model: Pick<Model, 'capabilities'>, requires: Partial<Capabilities> = {}): string[] {
  return (Object.keys(requires) as (keyof Capabilities)[]).filter((cap) => requires[cap] === true && !model.capabilities[cap]);
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function why(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const msg = oneLine(e && typeof e.message === 'string' && e.message !== '' ? e.message : String(err));
  return e?.code === 'ERR_MODULE_NOT_FOUND' ? `not installed (${msg})` : msg;
}

/**
 * Build the model on the first adapter of `candidates` that loads and has the capabilities in
 * `options.requires`. Passed-over adapters are disposed and reported in `choice.skipped`. When
 * none has the capabilities, the fastest one that loaded is returned anyway (the command then
 * reports what is missing, and why, in its own words); when none loads, the last adapter's error
 * is thrown.
 */
export async function openFastest(
  candidates: readonly AdapterId[],
  create: AdapterFactory,
  options: ChooseOptions = {},
): Promise<{ model: Model; choice: AdapterChoice }> {
  const skipped: SkippedAdapter[] = [];
  let lastError: unknown = new CapabilityError('no adapter to try');
  let fallback: { model: Model; adapter: AdapterId; skipped: readonly SkippedAdapter[] } | undefined;
  for (const adapter of candidates) {
    let model: Model;
    try {
      model = await create(adapter);
    } catch (err) {
      lastError = err;
      skipped.push({ adapter, reason: why(err) });
      continue;
    }
    const missing = missingCapabilities(model, options.requires);
    if (missing.length === 0) {
      if (fallback) await fallback.model.dispose();
      return { model, choice: { adapter, requested: false, skipped } };
    }
    if (fallback) await model.dispose();
    else fallback = { model, adapter, skipped: [...skipped] };
    skipped.push({ adapter, reason: `no ${missing.join(' or ')}` });
  }
  if (fallback) return { model: fallback.model, choice: { adapter: fallback.adapter, requested: false, skipped: fallback.skipped } };
  throw lastError;
}

/** Words for a summary line: "on onnx-node (default: fastest installed)" or "on tfjs-cpu". */
export function describeChoice(choice: AdapterChoice): string {
  if (choice.requested) return `on ${choice.adapter}`;
  const passed = choice.skipped.map((s) => `${s.adapter}: ${s.reason}`).join('; ');
  return `on ${choice.adapter} (default: fastest installed${passed ? `; passed over ${passed}` : ''})`;
}

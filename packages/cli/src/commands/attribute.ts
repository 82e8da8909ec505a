/**
 * `glasswing attribute`: run an attribution method on a model file and an input file, write the
 * result as JSON (stdout or --out) and optionally one heatmap PNG per example (--heatmap).
 * Progress (a bar with an ETA on a terminal) and a summary line naming the adapter go to stderr;
 * Ctrl-C stops the run after the model call in progress (exit code 130).
 */
import { METHODS, CapabilityError, TargetError, sizeOf, sliceBatch } from '@glasswing/core';
import type { MethodOptions, Model, Tensor } from '@glasswing/core';
import { renderHeatmapPng } from '@glasswing/viz';
import { PROGRESS_FLAGS, UsageError, parseBoolean, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { asBatch, readTensorFile, resolvePath, writeFile } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, imageLayout, openModel } from '../model-file.js';
import { methodDefaults, methodTitles, usedBy } from '../method-help.js';
import type { AdapterId } from '../model-file.js';
import { runMethod } from './attribute-run.js';

export const QUADRATURES = ['gausslegendre', 'riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid'] as const;

export const ATTRIBUTE_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  method: 'value',
  input: 'value',
  target: 'value',
  baseline: 'value',
  adapter: 'value',
  steps: 'value',
  quadrature: 'value',
  abs: 'value',
  samples: 'value',
  stdev: 'value',
  seed: 'value',
  'internal-batch-size': 'value',
  layer: 'value',
  window: 'value',
  strides: 'value',
  'feature-mask': 'value',
  'perturbations-per-eval': 'value',
  rule: 'value',
  composite: 'value',
  epsilon: 'value',
  gamma: 'value',
  alpha: 'value',
  neuron: 'value',
  relu: 'value',
  interpolation: 'value',
  'attribute-to-layer': 'value',
  out: 'value',
  heatmap: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function methodIds(): string[] {
  return Object.keys(METHODS);
}

export function attributeUsage(): string {
  // Every method list below is built from METHODS (method-help.ts): none is kept by hand.
  const methods = methodTitles();
  const defaults = methodDefaults();
  return `Usage: glasswing attribute --model <file> --method <id> --input <file.json> [options]

Explain a model's predictions with an attribution method.

Required:
  --model <file>            TensorFlow.js LayersModel model.json (weights next to it), a
                            Glasswing graph JSON ("format": "glasswing-graph") or an ONNX model
                            (.onnx); detected by content
  --method <id>             attribution method, one of:
${methods}
  --input <file.json>       {"shape": [N, ...], "data": [...]} or nested arrays, in the model's
                            native layout; one example without the batch dimension is N = 1

Options:
  --target <k | k0,k1,...>  class index for all examples, or one per example
                            (default: each example's predicted class)
  --baseline <b>            zeros, a constant (e.g. 0.5) or a tensor file [N, ...], [1, ...] or
                            one example; for gradient-shap a file [B, ...] is the baseline
                            distribution, for kernel-shap the background dataset, for lime on
                            1-D inputs the training data (tabular LIME; a constant = masking
                            value) and on images the hide colour (a constant) (default: zeros)
  --adapter <id>            reference (pure JS), tfjs-cpu, tfjs-wasm (TensorFlow.js), onnx-node
                            (ONNX Runtime, native), onnx-web (ONNX Runtime, wasm), or gpu.js
                            kernels: gpujs (its best mode here), gpujs-cpu, gpujs-webasm,
                            gpujs-headlessgl (needs the optional gl build and a display:
                            scripts/setup-headlessgl.sh, xvfb-run). Default: the fastest
                            installed one that can run the method, by the benchmarks:
                            onnx-node, else tfjs-wasm, onnx-web, reference (for .onnx files
                            onnx-web before tfjs-wasm; gpu.js only when asked for); the
                            summary line names it
  --steps <n>               integration steps${usedBy('steps')}
  --quadrature <rule>       path integration rule: ${QUADRATURES.slice(0, 2).join(', ')},
                            ${QUADRATURES.slice(2).join(', ')}${usedBy('quadrature')}
  --abs true|false          take |gradient|${usedBy('abs')}
  --samples <n>             samples per example: noise samples, permutations
                            (shapley-value-sampling), coalitions (kernel-shap), LIME samples${usedBy('samples')}
  --stdev <s>               noise standard deviation${usedBy('stdev')}
  --seed <n>                random seed${usedBy('seed')}
  --internal-batch-size <n> most rows per model call (default: about 131,072 input values per
                            call, at most 4,096 rows, so that a call stays short)
  --layer <name>            layer (node) name, for layer methods; for ONNX models also ONNX node
                            or tensor names, and PyTorch module names of torch.onnx exports (conv1,
                            layer4, layer2.1.conv2, features.18: the module's output, as Captum
                            hooks it)
  --window <a,b,...>        window extent per input dimension (required)${usedBy('window')}
  --strides <s | a,b,...>   window step, one for all dimensions or one per dimension (default 1)${usedBy('strides')}
  --feature-mask <file>     feature groups: a tensor file of integer group ids, one example's
                            shape, [1, ...] or [N, ...] (default: one group per element)${usedBy('featureMask')}
  --perturbations-per-eval <n>  most perturbations per model call${usedBy('perturbationsPerEval')}
  --rule <r>                DeepLIFT rule: rescale (default) or reveal-cancel${usedBy('rule')}
  --composite <name>        LRP composite: captum (default), epsilon-plus, epsilon-gamma-box,
                            epsilon-alpha2-beta1, epsilon-alpha-beta${usedBy('composite')}
  --epsilon <e>             LRP ε of the ε-rules (captum default 1e-9)${usedBy('epsilon')}
  --gamma <g>               LRP γ of the γ-rules (epsilon-gamma-box; default 0.25)${usedBy('gamma')}
  --alpha <a>               LRP α of the α-β rules, β = α − 1 (epsilon-alpha-beta; default 2)${usedBy('alpha')}
  --neuron <k | i,j,...>    flat index or multi-index into the layer's output (required)${usedBy('neuron')}
  --relu true|false         Grad-CAM: ReLU on the map (default false)${usedBy('relu')}
  --interpolation <mode>    Grad-CAM resizing to the input: nearest (default) or bilinear${usedBy('interpolation')}
  --attribute-to-layer true|false  Grad-CAM: return the layer-resolution map (default false)${usedBy('attributeToLayer')}
  --out <file.json>         write the result here instead of stdout
  --heatmap <file.png>      write a heatmap PNG per example: the given name for one example,
                            <name>-0.png, <name>-1.png, ... for several; overlaid on the input
                            for image inputs, a bar chart for 1-D inputs
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Layer methods (layer-*, grad-cam with --attribute-to-layer) give attributions of the layer's shape
[N, ...layerShape]; neuron methods and the rest attribute to the input.

Output JSON: {"method", "adapter", "shape", "attributions" (nested [N, ...]), "delta" (per
example, when the method defines one), "outputs" (nested [N, ...outputShape]), "targets"};
kernel-shap adds
"expectedValue", lime adds "intercept", "score" (weighted R²) and "localPrediction" (per example).
stderr gets a progress bar on a terminal and one summary line, e.g. "attribute:
integrated-gradients, 1 example, 3 model calls, 0.4 s on onnx-node (default: fastest installed)".
Ctrl-C stops the run after the model call in progress, writes nothing and exits with 130
(SIGTERM: 143); a second Ctrl-C exits at once.

Options a method does not use are ignored. Method defaults:
${defaults}
`;
}

interface AttributeRequest {
  readonly model: string;
  readonly method: string;
  readonly input: string;
  readonly adapter?: AdapterId;
  readonly target?: number | number[];
  readonly baseline?: 'zeros' | string;
  readonly out?: string;
  readonly heatmap?: string;
  readonly featureMask?: string;
  /** true: --progress, false: --no-progress, undefined: a bar when stderr is a TTY. */
  readonly progress?: boolean;
  readonly options: MethodOptions;
}

/** A comma-separated list of integers ≥ 1 (e.g. --window 3,3). */
export function parseIntList(name: string, raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  return parts.map((p) => {
    if (p === '') throw new UsageError(`--${name} must be a comma-separated list of integers, got '${raw}'`);
    return parseInteger(name, p, 1);
  });
}

/** --neuron: a flat index (e.g. 5) or a multi-index (e.g. 1,0,2). */
function parseNeuron(raw: string): number | number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const nums = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--neuron must be a non-negative integer or a comma-separated multi-index, got '${raw}'`);
    return Number(p);
  });
  return raw.includes(',') ? nums : nums[0]!;
}

export function parseTarget(raw: string): number | number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const nums = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--target must be a non-negative integer or a comma-separated list of them, got '${raw}'`);
    return Number(p);
  });
  return parts.length === 1 && !raw.includes(',') ? nums[0]! : nums;
}

/** The method options of `attribute` (--steps ... --attribute-to-layer), shared with explain-dataset. */
export function parseMethodOptions(v: Readonly<Record<string, string>>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (v['steps'] !== undefined) options['steps'] = parseInteger('steps', v['steps'], 1);
  if (v['quadrature'] !== undefined) options['quadrature'] = parseChoice('quadrature', v['quadrature'], QUADRATURES);
  if (v['abs'] !== undefined) options['abs'] = parseBoolean('abs', v['abs']);
  if (v['samples'] !== undefined) options['samples'] = parseInteger('samples', v['samples'], 1);
  if (v['stdev'] !== undefined) options['stdev'] = parseNumber('stdev', v['stdev'], 0);
  if (v['seed'] !== undefined) options['seed'] = parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER);
  if (v['internal-batch-size'] !== undefined) {
    options['internalBatchSize'] = parseInteger('internal-batch-size', v['internal-batch-size'], 1);
  }
  if (v['layer'] !== undefined) options['layer'] = v['layer'];
  if (v['window'] !== undefined) options['window'] = parseIntList('window', v['window']);
  if (v['strides'] !== undefined) {
    const st = parseIntList('strides', v['strides']);
    options['strides'] = st.length === 1 && !v['strides'].includes(',') ? st[0] : st;
  }
  if (v['perturbations-per-eval'] !== undefined) {
    options['perturbationsPerEval'] = parseInteger('perturbations-per-eval', v['perturbations-per-eval'], 1);
  }
  if (v['rule'] !== undefined) options['rule'] = parseChoice('rule', v['rule'], ['rescale', 'reveal-cancel'] as const);
  if (v['composite'] !== undefined) options['composite'] = v['composite'];
  if (v['epsilon'] !== undefined) options['epsilon'] = parseNumber('epsilon', v['epsilon'], 0);
  if (v['gamma'] !== undefined) options['gamma'] = parseNumber('gamma', v['gamma'], 0);
  if (v['alpha'] !== undefined) options['alpha'] = parseNumber('alpha', v['alpha'], 1);
  if (v['neuron'] !== undefined) options['neuron'] = parseNeuron(v['neuron']);
  if (v['relu'] !== undefined) options['relu'] = parseBoolean('relu', v['relu']);
  if (v['interpolation'] !== undefined) options['interpolation'] = parseChoice('interpolation', v['interpolation'], ['nearest', 'bilinear'] as const);
  if (v['attribute-to-layer'] !== undefined) options['attributeToLayer'] = parseBoolean('attribute-to-layer', v['attribute-to-layer']);
  return options;
}

/** Parse and validate the command line (usage errors only; nothing is read yet). */
export function parseAttributeArgs(argv: readonly string[]): AttributeRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, ATTRIBUTE_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const progress = parseProgressSwitches(switches);
  for (const name of ['model', 'method', 'input']) {
    if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  }
  const method = v['method']!;
  if (!Object.prototype.hasOwnProperty.call(METHODS, method)) {
    throw new UsageError(`unknown method '${method}'; valid methods: ${methodIds().join(', ')}`);
  }
  const adapter = v['adapter'] === undefined ? undefined : parseChoice('adapter', v['adapter'], ADAPTERS);
  const options = parseMethodOptions(v);
  return {
    model: v['model']!,
    method,
    input: v['input']!,
    ...(adapter !== undefined ? { adapter } : {}),
    ...(v['target'] !== undefined ? { target: parseTarget(v['target']) } : {}),
    ...(v['baseline'] !== undefined ? { baseline: v['baseline'] } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(v['heatmap'] !== undefined ? { heatmap: v['heatmap'] } : {}),
    ...(v['feature-mask'] !== undefined ? { featureMask: v['feature-mask'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
    options: options as MethodOptions,
  };
}

/** Shortest decimal that reads back to the same float32 (keeps JSON small and exact). */
export function f32(v: number): number {
  for (let p = 6; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s;
  }
  return v;
}

/** Nested arrays of plain numbers (shortest float32 decimals) for JSON output. */
function nested(t: Tensor): unknown {
  const data = Array.from(t.data, f32);
  if (t.shape.length === 0) return data[0];
  const build = (dim: number, offset: number): unknown[] => {
    const n = t.shape[dim]!;
    if (dim === t.shape.length - 1) return data.slice(offset, offset + n);
    const stride = sizeOf(t.shape.slice(dim + 1));
    return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** Delta per example: a number each, or an array each when the method gives several per example. */
function deltaPerExample(delta: Float32Array, n: number): unknown[] {
  const vals = Array.from(delta, f32);
  if (vals.length === n) return vals;
  if (n > 0 && vals.length % n === 0) {
    const k = vals.length / n;
    return Array.from({ length: n }, (_, i) => vals.slice(i * k, (i + 1) * k));
  }
  return vals;
}

export function heatmapPaths(path: string, n: number): string[] {
  if (n === 1) return [path];
  const m = /^(.*?)(\.[^./\\]*)?$/.exec(path)!;
  const stem = m[1]!;
  const ext = m[2] ?? '.png';
  return Array.from({ length: n }, (_, i) => `${stem}-${i}${ext}`);
}

async function loadBaselines(req: AttributeRequest, model: Model, cwd: string): Promise<number | Tensor | undefined> {
  if (req.baseline === undefined) return undefined;
  if (req.baseline === 'zeros') return 0;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(req.baseline)) return Number(req.baseline);
  const b = readTensorFile(resolvePath(cwd, req.baseline), 'baseline file');
  return asBatch(b, model.inputShape, 'baseline');
}

/**
 * A feature-mask file: a tensor file of group ids (validated by the method: shape, integers ≥ 0).
 * A flat list of one example's values is accepted for inputs of any rank.
 */
export function loadFeatureMask(path: string, model: Model, cwd: string): Tensor | Float32Array {
  const t = readTensorFile(resolvePath(cwd, path), 'feature mask file');
  if (t.shape.length === 1 && model.inputShape.length > 1 && t.data.length === sizeOf(model.inputShape)) return t.data;
  return t;
}

export async function runAttribute(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseAttributeArgs(argv);
  if (req === 'help') {
    io.out(attributeUsage());
    return 0;
  }
  const spec = METHODS[req.method]!;
  const opened = await openModel(resolvePath(io.cwd, req.model), req.adapter, { requires: spec.requires });
  const { model, file: loaded } = opened;
  try {
    const x = asBatch(readTensorFile(resolvePath(io.cwd, req.input), 'input file'), model.inputShape, 'input');
    const n = x.shape[0]!;
    const perExampleRank = model.inputShape.length;
    if (req.heatmap !== undefined && (perExampleRank < 1 || perExampleRank > 3)) {
      throw new CapabilityError(
        `--heatmap supports per-example inputs of rank 1 to 3; this model's input is [${model.inputShape.join(', ')}]`,
      );
    }
    if (Array.isArray(req.target) && req.target.length !== n) {
      throw new TargetError(`--target lists ${req.target.length} classes for ${n} examples`);
    }
    const baselines = await loadBaselines(req, model, io.cwd);
    const featureMask = req.featureMask === undefined ? undefined : loadFeatureMask(req.featureMask, model, io.cwd);
    for (const [cap, need] of Object.entries(spec.requires)) {
      if (need && !model.capabilities[cap as keyof typeof model.capabilities]) {
        const why = opened.limits !== undefined ? `: ${opened.limits}` : '';
        throw new CapabilityError(`method '${req.method}' needs ${cap}, which the ${model.backend} model does not provide${why}`);
      }
    }
    const resolved = req.options.layer !== undefined && spec.options.includes('layer') ? opened.describeLayer(req.options.layer) : undefined;
    const layer = resolved?.layer;
    for (const n of resolved?.notes ?? []) io.err(`note: layer '${req.options.layer}' is ${layer}: ${n}\n`);
    const result = await runMethod(
      req.method,
      opened,
      x,
      {
        ...req.options,
        ...(layer !== undefined ? { layer } : {}),
        ...(req.target !== undefined ? { target: req.target } : {}),
        ...(baselines !== undefined ? { baselines } : {}),
        ...(featureMask !== undefined ? { featureMask } : {}),
      },
      req.progress === undefined ? io : { ...io, progress: req.progress },
    );
    const attributions = result.attributions;
    const output: Record<string, unknown> = {
      method: result.method,
      adapter: opened.adapter,
      shape: [...attributions.shape],
      attributions: nested(attributions),
      ...(result.delta !== undefined ? { delta: deltaPerExample(result.delta, n) } : {}),
      outputs: nested(result.outputs),
      targets: [...result.targets],
    };
    for (const extra of ['expectedValue', 'intercept', 'score', 'localPrediction'] as const) {
      const v = (result as unknown as Record<string, unknown>)[extra];
      if (v instanceof Float32Array) output[extra] = Array.from(v, f32);
    }
    const json = JSON.stringify(output);
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');

    if (req.heatmap !== undefined) {
      const layout = imageLayout(loaded);
      const paths = heatmapPaths(resolvePath(io.cwd, req.heatmap), n);
      for (let i = 0; i < n; i++) {
        const attr = sliceBatch(attributions, i, i + 1);
        const one = { shape: attributions.shape.slice(1), data: attr.data };
        const sameShape = attributions.shape.length === x.shape.length && x.shape.every((d, k) => d === attributions.shape[k]);
        const image = perExampleRank >= 2 && sameShape ? { shape: x.shape.slice(1), data: sliceBatch(x, i, i + 1).data } : undefined;
        const png = renderHeatmapPng(one, { layout, ...(image ? { image } : {}) });
        writeFile(paths[i]!, png, 'heatmap');
      }
    }
    return 0;
  } finally {
    await model.dispose();
  }
}

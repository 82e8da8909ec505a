/**
 * `glasswing visualize`: feature visualization (activation maximisation) of a unit, channel or
 * objective of a model, and optionally its top-k dataset examples (--dataset). Writes JSON
 * (stdout or --out), a visualization grid (--png / --svg) and an exemplar grid (--exemplars-png /
 * --exemplars-svg). Progress bar on stderr; Ctrl-C stops after the model call in progress.
 */
import { existsSync } from 'node:fs';
import { CapabilityError, FeatureVisualization, InvalidArgumentError, objectives, sizeOf, standardTransforms, topActivatingExamples } from '@glasswing/core';
import type { Box, FeatureVisualizationOptions, Model, Objective, Penalty, Tensor, Transform } from '@glasswing/core';
import { exemplarGridPng, exemplarGridSvg, tileGridPng, tileGridSvg } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { asBatch, readTensorFile, readText, resolvePath, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, imageLayout, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';
import { f32 } from './attribute.js';

export const VISUALIZE_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  layer: 'value',
  channel: 'value',
  neuron: 'value',
  objective: 'value',
  param: 'value',
  steps: 'value',
  lr: 'value',
  seed: 'value',
  batch: 'value',
  diversity: 'value',
  transforms: 'value',
  l1: 'value',
  l2: 'value',
  tv: 'value',
  blur: 'value',
  range: 'value',
  dataset: 'value',
  'top-k': 'value',
  adapter: 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  'exemplars-png': 'value',
  'exemplars-svg': 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function visualizeUsage(): string {
  return `Usage: glasswing visualize --model <file> (--layer <name> --channel <c[,c...]> | --objective <json|file>) [options]

Feature visualization: inputs optimised (Adam) to maximise a unit, a channel or any objective of
a model's layer activations, through random transformations and with regularizers (lucid /
lucent semantics); optionally the top-k inputs of a dataset for the same units.

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --layer <name>            layer (node) name, see 'glasswing inspect'
  --channel <c | c0,c1,...> channel(s) of the layer; several give one image each (a batch)
  or
  --objective <json | file> an objective as JSON data, e.g. {"kind":"layer","layer":"conv2"}
                            (DeepDream); kinds: neuron {layer, channel, position?}, channel
                            {layer, channel}, layer {layer}, direction {layer, vector, position?},
                            diversity {layer}, sum {terms}, scale {by, objective}, batch {index,
                            objective}

Options:
  --neuron <y,x>            one position of the channel (a neuron) instead of the channel mean
                            (default: the channel mean)
  --param fft|pixel         parametrization: Fourier with decorrelated colour (default for
                            images) or raw pixels (default and only choice for 1-D inputs)
  --steps <n>               optimisation steps (default 256)
  --lr <x>                  Adam step size (default 0.05)
  --seed <n>                random seed of the initial image and the transforms (default 0)
  --batch <n>               images optimised together for one channel (default 1)
  --diversity <w>           add w × diversity (lucid: −pairwise Gram cosine similarity) of --layer
                            between the batch images (needs --batch ≥ 2)
  --transforms <t>          standard (lucent's pad, jitter, scale, rotate, jitter, scaled to the
                            image size; default for images), none, or a JSON list / file, e.g.
                            [{"kind":"jitter","pixels":2},{"kind":"rotate","degrees":[-5,0,5]}]
  --l1 <w>, --l2 <w>        L1 / L2 penalty weights on the image (default 0)
  --tv <w>                  total-variation penalty weight (default 0)
  --blur <w>                blur penalty weight (default 0)
  --range <lo,hi | json>    box of valid input values (default 0,1); or {"lo": …, "hi": …} (inline
                            JSON or a file) with a number or one value per input element each
                            (model layout), e.g. per-feature bounds of a tabular model
  --dataset <file.json>     inputs ({"shape": [N, ...], "data": [...]} or nested arrays, as for
                            'attribute --input'): report the --top-k inputs activating each
                            channel most (its maximum over positions, or the --neuron)
  --top-k <k>               dataset examples per channel (default 9)
  --adapter <id>            as for 'glasswing attribute' (default: the fastest installed)
  --out <file.json>         write the JSON here instead of stdout
  --png <file>, --svg <file>  the visualization grid: one tile per image, titled
  --exemplars-png <file>, --exemplars-svg <file>  the exemplar grid (needs --dataset): one row
                            per channel, its top-k inputs with the receptive field boxed
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Output JSON: {"adapter", "objective" (the objective data), "param", "steps", "seed", "lr",
"shape" ([B, ...inputShape]), "images" (nested, model layout), "titles", "value" (objective at
the images), "perImage", "history" (objective − penalties per step), "exemplars": [{"layer",
"channel", "position"?, "examples": [{"index", "value", "position"?, "box"?: {"top", "left",
"bottom", "right"}}]}] (with --dataset)}.
`;
}

export interface VisualizeRequest {
  readonly model: string;
  readonly layer?: string;
  readonly channels?: number[];
  readonly neuron?: number[];
  readonly objective?: string;
  readonly param?: 'fft' | 'pixel';
  readonly steps: number;
  readonly lr: number;
  readonly seed: number;
  readonly batch?: number;
  readonly diversity?: number;
  readonly transforms: string;
  readonly penalties: Penalty[];
  /** [lo, hi], or JSON text / a file path of {"lo", "hi"} (numbers or one value per input element). */
  readonly range: [number, number] | string;
  readonly dataset?: string;
  readonly topK: number;
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly exemplarsPng?: string;
  readonly exemplarsSvg?: string;
  readonly progress?: boolean;
}

function intList(name: string, raw: string, min: number): number[] {
  return raw.split(',').map((p) => {
    if (p.trim() === '') throw new UsageError(`--${name} must be a comma-separated list of integers, got '${raw}'`);
    return parseInteger(name, p.trim(), min);
  });
}

export function parseVisualizeArgs(argv: readonly string[]): VisualizeRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, VISUALIZE_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const progress = parseProgressSwitches(switches);
  if (v['model'] === undefined) throw new UsageError('missing required option --model');
  if (v['objective'] === undefined && (v['layer'] === undefined || v['channel'] === undefined)) {
    throw new UsageError('give --layer and --channel, or --objective');
  }
  if (v['objective'] !== undefined && (v['channel'] !== undefined || v['neuron'] !== undefined)) {
    throw new UsageError('--objective replaces --channel and --neuron; give one or the other');
  }
  const channels = v['channel'] === undefined ? undefined : intList('channel', v['channel'], 0);
  if (channels && channels.length > 1 && v['batch'] !== undefined) throw new UsageError('--batch applies to one --channel; several channels give one image each');
  if (v['diversity'] !== undefined && v['layer'] === undefined) throw new UsageError('--diversity needs --layer');
  if (v['dataset'] !== undefined && channels === undefined) throw new UsageError('--dataset needs --layer and --channel');
  if ((v['exemplars-png'] !== undefined || v['exemplars-svg'] !== undefined) && v['dataset'] === undefined) throw new UsageError('--exemplars-png / --exemplars-svg need --dataset');
  const raw = v['range'];
  const numeric = raw === undefined || /^[^{\[]*,[^,]*$/.test(raw.trim()) && !raw.trim().endsWith('.json');
  const range = raw === undefined ? [0, 1] : numeric ? raw.split(',').map((p) => parseNumber('range', p.trim(), -Infinity)) : raw;
  if (Array.isArray(range) && (range.length !== 2 || !(range[0]! < range[1]!))) throw new UsageError(`--range must be lo,hi with lo < hi, or a JSON {"lo", "hi"} (file), got '${raw}'`);
  const penalties: Penalty[] = [];
  for (const kind of ['l1', 'l2', 'tv', 'blur'] as const) if (v[kind] !== undefined) penalties.push({ kind, weight: parseNumber(kind, v[kind]!, 0) });
  const opt = <T>(key: string, f: (raw: string) => T): Record<string, T> => (v[key] === undefined ? {} : { [key]: f(v[key]!) });
  return {
    model: v['model']!,
    ...opt('layer', (s) => s),
    ...(channels ? { channels } : {}),
    ...(v['neuron'] !== undefined ? { neuron: intList('neuron', v['neuron'], 0) } : {}),
    ...opt('objective', (s) => s),
    ...(v['param'] !== undefined ? { param: parseChoice('param', v['param'], ['fft', 'pixel'] as const) } : {}),
    steps: v['steps'] === undefined ? 256 : parseInteger('steps', v['steps'], 0),
    lr: v['lr'] === undefined ? 0.05 : parseNumber('lr', v['lr'], Number.MIN_VALUE),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    ...(v['batch'] !== undefined ? { batch: parseInteger('batch', v['batch'], 1) } : {}),
    ...(v['diversity'] !== undefined ? { diversity: parseNumber('diversity', v['diversity'], 0) } : {}),
    transforms: v['transforms'] ?? 'standard',
    penalties,
    range: range as [number, number] | string,
    ...opt('dataset', (s) => s),
    topK: v['top-k'] === undefined ? 9 : parseInteger('top-k', v['top-k'], 1),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...opt('out', (s) => s),
    ...opt('png', (s) => s),
    ...opt('svg', (s) => s),
    ...(v['exemplars-png'] !== undefined ? { exemplarsPng: v['exemplars-png'] } : {}),
    ...(v['exemplars-svg'] !== undefined ? { exemplarsSvg: v['exemplars-svg'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  } as VisualizeRequest;
}

/** JSON given inline (starting with '{' or '[') or as a file path. */
function jsonArg(raw: string, what: string, cwd: string): unknown {
  const t = raw.trim();
  const text = t.startsWith('{') || t.startsWith('[') ? t : readText(resolvePath(cwd, raw), `${what} file`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** --range as the library's Box: [lo, hi], or {lo, hi} from JSON text or a file. */
function rangeOf(range: [number, number] | string, cwd: string): Box {
  if (Array.isArray(range)) return range;
  const j = jsonArg(range, '--range', cwd) as { lo?: unknown; hi?: unknown };
  const ok = (v: unknown) => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
  if (!j || typeof j !== 'object' || !ok(j.lo) || !ok(j.hi)) throw new UsageError('--range JSON must be {"lo": number | [numbers], "hi": number | [numbers]}');
  return { lo: j.lo as number | number[], hi: j.hi as number | number[] };
}

function transformsOf(raw: string, model: Model, layout: 'NCHW' | 'NHWC' | undefined, cwd: string): Transform[] {
  if (raw === 'none') return [];
  const s = model.inputShape;
  if (raw === 'standard') {
    if (s.length < 2) return [];
    const [h, w] = s.length === 2 ? [s[0]!, s[1]!] : layout === 'NHWC' ? [s[0]!, s[1]!] : [s[1]!, s[2]!];
    return standardTransforms(Math.max(h, w));
  }
  return jsonArg(raw, '--transforms', cwd) as Transform[];
}

function nested(t: Tensor): unknown {
  const data = Array.from(t.data, f32);
  const build = (dim: number, offset: number): unknown[] => {
    const n = t.shape[dim]!;
    if (dim === t.shape.length - 1) return data.slice(offset, offset + n);
    const stride = sizeOf(t.shape.slice(dim + 1));
    return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** The objective, titles and batch size of a request. */
export function planObjective(req: VisualizeRequest, layer: string | undefined, cwd: string): { objective: Objective; titles: string[]; batch: number | undefined } {
  let objective: Objective;
  let titles: string[];
  let batch = req.batch;
  const where = req.neuron ? ` @ ${req.neuron.join(',')}` : '';
  if (req.objective !== undefined) {
    objective = jsonArg(req.objective, '--objective', cwd) as Objective;
    titles = [];
  } else {
    const unit = (c: number) => (req.neuron ? objectives.neuron(layer!, c, req.neuron) : objectives.channel(layer!, c));
    const cs = req.channels!;
    if (cs.length === 1) {
      objective = unit(cs[0]!);
      titles = Array.from({ length: batch ?? 1 }, (_, i) => `${layer} ch ${cs[0]}${where}${(batch ?? 1) > 1 ? ` #${i}` : ''}`);
    } else {
      objective = objectives.sum(...cs.map((c, i) => objectives.batch(i, unit(c))));
      titles = cs.map((c) => `${layer} ch ${c}${where}`);
      batch = cs.length;
    }
  }
  if (req.diversity !== undefined && req.diversity > 0) objective = objectives.sum(objective, objectives.scale(req.diversity, objectives.diversity(layer!)));
  return { objective, titles, batch };
}

export async function runVisualize(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseVisualizeArgs(argv);
  if (req === 'help') {
    io.out(visualizeUsage());
    return 0;
  }
  if (req.objective !== undefined && !req.objective.trim().startsWith('{') && !existsSync(resolvePath(io.cwd, req.objective))) {
    throw new UsageError(`--objective '${req.objective}' is neither JSON nor a file`);
  }
  const opened = await openModel(resolvePath(io.cwd, req.model), req.adapter, { requires: { gradients: true, layers: true, rules: true } });
  const { model } = opened;
  try {
    for (const cap of ['gradients', 'layers', 'rules'] as const) {
      if (!model.capabilities[cap]) throw new CapabilityError(`visualize needs ${cap}, which the ${model.backend} model does not provide${opened.limits ? `: ${opened.limits}` : ''}`);
    }
    const layer = req.layer === undefined ? undefined : opened.describeLayer(req.layer).layer;
    const { objective, titles, batch } = planObjective(req, layer, io.cwd);
    const layout = model.inputShape.length === 3 ? imageLayout(opened.file) : undefined;
    const dataset = req.dataset === undefined ? undefined : asBatch(readTensorFile(resolvePath(io.cwd, req.dataset), 'dataset file'), model.inputShape, 'dataset');
    const options: FeatureVisualizationOptions = {
      objective,
      ...(batch !== undefined ? { batch } : {}),
      steps: req.steps,
      lr: req.lr,
      seed: req.seed,
      ...(req.param ? { param: { kind: req.param } } : {}),
      range: rangeOf(req.range, io.cwd),
      transforms: transformsOf(req.transforms, model, layout, io.cwd),
      penalties: req.penalties,
      ...(layout ? { layout } : {}),
    };
    const bar = progressBar('visualize', req.progress === undefined ? io : { ...io, progress: req.progress });
    const signal = io.interruption?.signal;
    const started = Date.now();
    const channels = req.channels ?? [];
    const work = async () => {
      const fv = await new FeatureVisualization(model).visualize({ ...options, ...(signal ? { signal } : {}), onProgress: (p) => bar.update(p.done, p.total + (dataset ? channels.length : 0)) });
      const exemplars = [];
      for (const [i, channel] of (dataset ? channels : []).entries()) {
        const r = await topActivatingExamples(model, dataset!, { layer: layer!, channel, ...(req.neuron ? { position: req.neuron } : {}) }, { k: req.topK, keepInputs: true, ...(layout ? { layout } : {}), ...(signal ? { signal } : {}) });
        bar.update(fv.modelCalls + i + 1, fv.modelCalls + channels.length);
        exemplars.push(r);
      }
      return { fv, exemplars };
    };
    let result: Awaited<ReturnType<typeof work>>;
    try {
      result = await (io.interruption ? io.interruption.during(work) : work());
    } catch (err) {
      bar.stop();
      throw asInterruption(err, signal, bar, `visualize on ${opened.adapter}`);
    }
    const { fv, exemplars } = result;
    const n = fv.images.shape[0]!;
    const tileTitles = titles.length === n ? titles : Array.from({ length: n }, (_, i) => `image ${i}`);
    bar.finish(`visualize: ${n} image${n === 1 ? '' : 's'}, ${req.steps} steps (${fv.param}), ${fv.modelCalls} model calls, ${((Date.now() - started) / 1000).toFixed(1)} s ${describeChoice(opened.choice)}`);
    const output = {
      adapter: opened.adapter,
      objective,
      param: fv.param,
      steps: fv.steps,
      seed: fv.seed,
      lr: req.lr,
      shape: [...fv.images.shape],
      images: nested(fv.images),
      titles: tileTitles,
      value: f32(Math.fround(fv.objective)),
      perImage: Array.from(fv.perImage, f32),
      history: Array.from(fv.history, f32),
      ...(dataset
        ? {
            exemplars: exemplars.map((r) => ({
              layer: r.layer,
              channel: r.unit.channel,
              ...(r.unit.position ? { position: r.unit.position } : {}),
              examples: r.examples.map((e) => ({ index: e.index, value: f32(Math.fround(e.value)), ...(e.position ? { position: e.position } : {}), ...(e.box ? { box: e.box } : {}) })),
            })),
          }
        : {}),
    };
    const json = JSON.stringify(output);
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    const box = rangeOf(req.range, io.cwd);
    const gridRange: [number, number] | 'per-tile' = Array.isArray(box) ? [box[0], box[1]] : 'per-tile';
    const gridOptions = { titles: tileTitles, range: gridRange, ...(layout ? { layout } : {}) };
    if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), tileGridPng(fv.images, gridOptions), 'PNG file');
    if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), tileGridSvg(fv.images, { ...gridOptions, title: `feature visualization: ${tileTitles.join(', ')}` }), 'SVG file');
    if (req.exemplarsPng !== undefined || req.exemplarsSvg !== undefined) {
      const rows = exemplars.flatMap((r) => r.examples);
      if (rows.length === 0) throw new InvalidArgumentError('the dataset gave no examples');
      const per = sizeOf(model.inputShape);
      const data = new Float32Array(rows.length * per);
      rows.forEach((e, i) => data.set(e.input!.data, i * per));
      const tiles = { shape: [rows.length, ...model.inputShape], data };
      const exTitles = exemplars.flatMap((r) => r.examples.map((e, j) => `ch ${r.unit.channel} #${j + 1}: ${f32(Math.fround(e.value)).toPrecision(3)} (ex ${e.index})`));
      const exOptions = { titles: exTitles, boxes: rows.map((e) => e.box), columns: req.topK, ...(layout ? { layout } : {}) };
      if (req.exemplarsPng !== undefined) writeFile(resolvePath(io.cwd, req.exemplarsPng), exemplarGridPng(tiles, exOptions), 'PNG file');
      if (req.exemplarsSvg !== undefined) writeFile(resolvePath(io.cwd, req.exemplarsSvg), exemplarGridSvg(tiles, { ...exOptions, title: `dataset examples of ${layer}` }), 'SVG file');
    }
    return 0;
  } finally {
    await model.dispose();
  }
}

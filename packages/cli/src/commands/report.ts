/**
 * `glasswing report`: one self-contained HTML page about a model and its explanations: the
 * model diagram, weight views, activation views and each attribution method's pictures.
 */
import { InvalidArgumentError, TargetError, UnknownLayerError, nearestNames, sliceBatch } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { asBatch, readTensorFile, resolvePath, writeFile } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId, OpenedModel } from '../model-file.js';
import { progressEnabled } from '../progress.js';
import { buildReport } from '../report/build.js';
import { checkMethods, defaultMethods, lastConvLayer, parseMethodList } from '../report/methods.js';
import { describeModel } from '../report/model-info.js';
import { parseConceptFlags, readReportConcepts, takeRepeated } from './internals-args.js';

export const REPORT_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  input: 'value',
  methods: 'value',
  adapter: 'value',
  target: 'value',
  data: 'value',
  examples: 'value',
  'feature-names': 'value',
  seed: 'value',
  layer: 'value',
  'concept-random': 'value',
  'dataset-results': 'value',
  out: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export const DEFAULT_REPORT_EXAMPLES = 8;

export function reportUsage(): string {
  return `Usage: glasswing report --model <file> --input <file.json> [options]

Write one self-contained HTML page (no network access: inline CSS and SVG, PNG as data: URIs)
with the model diagram, weight histograms and weight-matrix heat maps, activation statistics
and feature-map grids, the model's predictions and each attribution method's pictures (heat
maps and a grid of methods side by side for images; bar, waterfall and force plots for tabular
inputs), every picture with a legend.

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
                            (.onnx); detected by content
  --input <file.json>       examples to explain: {"shape": [N, ...], "data": [...]} or nested
                            arrays, in the model's native layout

Options:
  --methods <a,b,...>       attribution method ids (see 'glasswing attribute --help'); default:
                            saliency, integrated-gradients, smoothgrad, gradient-shap (models
                            with gradients) plus grad-cam (last conv layer) and occlusion for
                            images, or kernel-shap for tabular inputs (and feature-ablation for
                            forward-only tabular models)
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default:
                            the fastest installed, named on stderr; see 'glasswing attribute
                            --help')
  --target <k | k0,k1,...>  class to explain, for all examples or one per example
                            (default: each example's predicted class)
  --data <file.json>        a dataset for the activation statistics (default: the input)
  --examples <n>            explain at most the first n examples (default ${DEFAULT_REPORT_EXAMPLES})
  --feature-names <a,b,..>  names of the features of a tabular input (default f0, f1, ...)
  --seed <n>                random seed for the sampled methods (default: each method's)
  --concept <name=file>     add a "Concepts (TCAV)" section: a concept's example inputs (same
                            formats as --input); repeat for more concepts. TCAV runs on the last
                            hidden layer with 10 random runs, per predicted class over the rows
                            predicted as it (see 'glasswing concepts --help')
  --concept-random <file>   the random example pool for TCAV (default: uniform noise)
  --layer <name>            the layer grad-cam / guided-grad-cam run on (default: the last conv
                            layer); node names, and for ONNX models ONNX node or tensor names and
                            PyTorch module names (layer4, features.18), as in attribute
  --dataset-results <file>  add a "Dataset" section: the summary of an explain-dataset results
                            file (global importance, beeswarm or per-class average maps)
  --out <file.html>         where to write the page (default report.html)
  --progress, --no-progress progress bars with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Progress goes to stderr; the written path is printed on stdout.
`;
}

export interface ReportRequest {
  readonly model: string;
  readonly input: string;
  readonly methods?: readonly string[];
  readonly adapter?: AdapterId;
  readonly target?: number | number[];
  readonly data?: string;
  readonly examples: number;
  readonly featureNames?: readonly string[];
  readonly seed?: number;
  readonly layer?: string;
  /** `--concept name=file` (repeatable) and `--concept-random file`. */
  readonly concepts?: readonly { name: string; file: string }[];
  readonly conceptRandom?: string;
  readonly datasetResults?: string;
  readonly out: string;
  readonly progress?: boolean;
}

function parseTarget(raw: string): number | number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const nums = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--target must be a non-negative integer or a comma-separated list of them, got '${raw}'`);
    return Number(p);
  });
  return parts.length === 1 ? nums[0]! : nums;
}

export function parseReportArgs(argvAll: readonly string[]): ReportRequest | 'help' {
  const { rest: argv, values: repeated } = takeRepeated(argvAll, ['concept']);
  const concepts = parseConceptFlags(repeated['concept']!);
  const { values: v, switches, positionals } = parseFlags(argv, REPORT_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'input']) {
    if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  }
  const progress = parseProgressSwitches(switches);
  const featureNames = v['feature-names']?.split(',').map((s) => s.trim());
  if (featureNames?.some((s) => s === '')) throw new UsageError('--feature-names must be a comma-separated list of non-empty names');
  return {
    model: v['model']!,
    input: v['input']!,
    out: v['out'] ?? 'report.html',
    examples: v['examples'] !== undefined ? parseInteger('examples', v['examples'], 1) : DEFAULT_REPORT_EXAMPLES,
    ...(v['methods'] !== undefined ? { methods: parseMethodList(v['methods']) } : {}),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['target'] !== undefined ? { target: parseTarget(v['target']) } : {}),
    ...(v['data'] !== undefined ? { data: v['data'] } : {}),
    ...(featureNames !== undefined ? { featureNames } : {}),
    ...(v['seed'] !== undefined ? { seed: parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER) } : {}),
    ...(v['layer'] !== undefined ? { layer: v['layer'] } : {}),
    ...(concepts.length > 0 ? { concepts } : {}),
    ...(v['concept-random'] !== undefined ? { conceptRandom: v['concept-random'] } : {}),
    ...(v['dataset-results'] !== undefined ? { datasetResults: v['dataset-results'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

/** The layer `--layer` names (module-path notes on stderr); UnknownLayerError when it names none. */
function chosenLayer(opened: OpenedModel, name: string, io: ResolvedIO): string {
  const { layer, notes } = opened.describeLayer(name);
  const names = opened.model.layerNames;
  if (!names.includes(layer)) {
    const near = nearestNames(layer, names, 6);
    throw new UnknownLayerError(layer, near, `--layer: unknown layer '${name}'; nearest: ${near.join(', ')}`);
  }
  for (const n of notes) io.err(`note: layer '${name}' is ${layer}: ${n}\n`);
  return layer;
}

export async function runReport(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseReportArgs(argv);
  if (req === 'help') {
    io.out(reportUsage());
    return 0;
  }
  if (req.progress !== undefined) io = { ...io, progress: req.progress };
  const opened = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  const { model } = opened;
  if (progressEnabled(io)) io.err(`report: model runs ${describeChoice(opened.choice)}\n`);
  try {
    const info = describeModel(opened.file, model, opened.limits);
    const convLayer =
      req.layer !== undefined
        ? chosenLayer(opened, req.layer, io)
        : info.inputKind === 'image' && model.capabilities.gradients
          ? lastConvLayer(opened.file.graph, model)
          : undefined;
    const methods = req.methods ?? defaultMethods(model.capabilities, info.inputKind, convLayer);
    checkMethods(methods, model.capabilities, model.backend, opened.limits, convLayer);
    const all = asBatch(readTensorFile(resolvePath(io.cwd, req.input), 'input file'), model.inputShape, 'input');
    const n = Math.min(all.shape[0]!, req.examples);
    let target = req.target;
    if (Array.isArray(target)) {
      if (target.length !== all.shape[0]) throw new TargetError(`--target lists ${target.length} classes for ${all.shape[0]} examples`);
      target = target.slice(0, n);
    }
    const x: Tensor = n < all.shape[0]! ? sliceBatch(all, 0, n) : all;
    const data = req.data !== undefined ? asBatch(readTensorFile(resolvePath(io.cwd, req.data), 'data file'), model.inputShape, 'data') : all;
    if (req.featureNames !== undefined) {
      if (info.inputKind !== 'tabular') throw new InvalidArgumentError('--feature-names applies to tabular (rank-1) inputs only');
      if (req.featureNames.length !== model.inputShape[0]) {
        throw new InvalidArgumentError(`--feature-names lists ${req.featureNames.length} names for ${model.inputShape[0]} features`);
      }
    }
    const html = await buildReport(
      {
        opened,
        info,
        x,
        data,
        dataLabel: req.data !== undefined ? `the data file (${data.shape[0]} rows)` : `the input (${data.shape[0]} rows)`,
        methods,
        ...(convLayer !== undefined ? { convLayer } : {}),
        modelLabel: req.model,
        ...(target !== undefined ? { target } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        ...(req.featureNames !== undefined ? { featureNames: req.featureNames } : {}),
        ...(req.concepts ? { concepts: readReportConcepts(req, model.inputShape, io.cwd) } : {}),
        ...(req.datasetResults !== undefined ? { datasetResults: resolvePath(io.cwd, req.datasetResults) } : {}),
      },
      io,
    );
    const out = resolvePath(io.cwd, req.out);
    writeFile(out, html, 'report');
    io.out(`${out}\n`);
    return 0;
  } finally {
    await model.dispose();
  }
}

/**
 * `glasswing influence`: which training examples drove a prediction. TracIn (Pruthi et al. 2020)
 * from last-layer gradients over the given checkpoints (or the final model alone): proponents
 * and opponents of the explained examples; self-influence of every training example (high for
 * mislabeled or atypical ones); or nearest neighbours in a layer's activation space. JSON out
 * (stdout or --out), progress on stderr, gallery picture with --png / --svg.
 */
import { ActivationNeighbours, TracIn, sizeOf } from '@glasswing/core';
import type { InfluenceEntry, Model, OutputKind, Tensor, TracInCheckpoint } from '@glasswing/core';
import { influenceGalleryPng, influenceGallerySvg } from '@glasswing/viz';
import type { InfluenceGalleryInput } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { readTensorFile, resolvePath, writeFile } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { checkClasses, parseNames, readTable, tableBatch } from './surrogate.js';
import { readLabels, takeRepeated, withProgress } from './internals-args.js';

export const INFLUENCE_METHODS = ['tracin', 'self', 'neighbours'] as const;
export type InfluenceMethod = (typeof INFLUENCE_METHODS)[number];
const OUTPUT_KINDS = ['auto', 'logits', 'probabilities'] as const;
const METRICS = ['cosine', 'l2'] as const;

const FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  train: 'value',
  'train-labels': 'value',
  example: 'value',
  input: 'value',
  'test-labels': 'value',
  layer: 'value',
  method: 'value',
  metric: 'value',
  outputs: 'value',
  'top-k': 'value',
  'batch-size': 'value',
  features: 'value',
  classes: 'value',
  adapter: 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};
const REPEATED = ['checkpoint', 'lr'];

export function influenceUsage(): string {
  return `Usage: glasswing influence --model <file> --train <train.csv | train.json> [--train-labels <labels>]
                          (--example <i> | --input <x.json>) [options]

Which training examples drove a prediction. TracIn (Pruthi et al. 2020) with last-layer gradients:
score(z, z') = Σ_i η_i (⟨a, a'⟩ + 1)·⟨p − y, p' − y'⟩ over checkpoints i, where a are the activations
feeding the model's last dense layer and p − y the softmax cross-entropy gradient at the logits.
Proponents have the largest positive scores, opponents the most negative. The training set is
streamed in batches; only the --top-k best per explained example are kept.

Required:
  --model <file>            the final model: TensorFlow.js LayersModel model.json, Glasswing graph
                            JSON or ONNX (its predictions are the default test labels)
  --train <file>            training examples: CSV (optional header of feature names) or JSON
                            rows ([[...], ...], images as nested arrays)
  --train-labels <file>     training labels (class indices): one-column CSV (optional header) or a
                            JSON array; needed by tracin and self
  --example <i>             explain row i (0-based) of --train, or
  --input <x.json>          explain these examples (one example or a JSON array of examples)
                            (not needed by --method self)

Options:
  --method <m>              tracin (default): proponents and opponents; self: self-influence of
                            every training example (mislabeled examples score high); neighbours:
                            nearest training examples in the layer's activation space
  --checkpoint <file>       a saved checkpoint (repeatable; same format as --model); TracIn sums
                            over the checkpoints given (default: --model alone, η = 1)
  --lr <η>                  learning rate of each checkpoint (repeatable, in --checkpoint order;
                            one value applies to all; default 1)
  --test-labels <a,b,...>   labels of the explained examples (default: the model's predictions)
  --layer <name>            layer whose activations are used (default: the input of the last
                            dense layer; name it for models without a graph)
  --outputs <kind>          auto (default: probabilities when the graph ends in Softmax, else
                            logits), logits (softmax applied) or probabilities
  --metric <m>              neighbours: cosine (default, largest first) or l2 (smallest first)
  --top-k <k>               training examples kept per list (default 5)
  --batch-size <n>          training rows per model call (default 64)
  --features <a,b,...>      feature names (default: the CSV header, else x0, x1, ...)
  --classes <a,b,...>       class names
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default: the fastest
                            installed, named in the summary line)
  --out <file.json>         write the result here instead of stdout
  --png <file>, --svg <file>  gallery of the first explained example: image tiles (image inputs) or
                            a table of the rows (tabular)
  --progress, --no-progress progress bar on stderr: always / never (default: when stderr is a
                            terminal)
  -h, --help                show this help

Output JSON: {"method", "adapter", "layer", "checkpoints": [{"file", "lr"}], "trainRows", "topK",
"outputs", "tests": [{"index", "label", "predicted", "proponents": [{"index", "score", "label",
"values"}], "opponents": [...]}] (tracin), "selfInfluence": {"top": [...], "scores": [...]} (self),
"metric", "tests": [{"index", "neighbours": [...]}] (neighbours), "modelCalls"}. "index" of a test
is its --train row or null for --input; "values" (tabular only) maps feature names to values.
`;
}

export interface InfluenceRequest {
  readonly model: string;
  readonly train: string;
  readonly trainLabels?: string;
  readonly example?: number;
  readonly input?: string;
  readonly testLabels?: number[];
  readonly checkpoints: string[];
  readonly lrs: number[];
  readonly layer?: string;
  readonly method: InfluenceMethod;
  readonly metric: (typeof METRICS)[number];
  readonly outputs: OutputKind;
  readonly topK: number;
  readonly batchSize: number;
  readonly features?: string[];
  readonly classes?: string[];
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly progress?: boolean;
}

export function parseInfluenceArgs(argv: readonly string[]): InfluenceRequest | 'help' {
  const { rest, values: rep } = takeRepeated(argv, REPEATED);
  const { values: v, switches, positionals } = parseFlags(rest, FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'train']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  const method = v['method'] === undefined ? 'tracin' : parseChoice('method', v['method'], INFLUENCE_METHODS);
  if (method !== 'self' && (v['example'] === undefined) === (v['input'] === undefined)) throw new UsageError('give exactly one of --example <i> and --input <x.json>');
  if (method === 'self' && (v['example'] !== undefined || v['input'] !== undefined)) throw new UsageError('--method self scores the training set itself: drop --example / --input');
  if (method !== 'neighbours' && v['train-labels'] === undefined) throw new UsageError(`--method ${method} needs --train-labels`);
  const checkpoints = rep['checkpoint']!;
  const lrs = rep['lr']!.map((r) => parseNumber('lr', r, 0));
  if (lrs.some((l) => !(l > 0))) throw new UsageError('--lr must be positive');
  if (lrs.length > 1 && lrs.length !== checkpoints.length) throw new UsageError(`${lrs.length} --lr values for ${checkpoints.length} --checkpoint files (give one per checkpoint, or one for all)`);
  if (lrs.length > 0 && checkpoints.length === 0) throw new UsageError('--lr needs --checkpoint (the final model alone has η = 1)');
  const progress = parseProgressSwitches(switches);
  const testLabels = v['test-labels'] === undefined ? undefined : v['test-labels'].split(',').map((s) => parseInteger('test-labels', s.trim(), 0));
  return {
    model: v['model']!,
    train: v['train']!,
    ...(v['train-labels'] !== undefined ? { trainLabels: v['train-labels'] } : {}),
    ...(v['example'] !== undefined ? { example: parseInteger('example', v['example'], 0) } : {}),
    ...(v['input'] !== undefined ? { input: v['input'] } : {}),
    ...(testLabels ? { testLabels } : {}),
    checkpoints,
    lrs,
    ...(v['layer'] !== undefined ? { layer: v['layer'] } : {}),
    method,
    metric: v['metric'] === undefined ? 'cosine' : parseChoice('metric', v['metric'], METRICS),
    outputs: v['outputs'] === undefined ? 'auto' : parseChoice('outputs', v['outputs'], OUTPUT_KINDS),
    topK: v['top-k'] === undefined ? 5 : parseInteger('top-k', v['top-k'], 1),
    batchSize: v['batch-size'] === undefined ? 64 : parseInteger('batch-size', v['batch-size'], 1),
    ...(v['features'] !== undefined ? { features: parseNames('features', v['features']) } : {}),
    ...(v['classes'] !== undefined ? { classes: parseNames('classes', v['classes']) } : {}),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(v['png'] !== undefined ? { png: v['png'] } : {}),
    ...(v['svg'] !== undefined ? { svg: v['svg'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

const row = (t: Tensor, i: number, shape: readonly number[]): Tensor => {
  const per = sizeOf(shape);
  return { shape: [...shape], data: t.data.subarray(i * per, (i + 1) * per) };
};

export async function runInfluence(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseInfluenceArgs(argv);
  if (req === 'help') {
    io.out(influenceUsage());
    return 0;
  }
  const trainPath = resolvePath(io.cwd, req.train);
  const table = readTable(trainPath);
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  const opened: Model[] = [];
  try {
    const { data, names } = tableBatch(table, model, req.features, trainPath);
    const classNames = checkClasses(req.classes, model);
    const labels = req.trainLabels !== undefined ? readLabels(resolvePath(io.cwd, req.trainLabels), table.rows) : undefined;
    const per = sizeOf(model.inputShape);
    let test: Tensor | undefined;
    if (req.example !== undefined) {
      if (req.example >= table.rows) throw new UsageError(`--example ${req.example} is not a row of --train (it has ${table.rows} rows, 0 … ${table.rows - 1})`);
      test = { shape: [1, ...model.inputShape], data: data.data.slice(req.example * per, (req.example + 1) * per) };
    } else if (req.input !== undefined) {
      const t = readTensorFile(resolvePath(io.cwd, req.input), 'input file');
      if (t.data.length % per !== 0 || t.data.length === 0) throw new UsageError(`--input holds ${t.data.length} values, not a whole number of examples of ${per} ([${model.inputShape.join(', ')}])`);
      test = { shape: [t.data.length / per, ...model.inputShape], data: t.data };
    }
    if (req.testLabels && test && req.testLabels.length !== test.shape[0]) throw new UsageError(`--test-labels names ${req.testLabels.length} labels for ${test.shape[0]} explained examples`);
    const checkpoints: TracInCheckpoint[] = [];
    for (const [i, file] of req.checkpoints.entries()) {
      const cp = (await openModel(resolvePath(io.cwd, file), choice.adapter)).model;
      opened.push(cp);
      checkpoints.push({ model: cp, learningRate: req.lrs.length === 0 ? 1 : req.lrs.length === 1 ? req.lrs[0]! : req.lrs[i]! });
    }
    const tabular = model.inputShape.length === 1;
    const className = (y: number) => classNames?.[y] ?? String(y);
    const entry = (e: InfluenceEntry) => {
      const values: Record<string, number> = {};
      if (tabular) names.forEach((n, j) => (values[n] = Number(data.data[e.index * per + j]!.toPrecision(7))));
      return { index: e.index, score: e.score, ...(labels ? { label: labels[e.index]! } : {}), ...(tabular ? { values } : {}) };
    };
    const common = {
      ...(req.layer !== undefined ? { layer: req.layer } : {}),
      k: req.topK,
      batchSize: req.batchSize,
      ...(checkpoints.length ? { checkpoints } : {}),
      outputs: req.outputs,
    };
    const { value: res, bar, seconds } = await withProgress('influence', io, req.progress, `influence on ${choice.adapter}`, async (b, signal) => {
      const opts = { ...common, ...(signal ? { signal } : {}), onProgress: (p: { done: number; total: number }) => b.update(p.done, p.total) };
      if (req.method === 'self') return { self: await new TracIn(model).selfInfluence(data, labels!, opts) };
      if (req.method === 'neighbours') return { nn: await new ActivationNeighbours(model).neighbours(data, test!, { ...opts, metric: req.metric }) };
      return { tracin: await new TracIn(model).influence(data, labels!, test!, { ...opts, ...(req.testLabels ? { testLabels: req.testLabels } : {}) }) };
    });
    const r = res.self ?? res.nn ?? res.tracin!;
    bar.finish(`influence (${req.method}): ${table.rows} training rows, layer ${r.layer}, ${r.modelCalls} model calls, ${seconds.toFixed(1)} s ${describeChoice(choice)}`);
    // A --example test is that --train row; --input tests have no training index.
    const testIndex = (_t: number) => (req.example !== undefined ? req.example : null);
    const out: Record<string, unknown> = {
      method: req.method,
      adapter: choice.adapter,
      layer: r.layer,
      checkpoints: checkpoints.length ? req.checkpoints.map((file, i) => ({ file, lr: checkpoints[i]!.learningRate })) : [{ file: req.model, lr: 1 }],
      trainRows: table.rows,
      topK: req.topK,
      outputs: req.outputs,
    };
    let picture: InfluenceGalleryInput | undefined;
    const item = (e: InfluenceEntry) => ({ index: e.index, score: e.score, ...(labels ? { label: className(labels[e.index]!) } : {}), input: row(data, e.index, model.inputShape) });
    const base = { ...(tabular ? { featureNames: names } : {}) };
    if (res.tracin) {
      out['tests'] = res.tracin.tests.map((t, j) => ({ index: testIndex(j), label: t.label, predicted: t.predicted, proponents: t.proponents.map(entry), opponents: t.opponents.map(entry) }));
      const t0 = res.tracin.tests[0]!;
      picture = { ...base, title: `TracIn: proponents and opponents (layer ${r.layer})`, test: { input: row(test!, 0, model.inputShape), label: `predicted ${className(t0.predicted)}` }, groups: [{ title: 'proponents', items: t0.proponents.map(item) }, { title: 'opponents', items: t0.opponents.map(item) }] };
    } else if (res.self) {
      out['selfInfluence'] = { top: res.self.top.map(entry), scores: Array.from(res.self.scores) };
      picture = { ...base, title: `Highest self-influence (possible mislabels; layer ${r.layer})`, scoreName: 'self-influence', groups: [{ title: 'highest', items: res.self.top.map(item) }] };
    } else {
      out['metric'] = req.metric;
      out['tests'] = res.nn!.tests.map((t, j) => ({ index: testIndex(j), neighbours: t.map(entry) }));
      picture = { ...base, title: `Nearest neighbours (${req.metric}, layer ${r.layer})`, scoreName: req.metric === 'l2' ? 'distance' : 'cosine', test: { input: row(test!, 0, model.inputShape) }, groups: [{ title: 'neighbours', items: res.nn!.tests[0]!.map(item) }] };
    }
    out['modelCalls'] = r.modelCalls;
    if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), influenceGalleryPng(picture), 'PNG file');
    if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), influenceGallerySvg(picture), 'SVG file');
    const json = JSON.stringify(out);
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    return 0;
  } finally {
    for (const m of opened) await m.dispose();
    await model.dispose();
  }
}

/**
 * `glasswing distill`: train a small student (an MLP, a small CNN, a user-given layer list, or a
 * decision tree) on a model's soft labels over a CSV / JSON dataset (@glasswing/tfjs' distill /
 * distillTree). Writes the student as a TensorFlow.js LayersModel (model.json + weights.bin) and a
 * JSON report (fidelity, accuracy, size, speed); progress on stderr.
 */
import { extname, join } from 'node:path';
import { InvalidArgumentError, ShapeError } from '@glasswing/core';
import type { Model } from '@glasswing/core';
import { distill, distillTree, writeStudent } from '@glasswing/tfjs';
import type { DistillProgress, StudentArchitecture, StudentLayer } from '@glasswing/tfjs';
import { distillChartPng, distillChartSvg } from '@glasswing/viz';
import type { DistillChartInput } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { parseCsv } from '../csv.js';
import { readJson, readText, resolvePath, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';
import { checkClasses, parseNames, readTable, surrogateJson, tableBatch } from './surrogate.js';

export const DISTILL_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  data: 'value',
  labels: 'value',
  task: 'value',
  student: 'value',
  hidden: 'value',
  filters: 'value',
  architecture: 'value',
  temperature: 'value',
  'hard-weight': 'value',
  epochs: 'value',
  'batch-size': 'value',
  'learning-rate': 'value',
  augment: 'value',
  'augment-noise': 'value',
  holdout: 'value',
  seed: 'value',
  'max-depth': 'value',
  'min-leaf': 'value',
  features: 'value',
  classes: 'value',
  adapter: 'value',
  'out-model': 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function distillUsage(): string {
  return `Usage: glasswing distill --model <file> --data <data.csv | data.json> --out-model <dir> [options]

Distillation (Hinton et al. 2015): train a small student on the MODEL's (the teacher's) soft
labels — softmax(logits / T) — over a dataset, with TensorFlow.js (tfjs-cpu; seeded, so the same
seed gives the same student). Reports fidelity (agreement with the teacher's top class, or R² for
regression) on held-out rows, accuracy against labels, parameter counts and forward time per
example of teacher and student on the same adapter. The student is written as a TensorFlow.js
LayersModel that every adapter loads. --student tree fits core's surrogate tree instead.

Required:
  --model <file>            the teacher: TensorFlow.js LayersModel model.json, Glasswing graph
                            JSON or ONNX
  --data <file>             CSV: one example per row, numeric columns (the model's input values,
                            flattened row-major; a header row names the features).
                            JSON: nested arrays [rows][...] or {"shape", "data"}
  --out-model <dir>         where the student's model.json and weights.bin go (not with tree)

Options:
  --labels <file>           true labels, one per row: a one-column CSV (optional header) or a JSON
                            array; class indices (classification) or values (regression)
  --task classification|regression
                            learn the teacher's class distribution (default) or its outputs
  --student mlp|cnn|tree    mlp: dense layers (tabular / 1-D inputs); cnn: conv 3x3 + ReLU +
                            max-pool blocks, then dense (image inputs, layout-aware: NHWC or
                            NCHW teachers); tree: a CART decision tree (default: cnn for image
                            inputs [H, W] / [H, W, C] / [C, H, W], else mlp)
  --hidden <a,b,...>        hidden dense widths (mlp default 16,8; cnn: one width, default 32)
  --filters <a,b,...>       cnn: filters per conv block (default 8,16)
  --architecture <f.json>   a user-given student: a JSON list of hidden layers, each
                            {"type": "dense", "units", "activation"} | {"type": "conv2d", "filters",
                            "kernelSize", "activation"} | {"type": "maxPool2d", "poolSize"} |
                            {"type": "flatten"}; the output layer is appended
  --temperature <T>         softmax temperature, > 0 (default 2)
  --hard-weight <w>         weight in [0, 1] of the cross-entropy on --labels (default 0)
  --epochs <n>              training epochs (default 20)
  --batch-size <n>          rows per training step (default 32)
  --learning-rate <r>       Adam learning rate (default 0.01)
  --augment <k>             k noisy copies of each training row, labelled by the teacher, are
                            added to the transfer set (default 0)
  --augment-noise <s>       their noise: s × each feature's standard deviation (default 0.1)
  --holdout <share>         share of rows held out to measure fidelity, in [0, 1) (default 0.2)
  --seed <n>                seed of the initial weights, split, shuffles and noise (default 0)
  --max-depth <n>           tree: depth (default 6)
  --min-leaf <n>            tree: fewest rows in a leaf (default 5)
  --features <a,b,...>      tree: feature names for its rules (default: the CSV header)
  --classes <a,b,...>       tree: class names for its rules
  --adapter <id>            the teacher's adapter (the student is timed on it too): reference,
                            tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs, gpujs-cpu,
                            gpujs-webasm or gpujs-headlessgl (default: the fastest installed)
  --out <file.json>         write the JSON report here instead of stdout
  --png <file.png>          write the summary picture: teacher vs student bars for fidelity,
                            accuracy (with --labels), parameters and ms per example, and the
                            training loss per epoch (network students)
  --svg <file.svg>          the same picture as SVG
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Output JSON: {"student": "mlp"|"cnn"|"layers"|"tree", "model": <student model.json path or
null>, "task", "rows", "trainRows", "holdoutRows", "seed", "architecture": [layer text],
"fidelity": {"metric": "agreement"|"r2", "train", "holdout"}, "accuracy": null | {"metric":
"accuracy"|"r2", "student": {"train", "holdout"}, "teacher": {"train", "holdout"}}, "size":
{"teacherParameters", "studentParameters", "ratio"}, "speed": {"teacherMsPerExample",
"studentMsPerExample", "speedup", "teacherBackend", "studentBackend"}}; networks add
"temperature", "hardLabelWeight", "epochs", "batchSize", "learningRate", "augment",
"teacherOutput", "loss" (per epoch); tree adds "tree" and "rules" as glasswing surrogate writes
them. size.ratio = student / teacher parameters (a tree counts its nodes); speedup = teacher /
student time.
`;
}

export interface DistillRequest {
  readonly model: string;
  readonly data: string;
  readonly labels?: string;
  readonly task: 'classification' | 'regression';
  readonly student?: 'mlp' | 'cnn' | 'tree';
  readonly hidden?: number[];
  readonly filters?: number[];
  readonly architecture?: string;
  readonly temperature: number;
  readonly hardWeight: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly augment: number;
  readonly augmentNoise: number;
  readonly holdout: number;
  readonly seed: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly features?: string[];
  readonly classes?: string[];
  readonly adapter?: AdapterId;
  readonly outModel?: string;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly progress?: boolean;
}

function parseWidths(flag: string, raw: string): number[] {
  return raw.split(',').map((s) => parseInteger(flag, s.trim(), 1));
}

export function parseDistillArgs(argv: readonly string[]): DistillRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, DISTILL_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'data']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  const student = v['student'] === undefined ? undefined : parseChoice('student', v['student'], ['mlp', 'cnn', 'tree'] as const);
  if (student !== 'tree' && v['out-model'] === undefined) throw new UsageError('missing required option --out-model (the student network is written there)');
  if (student === 'tree' && v['out-model'] !== undefined) throw new UsageError('--out-model is for network students; the tree is in the JSON report');
  if (v['architecture'] !== undefined && (v['hidden'] !== undefined || v['filters'] !== undefined || student !== undefined)) {
    throw new UsageError('--architecture gives the whole student: it does not combine with --student, --hidden or --filters');
  }
  if (student === 'tree' && (v['hidden'] !== undefined || v['filters'] !== undefined)) throw new UsageError('--hidden and --filters are for network students, not --student tree');
  if (v['filters'] !== undefined && student === 'mlp') throw new UsageError('--filters is for --student cnn');
  const task = v['task'] === undefined ? 'classification' : parseChoice('task', v['task'], ['classification', 'regression'] as const);
  const holdout = v['holdout'] === undefined ? 0.2 : parseNumber('holdout', v['holdout'], 0);
  if (holdout >= 1) throw new UsageError(`--holdout must be in [0, 1), got ${v['holdout']}`);
  const temperature = v['temperature'] === undefined ? 2 : parseNumber('temperature', v['temperature'], 0);
  if (!(temperature > 0)) throw new UsageError(`--temperature must be > 0, got ${v['temperature']}`);
  const hardWeight = v['hard-weight'] === undefined ? 0 : parseNumber('hard-weight', v['hard-weight'], 0);
  if (hardWeight > 1) throw new UsageError(`--hard-weight must be in [0, 1], got ${v['hard-weight']}`);
  if (hardWeight > 0 && v['labels'] === undefined) throw new UsageError('--hard-weight needs --labels');
  const learningRate = v['learning-rate'] === undefined ? 0.01 : parseNumber('learning-rate', v['learning-rate'], 0);
  if (!(learningRate > 0)) throw new UsageError(`--learning-rate must be > 0, got ${v['learning-rate']}`);
  const progress = parseProgressSwitches(switches);
  return {
    model: v['model']!,
    data: v['data']!,
    ...(v['labels'] !== undefined ? { labels: v['labels'] } : {}),
    task,
    ...(student ? { student } : {}),
    ...(v['hidden'] !== undefined ? { hidden: parseWidths('hidden', v['hidden']) } : {}),
    ...(v['filters'] !== undefined ? { filters: parseWidths('filters', v['filters']) } : {}),
    ...(v['architecture'] !== undefined ? { architecture: v['architecture'] } : {}),
    temperature,
    hardWeight,
    epochs: v['epochs'] === undefined ? 20 : parseInteger('epochs', v['epochs'], 1),
    batchSize: v['batch-size'] === undefined ? 32 : parseInteger('batch-size', v['batch-size'], 1),
    learningRate,
    augment: v['augment'] === undefined ? 0 : parseInteger('augment', v['augment'], 0),
    augmentNoise: v['augment-noise'] === undefined ? 0.1 : parseNumber('augment-noise', v['augment-noise'], 0),
    holdout,
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    maxDepth: v['max-depth'] === undefined ? 6 : parseInteger('max-depth', v['max-depth'], 0),
    minLeaf: v['min-leaf'] === undefined ? 5 : parseInteger('min-leaf', v['min-leaf'], 1),
    ...(v['features'] !== undefined ? { features: parseNames('features', v['features']) } : {}),
    ...(v['classes'] !== undefined ? { classes: parseNames('classes', v['classes']) } : {}),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['out-model'] !== undefined ? { outModel: v['out-model'] } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(v['png'] !== undefined ? { png: v['png'] } : {}),
    ...(v['svg'] !== undefined ? { svg: v['svg'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

/** Labels: a JSON array of numbers, or a one-column CSV (optional header). */
export function readLabels(path: string, rows: number): number[] {
  let labels: number[];
  if (extname(path).toLowerCase() === '.json') {
    const j = readJson(path, 'labels file');
    if (!Array.isArray(j) || j.some((x) => typeof x !== 'number')) throw new ShapeError(`labels file '${path}' must be a JSON array of numbers`);
    labels = j as number[];
  } else {
    const csv = parseCsv(readText(path, 'labels file'), `labels file '${path}'`);
    if (csv.columns.length !== 1) throw new ShapeError(`labels file '${path}' has ${csv.columns.length} columns, expected 1`);
    labels = Array.from(csv.data);
  }
  if (labels.length !== rows) throw new ShapeError(`labels file '${path}' has ${labels.length} labels but the data has ${rows} rows`);
  return labels;
}

/** The student architecture the flags ask for (undefined: distill's default for the input). */
function architectureOf(req: DistillRequest, cwd: string, model: Model): StudentArchitecture | undefined {
  if (req.architecture !== undefined) {
    const layers = readJson(resolvePath(cwd, req.architecture), 'architecture file');
    if (!Array.isArray(layers)) throw new UsageError(`--architecture file must hold a JSON list of layers`);
    return { kind: 'layers', layers: layers as StudentLayer[] };
  }
  const image = model.inputShape.length === 2 || model.inputShape.length === 3;
  const kind = req.student ?? (image ? 'cnn' : 'mlp');
  if (kind === 'mlp') return { kind: 'mlp', ...(req.hidden ? { hidden: req.hidden } : {}) };
  if (req.hidden && req.hidden.length !== 1) throw new UsageError(`--hidden for a cnn student is one dense width, got ${req.hidden.length}`);
  return { kind: 'cnn', ...(req.filters ? { filters: req.filters } : {}), ...(req.hidden ? { dense: req.hidden[0]! } : {}) };
}

export async function runDistill(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseDistillArgs(argv);
  if (req === 'help') {
    io.out(distillUsage());
    return 0;
  }
  const dataPath = resolvePath(io.cwd, req.data);
  const table = readTable(dataPath);
  const labels = req.labels !== undefined ? readLabels(resolvePath(io.cwd, req.labels), table.rows) : undefined;
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  try {
    const { data, names } = tableBatch(table, model, req.features, dataPath);
    const bar = progressBar('distill', req.progress === undefined ? io : { ...io, progress: req.progress });
    const signal = io.interruption?.signal;
    const started = Date.now();
    const onProgress = (p: DistillProgress) => bar.update(p.done, p.total);
    const common = { task: req.task, holdout: req.holdout, seed: req.seed, ...(labels ? { labels } : {}), ...(signal ? { signal } : {}), onProgress };
    let json: Record<string, unknown>;
    let summary: string;
    try {
      if (req.student === 'tree') {
        const classNames = req.task === 'classification' ? checkClasses(req.classes, model) : undefined;
        const work = () => distillTree(model, data, { ...common, maxDepth: req.maxDepth, minSamplesLeaf: req.minLeaf, featureNames: names, ...(classNames ? { classNames } : {}) });
        const res = await (io.interruption ? io.interruption.during(work) : work());
        const s = surrogateJson(res.surrogate, table.rows, req.seed) as { tree: unknown; rules: unknown };
        json = { student: 'tree', model: null, ...res.report, tree: s.tree, rules: s.rules };
        summary = summaryLine('tree', res.report, started, describeChoice(choice));
      } else {
        const arch = architectureOf(req, io.cwd, model);
        const outDir = resolvePath(io.cwd, req.outModel!);
        let saved = '';
        const work = () =>
          distill(model, data, {
            ...common,
            ...(arch ? { student: arch } : {}),
            temperature: req.temperature,
            hardLabelWeight: req.hardWeight,
            epochs: req.epochs,
            batchSize: req.batchSize,
            learningRate: req.learningRate,
            augment: req.augment,
            augmentNoise: req.augmentNoise,
            // The student is written, then opened on the teacher's adapter for timing.
            loadStudent: async (artifacts) => {
              saved = await writeStudent(outDir, artifacts);
              return (await openModel(saved, choice.adapter)).model;
            },
          });
        const res = await (io.interruption ? io.interruption.during(work) : work());
        if (saved === '') saved = await writeStudent(outDir, res.artifacts);
        const kind = arch?.kind ?? (model.inputShape.length === 2 || model.inputShape.length === 3 ? 'cnn' : 'mlp');
        json = { student: kind, model: join(outDir, 'model.json'), ...res.report };
        summary = summaryLine(kind, res.report, started, describeChoice(choice));
      }
    } catch (err) {
      bar.stop();
      if (err instanceof InvalidArgumentError && /temperature|hardLabelWeight|augment|architecture|layer|activation|units|filters|kernelSize|poolSize|student kind|hidden/.test(err.message)) {
        throw new UsageError(err.message);
      }
      throw asInterruption(err, signal, bar, `distill on ${choice.adapter}`);
    }
    bar.finish(summary);
    if (req.png !== undefined || req.svg !== undefined) {
      const picture = distillPicture(json as unknown as DistillReportLike);
      if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), distillChartPng(picture), 'PNG file');
      if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), distillChartSvg(picture), 'SVG file');
    }
    const text = JSON.stringify(json);
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), text + '\n', 'output file');
    else io.out(text + '\n');
    return 0;
  } finally {
    await model.dispose();
  }
}

/** What the picture reads of a distill / distillTree report (plus the student kind). */
export interface DistillReportLike {
  readonly student?: string;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly architecture?: readonly string[];
  readonly fidelity: { readonly metric: 'agreement' | 'r2'; readonly train: number; readonly holdout: number | null };
  readonly accuracy: { readonly metric: 'accuracy' | 'r2'; readonly student: { readonly train: number; readonly holdout: number | null }; readonly teacher: { readonly train: number; readonly holdout: number | null } } | null;
  readonly size: { readonly teacherParameters: number | null; readonly studentParameters: number };
  readonly speed: { readonly teacherMsPerExample: number; readonly studentMsPerExample: number; readonly teacherBackend: string; readonly studentBackend: string } | null;
  readonly loss?: readonly number[];
}

/** The summary picture's input from a distill report: held-out measures where there are held-out rows. */
export function distillPicture(r: DistillReportLike, title?: string): DistillChartInput {
  const held = r.holdoutRows > 0;
  const rows = held ? `${r.holdoutRows} held-out rows` : `${r.trainRows} training rows`;
  const arch = r.architecture && r.architecture.length > 0 ? r.architecture.join(', ') : undefined;
  const speed = r.speed ? ` · timed on ${r.speed.teacherBackend === r.speed.studentBackend ? r.speed.teacherBackend : `${r.speed.teacherBackend} / ${r.speed.studentBackend}`}` : '';
  return {
    ...(title !== undefined ? { title } : {}),
    subtitle: `${r.student === 'tree' && arch ? arch : `${r.student ?? 'student'}${arch ? `: ${arch}` : ''}`}${speed}`, // a tree's line names it
    fidelity: { metric: r.fidelity.metric, value: held ? r.fidelity.holdout! : r.fidelity.train, rows },
    accuracy: r.accuracy
      ? {
          metric: r.accuracy.metric,
          teacher: held ? r.accuracy.teacher.holdout! : r.accuracy.teacher.train,
          student: held ? r.accuracy.student.holdout! : r.accuracy.student.train,
          rows,
        }
      : null,
    size: { teacher: r.size.teacherParameters, student: r.size.studentParameters },
    speed: r.speed ? { teacherMs: r.speed.teacherMsPerExample, studentMs: r.speed.studentMsPerExample } : null,
    ...(r.loss && r.loss.length > 0 ? { loss: r.loss } : {}),
  };
}

interface ReportLike {
  readonly fidelity: { readonly metric: string; readonly train: number; readonly holdout: number | null };
  readonly holdoutRows: number;
  readonly trainRows: number;
  readonly size: { readonly teacherParameters: number | null; readonly studentParameters: number; readonly ratio: number | null };
  readonly speed: { readonly speedup: number } | null;
}

function summaryLine(kind: string, r: ReportLike, started: number, where: string): string {
  const fid = r.fidelity.holdout ?? r.fidelity.train;
  const rows = r.holdoutRows > 0 ? `${r.holdoutRows} held-out` : `${r.trainRows} training`;
  const size = r.size.ratio !== null ? `${r.size.studentParameters} vs ${r.size.teacherParameters} parameters (${r.size.ratio.toPrecision(2)}×)` : `${r.size.studentParameters} parameters`;
  const speed = r.speed ? `, ${r.speed.speedup.toPrecision(3)}× the teacher's speed` : '';
  return `distill: ${kind} student, fidelity ${r.fidelity.metric} ${fid.toFixed(3)} on ${rows} rows, ${size}${speed}, ${((Date.now() - started) / 1000).toFixed(1)} s ${where}`;
}


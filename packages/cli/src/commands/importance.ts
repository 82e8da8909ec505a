/**
 * `glasswing importance`: dataset-level permutation importance and feature/output correlations
 * (Pearson, Spearman) of a model over a CSV dataset. Writes JSON (stdout or --out); progress on
 * stderr (a bar on a terminal, else one final line).
 */
import { existsSync, statSync } from 'node:fs';
import { ShapeError, correlation, permutationImportance, sizeOf } from '@glasswing/core';
import type { Model, Tensor } from '@glasswing/core';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { parseCsv, type Csv } from '../csv.js';
import { readText, resolvePath, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';

export const IMPORTANCE_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  data: 'value',
  labels: 'value',
  metric: 'value',
  repeats: 'value',
  seed: 'value',
  adapter: 'value',
  out: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export const METRICS = ['accuracy', 'loss'] as const;

export function importanceUsage(): string {
  return `Usage: glasswing importance --model <file> --data <data.csv> --labels <labels.csv | column> [options]

Permutation importance (the score drop when a feature is shuffled across the rows, mean ± std
over repeats) and correlations (Pearson, Spearman) of each feature with each model output.

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --data <data.csv>         one example per row, numeric columns (the model's input values,
                            flattened row-major); an optional header row names the features
  --labels <f.csv | name>   a CSV file with one label column (optional header), or the name of a
                            column of the data header (that column is then not a feature)

Options:
  --metric accuracy|loss    score (default accuracy: argmax = label; loss: softmax cross-entropy
                            of the outputs as logits, or squared error for a single output)
  --repeats <n>             shuffles per feature (default 5)
  --seed <n>                random seed (default 0)
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default:
                            the fastest installed, named in the summary line; see
                            'glasswing attribute --help')
  --out <file.json>         write the result here instead of stdout
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Output JSON: {"metric", "baselineScore", "repeats", "seed", "rows", "outputs", "features":
[{"name", "importanceMean", "importanceStd", "importances", "pearson", "spearman"}]} where
pearson / spearman hold one value per model output (null where a column is constant).
`;
}

export interface ImportanceRequest {
  readonly model: string;
  readonly data: string;
  readonly labels: string;
  readonly metric: (typeof METRICS)[number];
  readonly repeats: number;
  readonly seed: number;
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly progress?: boolean;
}

export function parseImportanceArgs(argv: readonly string[]): ImportanceRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, IMPORTANCE_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const progress = parseProgressSwitches(switches);
  for (const name of ['model', 'data', 'labels']) {
    if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  }
  return {
    model: v['model']!,
    data: v['data']!,
    labels: v['labels']!,
    metric: v['metric'] === undefined ? 'accuracy' : parseChoice('metric', v['metric'], METRICS),
    repeats: v['repeats'] === undefined ? 5 : parseInteger('repeats', v['repeats'], 1),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Features (data columns minus a label column) and labels. */
export function splitDataset(csv: Csv, labelsArg: string, cwd: string): { names: string[]; x: Float64Array; labels: Float64Array } {
  const labelPath = resolvePath(cwd, labelsArg);
  const w = csv.columns.length;
  if (isFile(labelPath)) {
    const lab = parseCsv(readText(labelPath, 'labels file'), `labels file '${labelPath}'`);
    if (lab.columns.length !== 1) throw new ShapeError(`labels file '${labelPath}' has ${lab.columns.length} columns, expected 1`);
    if (lab.rows !== csv.rows) throw new ShapeError(`labels file '${labelPath}' has ${lab.rows} rows but the data has ${csv.rows}`);
    return { names: csv.columns, x: csv.data, labels: lab.data };
  }
  const col = csv.hasHeader ? csv.columns.indexOf(labelsArg) : -1;
  if (col < 0) {
    throw new UsageError(
      csv.hasHeader
        ? `--labels '${labelsArg}' is neither a file nor a column of the data header (${csv.columns.join(', ')})`
        : `--labels '${labelsArg}' is not a file, and the data has no header row to name a column`,
    );
  }
  const x = new Float64Array(csv.rows * (w - 1));
  const labels = new Float64Array(csv.rows);
  for (let i = 0; i < csv.rows; i++) {
    let k = 0;
    for (let j = 0; j < w; j++) {
      if (j === col) labels[i] = csv.data[i * w + j]!;
      else x[i * (w - 1) + k++] = csv.data[i * w + j]!;
    }
  }
  return { names: csv.columns.filter((_, j) => j !== col), x, labels };
}

function toTensor(x: Float64Array, rows: number, model: Model, nFeatures: number): Tensor {
  const per = sizeOf(model.inputShape);
  if (nFeatures !== per) {
    throw new ShapeError(`the data has ${nFeatures} feature columns but the model input [${model.inputShape.join(', ')}] has ${per} values`);
  }
  return { shape: [rows, ...model.inputShape], data: Float32Array.from(x) };
}

export async function runImportance(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseImportanceArgs(argv);
  if (req === 'help') {
    io.out(importanceUsage());
    return 0;
  }
  const dataPath = resolvePath(io.cwd, req.data);
  const csv = parseCsv(readText(dataPath, 'data file'), `data file '${dataPath}'`);
  const { names, x, labels } = splitDataset(csv, req.labels, io.cwd);
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  try {
    const data = toTensor(x, csv.rows, model, names.length);
    const bar = progressBar('importance', req.progress === undefined ? io : { ...io, progress: req.progress });
    const signal = io.interruption?.signal;
    const started = Date.now();
    // Plan: correlation first (its calls are few), then the permutations; one bar over both.
    let corrTotal = 0;
    let corrDone = 0;
    const work = async () => {
      const corr = await correlation(model, {
        data,
        ...(signal ? { signal } : {}),
        onProgress: (p) => {
          corrTotal = p.total;
          corrDone = p.done;
          bar.update(p.done, p.total);
        },
      });
      const imp = await permutationImportance(model, {
        data,
        labels,
        metric: req.metric,
        nRepeats: req.repeats,
        seed: req.seed,
        ...(signal ? { signal } : {}),
        onProgress: (p) => bar.update(corrDone + p.done, corrTotal + p.total),
      });
      return { corr, imp };
    };
    let corr: Awaited<ReturnType<typeof work>>['corr'];
    let imp: Awaited<ReturnType<typeof work>>['imp'];
    try {
      ({ corr, imp } = await (io.interruption ? io.interruption.during(work) : work()));
    } catch (err) {
      bar.stop();
      throw asInterruption(err, signal, bar, `importance on ${choice.adapter}`);
    }
    const calls = corr.modelCalls + imp.modelCalls;
    bar.finish(`importance: ${names.length} features, ${csv.rows} rows, ${calls} model calls, ${((Date.now() - started) / 1000).toFixed(1)} s ${describeChoice(choice)}`);
    const R = imp.nRepeats;
    const output = {
      metric: imp.metric,
      baselineScore: imp.baselineScore,
      repeats: R,
      seed: req.seed,
      rows: csv.rows,
      outputs: sizeOf(model.outputShape),
      features: names.map((name, j) => ({
        name,
        importanceMean: imp.importancesMean[j]!,
        importanceStd: imp.importancesStd[j]!,
        importances: Array.from(imp.importances.subarray(j * R, (j + 1) * R)),
        pearson: corr.pearson[j]!,
        spearman: corr.spearman[j]!,
      })),
    };
    const json = JSON.stringify(output);
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    return 0;
  } finally {
    await model.dispose();
  }
}

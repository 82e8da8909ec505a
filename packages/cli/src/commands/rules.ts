/**
 * `glasswing rules`: an Anchors rule (Ribeiro et al. 2018) around one example: an IF–THEN rule on
 * the example's own feature bins under which the model keeps its class with high precision, with
 * the rule's coverage of the dataset. Writes JSON (stdout or --out); progress on stderr.
 */
import { Anchors, sizeOf } from '@glasswing/core';
import type { AnchorResult, Tensor } from '@glasswing/core';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { readTensorFile, resolvePath, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';
import { checkClasses, parseNames, readTable, tableBatch } from './surrogate.js';

export const RULES_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  data: 'value',
  example: 'value',
  input: 'value',
  precision: 'value',
  bins: 'value',
  beam: 'value',
  categorical: 'value',
  seed: 'value',
  features: 'value',
  classes: 'value',
  adapter: 'value',
  out: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function rulesUsage(): string {
  return `Usage: glasswing rules --model <file> --data <data.csv | data.json> (--example <i> | --input <x.json>) [options]

Anchors (Ribeiro et al. 2018): a high-precision IF-THEN rule around one example. Each feature
offers one condition: the example's quantile bin (lower < feature ≤ upper), or feature = value for
binary / --categorical features. A beam search with KL-LUCB confidence bounds finds the rule
with the fewest conditions under which the model keeps the example's class on at least
--precision of perturbations (data rows with the rule's features redrawn inside their bins),
and among those the one holding on the most data rows (coverage).

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --data <file>             the reference data (perturbations, bins, coverage): CSV with an
                            optional header naming the features, or JSON rows
  --example <i>             explain row i (0-based, not counting the header) of --data, or
  --input <x.json>          explain this example (nested arrays or {"shape", "data"})

Options:
  --precision <p>           precision target in (0, 1] (default 0.95)
  --bins <n>                quantile bins per numeric feature (default 4: quartiles)
  --beam <n>                beam width of the search (default 2)
  --categorical <a,b,...>   features compared by equality (names or 0-based indices;
                            features with at most 2 distinct values always are)
  --seed <n>                random seed (default 0)
  --features <a,b,...>      feature names (default: the CSV header, else x0, x1, ...)
  --classes <a,b,...>       class names
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default: the fastest
                            installed, named in the summary line)
  --out <file.json>         write the result here instead of stdout
  --progress, --no-progress progress bar on stderr: always / never (default: when stderr is a
                            terminal)
  -h, --help                show this help

Output JSON: {"example": {"index", "values": {name: value}}, "prediction", "className",
"text", "anchor": [{"feature", "name", "kind": "range" | "eq", "lower", "upper", "value",
"text"}], "precision", "precisionSamples", "coverage", "satisfied", "threshold", "samples",
"modelCalls", "seed"}. "satisfied" is false when no rule reached the precision target (the
most precise rule found is returned).
`;
}

export interface RulesRequest {
  readonly model: string;
  readonly data: string;
  readonly example?: number;
  readonly input?: string;
  readonly precision: number;
  readonly bins: number;
  readonly beam: number;
  readonly categorical?: string[];
  readonly seed: number;
  readonly features?: string[];
  readonly classes?: string[];
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly progress?: boolean;
}

export function parseRulesArgs(argv: readonly string[]): RulesRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, RULES_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'data']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  if ((v['example'] === undefined) === (v['input'] === undefined)) throw new UsageError('give exactly one of --example <row> or --input <x.json>');
  const precision = v['precision'] === undefined ? 0.95 : parseNumber('precision', v['precision'], 0);
  if (!(precision > 0 && precision <= 1)) throw new UsageError(`--precision must be in (0, 1], got ${v['precision']}`);
  const progress = parseProgressSwitches(switches);
  return {
    model: v['model']!,
    data: v['data']!,
    ...(v['example'] !== undefined ? { example: parseInteger('example', v['example'], 0) } : {}),
    ...(v['input'] !== undefined ? { input: v['input'] } : {}),
    precision,
    bins: v['bins'] === undefined ? 4 : parseInteger('bins', v['bins'], 2),
    beam: v['beam'] === undefined ? 2 : parseInteger('beam', v['beam'], 1),
    ...(v['categorical'] !== undefined ? { categorical: parseNames('categorical', v['categorical']) } : {}),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    ...(v['features'] !== undefined ? { features: parseNames('features', v['features']) } : {}),
    ...(v['classes'] !== undefined ? { classes: parseNames('classes', v['classes']) } : {}),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

export async function runRules(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseRulesArgs(argv);
  if (req === 'help') {
    io.out(rulesUsage());
    return 0;
  }
  const dataPath = resolvePath(io.cwd, req.data);
  const table = readTable(dataPath);
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  try {
    const { data, names } = tableBatch(table, model, req.features, dataPath);
    const classNames = checkClasses(req.classes, model);
    const per = sizeOf(model.inputShape);
    let example: Tensor;
    if (req.example !== undefined) {
      if (req.example >= table.rows) throw new UsageError(`--example ${req.example} is not a row of the data (it has ${table.rows} rows, 0 … ${table.rows - 1})`);
      example = { shape: [...model.inputShape], data: data.data.slice(req.example * per, (req.example + 1) * per) };
    } else {
      const t = readTensorFile(resolvePath(io.cwd, req.input!), 'input file');
      if (t.data.length !== per) throw new UsageError(`--input holds ${t.data.length} values but the model input [${model.inputShape.join(', ')}] has ${per}`);
      example = { shape: [...model.inputShape], data: t.data };
    }
    const categorical = (req.categorical ?? []).map((c) => {
      const byName = names.indexOf(c);
      if (byName >= 0) return byName;
      if (/^\d+$/.test(c) && Number(c) < per) return Number(c);
      throw new UsageError(`--categorical '${c}' is neither a feature name (${names.join(', ')}) nor an index below ${per}`);
    });
    const bar = progressBar('rules', req.progress === undefined ? io : { ...io, progress: req.progress });
    const signal = io.interruption?.signal;
    const started = Date.now();
    const work = () =>
      new Anchors(model).explain(example, {
        data,
        threshold: req.precision,
        bins: req.bins,
        beamSize: req.beam,
        categorical,
        featureNames: names,
        ...(classNames ? { classNames } : {}),
        seed: req.seed,
        ...(signal ? { signal } : {}),
        onProgress: (p) => bar.update(p.done, p.total),
      });
    let res: AnchorResult;
    try {
      res = await (io.interruption ? io.interruption.during(work) : work());
    } catch (err) {
      bar.stop();
      throw asInterruption(err, signal, bar, `rules on ${choice.adapter}`);
    }
    bar.finish(
      `rules: ${res.anchor.length} conditions, precision ${res.precision.toFixed(3)}${res.satisfied ? '' : ` (below ${req.precision})`}, coverage ${res.coverage.toFixed(3)}, ` +
        `${res.samples} perturbations, ${res.modelCalls} model calls, ${((Date.now() - started) / 1000).toFixed(1)} s ${describeChoice(choice)}`,
    );
    const values: Record<string, number> = {};
    names.forEach((n, j) => (values[n] = example.data[j]!));
    const json = JSON.stringify({
      example: { index: req.example ?? null, values },
      prediction: res.prediction,
      className: res.className ?? null,
      text: res.text,
      anchor: res.anchor,
      precision: res.precision,
      precisionSamples: res.precisionSamples,
      coverage: res.coverage,
      satisfied: res.satisfied,
      threshold: res.threshold,
      samples: res.samples,
      modelCalls: res.modelCalls,
      seed: req.seed,
    });
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    return 0;
  } finally {
    await model.dispose();
  }
}

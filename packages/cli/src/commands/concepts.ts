/**
 * `glasswing concepts`: TCAV (core `Tcav`) — which user-defined concepts a layer encodes and
 * how they move a target class. Writes JSON (stdout or --out), optionally the TCAV bar chart
 * (--png / --svg); progress on stderr.
 */
import { Tcav, createRng, type Tensor, type TcavResult } from '@glasswing/core';
import { tcavChartPng, tcavChartSvg } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseNumber, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { asBatch, readTensorFile, resolvePath, writeFile } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { layerList, parseConceptFlags, takeRepeated, withProgress } from './internals-args.js';

export const CONCEPTS_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  input: 'value',
  target: 'value',
  random: 'value',
  'random-runs': 'value',
  'random-size': 'value',
  seed: 'value',
  'test-split': 'value',
  adapter: 'value',
  'internal-batch-size': 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  cavs: 'switch',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export function conceptsUsage(): string {
  return `Usage: glasswing concepts --model <file> --layer <name> --concept <name=file.json> ...
                          --input <file.json> --target <k> [options]

TCAV (Kim et al. 2018, Captum's semantics): for each concept and layer, a linear classifier
(L2 logistic regression, seeded SGD) separates the concept's layer activations from a random
set's; its weight vector is the concept activation vector (CAV). The TCAV score is the fraction
of inputs whose target-class gradient at the layer points along the CAV; repeated against
--random-runs random sets and compared with random-vs-random runs by a two-sided Student t-test.

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --layer <name>            layer to test; repeat (--layer a --layer b) or list (--layer a,b)
  --concept <name=file>     a concept: its name and a tensor file of example inputs (same
                            formats as 'attribute --input', at least 2 examples); repeat it
  --input <file.json>       the inputs whose predictions are explained (as 'attribute --input')
  --target <k | k0,k1,...>  class index for all inputs, or one per input

Options:
  --random <file.json>      pool of random example inputs; random sets are drawn from it
                            (default: uniform noise in the range of the input values)
  --random-runs <n>         random sets, i.e. runs per concept and layer (default 10, ≥ 3)
  --random-size <n>         examples per random set (default: the largest concept's size,
                            at most the pool size)
  --seed <n>                random seed (default 0): random sets, splits, SGD order
  --test-split <f>          held-out fraction for the classifier accuracy (default 0.33)
  --adapter <id>            as for 'glasswing attribute' (default: the fastest installed)
  --internal-batch-size <n> most rows per model call (does not change results)
  --out <file.json>         write the JSON here instead of stdout
  --png <file.png>          the TCAV bar chart (per concept × layer: mean ± std over the runs,
                            random baseline in grey, '*' when p < 0.05, else 'n.s.')
  --svg <file.svg>          the same chart as SVG
  --cavs                    include every run's CAV in the JSON (large for conv layers)
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Output JSON: {"adapter", "layers", "concepts", "targets", "runs", "seed", "significance",
"results": [{"concept", "layer", "mean", "std", "scores", "magnitudeMean", "magnitudes",
"accuracies", "pValue", "magnitudePValue", "significant"[, "cavs"]}], "random": [{"layer",
"mean", "std", "scores", "magnitudes", "accuracies"}], "modelCalls"}.
`;
}

export interface ConceptsRequest {
  readonly model: string;
  readonly layers: string[];
  readonly concepts: { name: string; file: string }[];
  readonly input: string;
  readonly target: number | number[];
  readonly random?: string;
  readonly randomRuns: number;
  readonly randomSize?: number;
  readonly seed: number;
  readonly testSplit: number;
  readonly adapter?: AdapterId;
  readonly internalBatchSize?: number;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly cavs: boolean;
  readonly progress?: boolean;
}

function parseTargetList(raw: string): number | number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const nums = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--target must be a non-negative integer or a comma-separated list of them, got '${raw}'`);
    return Number(p);
  });
  return raw.includes(',') ? nums : nums[0]!;
}

export function parseConceptsArgs(argv: readonly string[]): ConceptsRequest | 'help' {
  const { rest, values: rep } = takeRepeated(argv, ['layer', 'concept']);
  const { values: v, switches, positionals } = parseFlags(rest, CONCEPTS_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'input', 'target']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  if (rep['layer']!.length === 0) throw new UsageError('missing required option --layer');
  if (rep['concept']!.length === 0) throw new UsageError('missing required option --concept (name=file.json)');
  const concepts = parseConceptFlags(rep['concept']!);
  const progress = parseProgressSwitches(switches);
  const testSplit = v['test-split'] === undefined ? 0.33 : parseNumber('test-split', v['test-split'], 0);
  if (testSplit >= 1) throw new UsageError(`--test-split must be below 1, got ${testSplit}`);
  return {
    model: v['model']!,
    layers: layerList(rep['layer']!),
    concepts,
    input: v['input']!,
    target: parseTargetList(v['target']!),
    ...(v['random'] !== undefined ? { random: v['random'] } : {}),
    randomRuns: v['random-runs'] === undefined ? 10 : parseInteger('random-runs', v['random-runs'], 3),
    ...(v['random-size'] !== undefined ? { randomSize: parseInteger('random-size', v['random-size'], 2) } : {}),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    testSplit,
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['internal-batch-size'] !== undefined ? { internalBatchSize: parseInteger('internal-batch-size', v['internal-batch-size'], 1) } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(v['png'] !== undefined ? { png: v['png'] } : {}),
    ...(v['svg'] !== undefined ? { svg: v['svg'] } : {}),
    cavs: switches.has('cavs'),
    ...(progress !== undefined ? { progress } : {}),
  };
}

/** Seeded uniform noise over [min, max] of `like`'s values: `rows` examples of its shape. */
export function noisePool(like: Tensor, rows: number, seed: number): Tensor {
  let lo = Infinity, hi = -Infinity;
  for (const v of like.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1;
  const per = like.data.length / like.shape[0]!;
  const rng = createRng(seed).derive(0x7ca7);
  const data = new Float32Array(rows * per);
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * rng.uniform();
  return { shape: [rows, ...like.shape.slice(1)], data };
}

/** The JSON of a TCAV result (numbers as written by JSON.stringify; NaN → null). */
export function tcavJson(r: TcavResult, extra: Record<string, unknown>, withCavs: boolean): Record<string, unknown> {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    ...extra,
    layers: r.layers,
    concepts: r.concepts,
    targets: r.targets,
    runs: r.runs,
    seed: r.seed,
    significance: r.significance,
    results: r.results.map((c) => ({
      concept: c.concept,
      layer: c.layer,
      mean: c.mean,
      std: c.std,
      scores: c.scores,
      magnitudeMean: num(c.magnitudeMean),
      magnitudes: c.magnitudes.map(num),
      accuracies: c.accuracies.map(num),
      pValue: num(c.pValue),
      magnitudePValue: num(c.magnitudePValue),
      significant: c.significant,
      ...(withCavs ? { cavs: c.cavs.map((v) => Array.from(v)) } : {}),
    })),
    random: r.random.map((b) => ({ layer: b.layer, mean: b.mean, std: b.std, scores: b.scores, magnitudes: b.magnitudes.map(num), accuracies: b.accuracies.map(num) })),
    modelCalls: r.modelCalls,
  };
}

/** The chart input of a TCAV result. */
export function tcavChartInput(r: TcavResult, title: string, subtitle?: string) {
  return {
    cells: r.results.map((c) => ({ concept: c.concept, layer: c.layer, mean: c.mean, std: c.std, scores: c.scores, pValue: c.pValue, significant: c.significant })),
    random: r.random.map((b) => ({ layer: b.layer, mean: b.mean, std: b.std, scores: b.scores })),
    title,
    ...(subtitle ? { subtitle } : {}),
  };
}

export async function runConcepts(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseConceptsArgs(argv);
  if (req === 'help') {
    io.out(conceptsUsage());
    return 0;
  }
  const opened = await openModel(resolvePath(io.cwd, req.model), req.adapter, { requires: { gradients: true, layers: true } });
  const { model } = opened;
  try {
    const x = asBatch(readTensorFile(resolvePath(io.cwd, req.input), 'input file'), model.inputShape, 'input');
    const concepts = req.concepts.map((c) => ({ name: c.name, examples: asBatch(readTensorFile(resolvePath(io.cwd, c.file), `concept '${c.name}' file`), model.inputShape, `concept '${c.name}'`) }));
    const largest = Math.max(...concepts.map((c) => c.examples.shape[0]!));
    const random = req.random !== undefined
      ? asBatch(readTensorFile(resolvePath(io.cwd, req.random), 'random file'), model.inputShape, 'random examples')
      : noisePool(x, req.randomRuns * (req.randomSize ?? largest), req.seed);
    const layers = req.layers.map((l) => {
      const d = opened.describeLayer(l);
      for (const note of d.notes) io.err(`note: layer '${l}' is ${d.layer}: ${note}\n`);
      return d.layer;
    });
    const { value: result, bar, seconds } = await withProgress('concepts', io, req.progress, `concepts on ${opened.adapter}`, (bar, signal) =>
      new Tcav(model).interpret(x, {
        layers,
        concepts,
        random,
        randomRuns: req.randomRuns,
        ...(req.randomSize !== undefined ? { randomSetSize: req.randomSize } : {}),
        target: req.target,
        seed: req.seed,
        testSplit: req.testSplit,
        ...(req.internalBatchSize !== undefined ? { internalBatchSize: req.internalBatchSize } : {}),
        ...(signal ? { signal } : {}),
        onProgress: (p) => bar.update(p.done, p.total),
      }),
    );
    const sig = result.results.filter((r) => r.significant).length;
    bar.finish(`concepts: ${concepts.length} concept(s) × ${layers.length} layer(s), ${result.runs} random runs, ${sig} significant, ${result.modelCalls} model calls, ${seconds.toFixed(1)} s ${describeChoice(opened.choice)}`);
    const json = JSON.stringify(tcavJson(result, { adapter: opened.adapter }, req.cavs));
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    const targets = [...new Set(result.targets)];
    const chart = tcavChartInput(result, 'TCAV scores', `target class ${targets.join(', ')} · ${result.runs} random runs · seed ${result.seed}`);
    if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), tcavChartPng(chart), 'PNG file');
    if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), tcavChartSvg(chart), 'SVG file');
    return 0;
  } finally {
    await model.dispose();
  }
}

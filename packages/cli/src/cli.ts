/**
 * The `glasswing` command line. `runCli(argv)` never throws and never prints a stack trace:
 * it returns the exit code (0 ok, 1 runtime error, 2 usage error, 130 / 143 stopped by SIGINT /
 * SIGTERM through `io.interruption`) and reports a failure as one line
 * `glasswing: error: <message>` (or `glasswing: interrupted (SIGINT): <what was done>`) on stderr.
 */
import { AbortError, GlasswingError } from '@glasswing/core';
import { UsageError } from './args.js';
import { runAttention } from './commands/attention.js';
import { runAttribute } from './commands/attribute.js';
import { runClusters } from './commands/clusters.js';
import { runConcepts } from './commands/concepts.js';
import { runCounterfactual } from './commands/counterfactual.js';
import { runImportance } from './commands/importance.js';
import { runInfluence } from './commands/influence.js';
import { runInspect } from './commands/inspect.js';
import { runReport } from './commands/report.js';
import { runRules } from './commands/rules.js';
import { runSurrogate } from './commands/surrogate.js';
import { runDistill } from './commands/distill.js';
import { runEvaluate } from './commands/evaluate.js';
import { runExplainDatasetCommand } from './commands/explain-dataset-queue.js';
import { runDatasetSummary } from './commands/dataset-summary.js';
import { runVisualize } from './commands/visualize.js';
import { runWorker } from './commands/worker.js';
import { InterruptedError, stopSignalName } from './interrupt.js';
import { resolveIO } from './io.js';
import type { CliIO, ResolvedIO } from './io.js';
import { stopProgressBars } from './progress.js';
import { cliVersion } from './version.js';

export type { CliIO, Writer } from './io.js';

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: ResolvedIO) => Promise<number>>> = {
  attention: runAttention,
  attribute: runAttribute,
  importance: runImportance,
  inspect: runInspect,
  report: runReport,
  concepts: runConcepts,
  clusters: runClusters,
  counterfactual: runCounterfactual,
  influence: runInfluence,
  visualize: runVisualize,
  surrogate: runSurrogate,
  rules: runRules,
  distill: runDistill,
  evaluate: runEvaluate,
  // explain-dataset's --queue path (queue/) wraps the command; without --queue it is runExplainDataset.
  'explain-dataset': runExplainDatasetCommand,
  'dataset-summary': runDatasetSummary,
  worker: runWorker,
};

export function usage(): string {
  return `Usage: glasswing <command> [options]

Commands:
  attention   where a transformer looks: raw attention, rollout, flow, gradient-weighted
              attention, with heat maps and arcs (run 'glasswing attention --help')
  attribute   explain a model's predictions (run 'glasswing attribute --help')
  importance  permutation importance and correlations over a CSV dataset
              (run 'glasswing importance --help')
  inspect     print a model's layers, parameter counts, shapes and supported methods
              (run 'glasswing inspect --help')
  report      write one self-contained HTML page: model diagram, weights, activations
              and attribution pictures (run 'glasswing report --help')
  concepts    TCAV: which concepts (example sets) a layer encodes and how they move a class
              (run 'glasswing concepts --help')
  clusters    cluster a layer's activations over a dataset: k-means, exemplars, purity,
              2-D map (run 'glasswing clusters --help')
  counterfactual  the smallest change of an example that gives the desired outcome:
              Wachter, Growing Spheres, DiCE-style sets (run 'glasswing counterfactual --help')
  influence   training examples that drove a prediction: TracIn proponents / opponents,
              self-influence, activation neighbours (run 'glasswing influence --help')
  visualize   feature visualization of a unit / channel / objective, and its top-k
              dataset examples (run 'glasswing visualize --help')
  surrogate   fit a decision tree to a model's predictions over a dataset: fidelity,
              importances, IF-THEN rules, tree picture (run 'glasswing surrogate --help')
  rules       Anchors: a high-precision IF-THEN rule around one example, with precision
              and coverage (run 'glasswing rules --help')
  distill     train a small student (MLP, CNN or tree) on a model's soft labels: fidelity,
              size and speed; saves a TensorFlow.js model (run 'glasswing distill --help')
  evaluate    score and rank attribution methods with explanation-quality metrics, on
              bundled ground-truth tasks or your model (run 'glasswing evaluate --help')
  explain-dataset  attributions for every example of a CSV / NPY / NPZ / JSONL file or image
              folder on all cores, resumable, with global importance and summary plots
              (run 'glasswing explain-dataset --help'); --queue redis://... spreads it
              over 'glasswing worker' processes on any number of machines
  dataset-summary  global importance, beeswarm / dependence plots and per-class average maps
              of an explain-dataset results file (run 'glasswing dataset-summary --help')
  worker      process the chunks that 'explain-dataset --queue redis://...' enqueues, on any
              number of machines (run 'glasswing worker --help')

Options:
  -h, --help      show this help
  -v, --version   print the version

Every command runs the model, unless --adapter says otherwise, on the fastest installed adapter
that can run it (onnx-node, else tfjs-wasm, onnx-web, reference) and names that adapter;
the gpu.js adapters (gpujs, gpujs-cpu, gpujs-webasm, gpujs-headlessgl) run only when named.
Ctrl-C stops a run after the model call in progress (exit code 130; SIGTERM: 143).
`;
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return oneLine(err.message || err.name);
  return oneLine(String(err));
}

export async function runCli(argv: readonly string[], io?: CliIO): Promise<number> {
  const rio = resolveIO(io);
  try {
    const [first, ...rest] = argv;
    if (first === undefined) throw new UsageError(`missing command; run 'glasswing --help' for usage`);
    if (first === '--help' || first === '-h' || first === 'help') {
      rio.out(usage());
      return 0;
    }
    if (first === '--version' || first === '-v' || first === '-V') {
      rio.out(`${cliVersion()}\n`);
      return 0;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (expected a command first, e.g. 'attribute')`);
    const command = COMMANDS[first];
    if (!command) throw new UsageError(`unknown command '${first}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await command(rest, rio);
  } catch (err) {
    stopProgressBars();
    const stopped = stopSignalName(rio.interruption?.signal);
    if (err instanceof InterruptedError || (stopped !== undefined && err instanceof AbortError)) {
      const e = err instanceof InterruptedError ? err : new InterruptedError(stopped!);
      rio.err(`glasswing: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    rio.err(`glasswing: error: ${errorMessage(err)}\n`);
    if (err instanceof UsageError) return 2;
    if (err instanceof GlasswingError || err instanceof Error) return 1;
    return 1;
  } finally {
    stopProgressBars();
  }
}

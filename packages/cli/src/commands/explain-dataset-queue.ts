/**
 * `glasswing explain-dataset`, with the queue flags: without `--queue` the command runs as
 * commands/explain-dataset.ts defines it (the local pool); with `--queue redis://…` the same
 * parsed job goes to the queue (queue/run-queued.ts), and the output and summary are written
 * as the local path writes them.
 */
import { UsageError } from '../args.js';
import { imageLayout, loadModelFile } from '../model-file.js';
import type { ResolvedIO } from '../io.js';
import { progressEnabled } from '../progress.js';
import { guessFormat } from '../dataset/readers/index.js';
import { writeSummary } from '../dataset/summary.js';
import { QUEUE_FLAGS, QUEUE_USAGE, parseQueueArgs, runQueued } from '../queue/run-queued.js';
import { parseExplainDatasetArgs, runExplainDataset } from './explain-dataset.js';
import { explainDatasetUsage } from './explain-dataset-help.js';
import { takeRepeated } from './internals-args.js';

/** The queue flags taken out of argv (`--flag value` or `--flag=value`), and the rest in order. */
export function splitQueueArgs(argv: readonly string[]): { queue: Record<string, string>; rest: string[] } {
  const { rest, values } = takeRepeated(argv, Object.keys(QUEUE_FLAGS));
  const queue: Record<string, string> = {};
  for (const [name, given] of Object.entries(values)) {
    if (given.length > 1) throw new UsageError(`option '--${name}' given more than once`);
    if (given.length === 1) queue[name] = given[0]!;
  }
  return { queue, rest };
}

export function explainDatasetFullUsage(): string {
  return `${explainDatasetUsage().trimEnd()}\n\n${QUEUE_USAGE}`;
}

export async function runExplainDatasetCommand(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const { queue, rest } = splitQueueArgs(argv);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(explainDatasetFullUsage());
    return 0;
  }
  const q = parseQueueArgs(queue);
  if (!q) return runExplainDataset(rest, io);
  const req = parseExplainDatasetArgs(rest, io.cwd);
  if (req === 'help') {
    io.out(explainDatasetFullUsage());
    return 0;
  }
  const rio = req.progress === undefined ? io : { ...io, progress: req.progress };
  await runQueued(req.job, req.out, q, rio);
  if (req.summary !== null) {
    const job = req.job;
    const layout = (job.format ?? guessFormat(job.data)) === 'images' ? imageLayout(await loadModelFile(job.model)) : undefined;
    const { files } = await writeSummary(req.out, req.summary, { job, ...(layout ? { layout } : {}) });
    if (progressEnabled(rio)) io.err(`explain-dataset: summary in ${req.summary} (${files.length} files)\n`);
  }
  return 0;
}

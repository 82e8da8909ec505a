/** `glasswing dataset-summary`: the summary of an explain-dataset results file (see dataset/summary.ts). */
import { basename, dirname, join } from 'node:path';
import { UsageError, parseChoice, parseFlags } from '../args.js';
import { resolvePath } from '../files.js';
import type { ResolvedIO } from '../io.js';
import type { DatasetJob } from '../dataset/chunk.js';
import { readOutputJob } from '../dataset/output.js';
import { writeSummary } from '../dataset/summary.js';
import { datasetSummaryUsage } from './explain-dataset-help.js';

const FLAGS = { results: 'value', out: 'value', data: 'value', layout: 'value', help: 'switch' } as const;

export async function runDatasetSummary(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const { values: v, switches, positionals } = parseFlags(argv, FLAGS);
  if (switches.has('help')) {
    io.out(datasetSummaryUsage());
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (v['results'] === undefined) throw new UsageError('missing required option --results');
  const results = resolvePath(io.cwd, v['results']);
  const layout = v['layout'] === undefined ? undefined : parseChoice('layout', v['layout'], ['NHWC', 'NCHW'] as const);
  const recorded = readOutputJob(results)?.job;
  const job: DatasetJob | undefined =
    v['data'] !== undefined
      ? { ...(recorded ?? { model: '', method: '', chunkRows: 1 }), data: resolvePath(io.cwd, v['data']) }
      : recorded;
  const dir = v['out'] !== undefined ? resolvePath(io.cwd, v['out']) : join(dirname(results), `${basename(results).replace(/\.jsonl?$/i, '')}-summary`);
  const { summary, files } = await writeSummary(results, dir, { ...(job ? { job } : {}), ...(layout ? { layout } : {}) });
  io.out(`${JSON.stringify({ rows: summary.rows, shape: summary.shape, files })}\n`);
  return 0;
}

/**
 * Workloads as data: algorithm × model × batch rows, crossed with every adapter in ADAPTERS.
 * `reps` is the number of timed repetitions (after `warmup`), cut short by the time budget.
 */
import type { MethodOptions } from '@glasswing/core';
import { ADAPTERS } from './adapters.js';

export interface AlgorithmRow {
  /** METHODS registry id. */
  readonly method: string;
  readonly model: string;
  readonly batch: number;
  /** Method options (the target is drawn per example from the seeded generator). */
  readonly options: MethodOptions;
  readonly reps: number;
  readonly warmup: number;
  /** Stop starting new repetitions after this many seconds (at least one timed rep runs). */
  readonly budgetS: number;
  /** Per-adapter adjustments (slow executors get fewer reps). */
  readonly perAdapter?: Readonly<Record<string, Partial<Pick<AlgorithmRow, 'reps' | 'warmup' | 'budgetS'>>>>;
}

export interface Workload extends Omit<AlgorithmRow, 'perAdapter'> {
  /** `<method>/<model>/<adapter>/b<batch>`. */
  readonly id: string;
  readonly adapter: string;
}

const IG = { steps: 50, quadrature: 'gausslegendre', baselines: 0 } as const;

export const ALGORITHM_ROWS: readonly AlgorithmRow[] = [
  { method: 'saliency', model: 'mlp_tabular', batch: 256, options: { abs: true }, reps: 200, warmup: 5, budgetS: 5 },
  {
    method: 'integrated-gradients',
    model: 'mlp_tabular',
    batch: 256,
    options: { ...IG, internalBatchSize: 3200 },
    reps: 10,
    warmup: 1,
    budgetS: 10,
  },
  { method: 'saliency', model: 'lenet_mnist', batch: 32, options: { abs: true }, reps: 20, warmup: 2, budgetS: 10 },
  {
    method: 'integrated-gradients',
    model: 'lenet_mnist',
    batch: 32,
    options: { ...IG, internalBatchSize: 200 },
    reps: 3,
    warmup: 1,
    budgetS: 20,
    perAdapter: { reference: { reps: 1, warmup: 0 }, 'tfjs-cpu': { reps: 1, warmup: 0 } },
  },
];

export function workloadsFor(rows: readonly AlgorithmRow[], adapters: readonly string[]): Workload[] {
  const out: Workload[] = [];
  for (const adapter of adapters) {
    for (const { perAdapter, ...row } of rows) {
      out.push({
        ...row,
        ...perAdapter?.[adapter],
        adapter,
        id: `${row.method}/${row.model}/${adapter}/b${row.batch}`,
      });
    }
  }
  return out;
}

/** Every workload, grouped by adapter (one tfjs backend active at a time). */
export const WORKLOADS: readonly Workload[] = workloadsFor(
  ALGORITHM_ROWS,
  ADAPTERS.map((a) => a.id),
);

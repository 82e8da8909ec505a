import type { Graph, Model } from '@glasswing/core';
import type { ConformanceTolerance } from './checks/context.js';
import type { ConformanceGraph } from './graphs/types.js';

/** A test expected to fail, by id (`<graph>/<check>` or a model-level test id such as `maxpool-ties`, `internals-fv-known-filter`, `dispose`), with the reason. */
export interface ExpectedFailure {
  readonly test: string;
  readonly reason: string;
}

export interface ConformanceOptions {
  /** Adapter name, e.g. 'tfjs-cpu'. */
  readonly name: string;
  /** Build the model under test from an IR graph. */
  createModel(graph: Graph): Promise<Model>;
  readonly tolerance?: ConformanceTolerance;
  /** Tests expected to fail: they run with `it.fails` and fail loudly once they pass. */
  readonly expectedFailures?: readonly ExpectedFailure[];
  /** Graphs to run over (default `conformanceGraphs()`). */
  readonly graphs?: readonly ConformanceGraph[];
}

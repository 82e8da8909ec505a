/**
 * `runConformanceChecks`: the suite without a test framework (for scripts and reports).
 * Same graphs, checks, capability skips and expected failures as `describeAdapterConformance`.
 */
import { createReferenceModel, type Model } from '@glasswing/core';
import { CONFORMANCE_CHECKS, resolveTolerance, satisfies } from './checks/index.js';
import { DISPOSE_TEST_ID, disposeCheck } from './checks/dispose.js';
import { POOL_TIES_TEST_ID, poolTiesCheck } from './checks/pool-ties.js';
import { RULE_AXIOM_CHECKS } from './checks/rule-axioms.js';
import { INTERNALS_MODEL_CHECKS } from './checks/internals-model.js';
import { METRICS_MODEL_CHECKS } from './checks/metrics.js';
import { conformanceGraphs } from './graphs/index.js';
import type { ConformanceOptions } from './options.js';

export type ConformanceStatus = 'passed' | 'failed' | 'skipped' | 'expected-failure' | 'unexpected-pass';

export interface ConformanceReport {
  /** `<graph>/<check>`, or a model-level test: `maxpool-ties`, `rule-…`, `internals-fv-known-filter`, `dispose`. */
  readonly test: string;
  readonly status: ConformanceStatus;
  readonly message?: string;
  readonly ms: number;
}

/** Every test id the suite registers for these options (what `expectedFailures` may name). */
export function conformanceTestIds(options: Pick<ConformanceOptions, 'graphs'> = {}): string[] {
  const graphs = options.graphs ?? conformanceGraphs();
  return [...graphs.flatMap((g) => CONFORMANCE_CHECKS.map((c) => `${g.id}/${c.id}`)), POOL_TIES_TEST_ID, ...RULE_AXIOM_CHECKS.map((c) => c.id), ...INTERNALS_MODEL_CHECKS.map((c) => c.id), ...METRICS_MODEL_CHECKS.map((c) => c.id), DISPOSE_TEST_ID];
}

export async function runConformanceChecks(options: ConformanceOptions): Promise<ConformanceReport[]> {
  const graphs = options.graphs ?? conformanceGraphs();
  const tolerance = resolveTolerance(options.tolerance);
  const expected = new Map((options.expectedFailures ?? []).map((e) => [e.test, e.reason]));
  const reports: ConformanceReport[] = [];
  const record = async (test: string, body: () => Promise<'skipped' | { readonly skip: string } | void>): Promise<void> => {
    const start = performance.now();
    let status: ConformanceStatus;
    let message: string | undefined;
    try {
      const r = await body();
      status = r !== undefined ? 'skipped' : expected.has(test) ? 'unexpected-pass' : 'passed';
      if (typeof r === 'object') message = r.skip;
      if (status === 'unexpected-pass') message = `expected to fail (${expected.get(test)}) but passed`;
    } catch (error) {
      status = expected.has(test) ? 'expected-failure' : 'failed';
      message = error instanceof Error ? error.message : String(error);
    }
    reports.push({ test, status, ms: performance.now() - start, ...(message !== undefined ? { message } : {}) });
  };
  for (const spec of graphs) {
    let model: Model | undefined;
    let createError: unknown;
    try {
      model = await options.createModel(spec.graph);
    } catch (error) {
      createError = error;
    }
    const reference = createReferenceModel(spec.graph);
    for (const check of CONFORMANCE_CHECKS) {
      await record(`${spec.id}/${check.id}`, async () => {
        if (!model) throw createError;
        if (!satisfies(model.capabilities, check.requires)) return 'skipped';
        return check.run({ model, reference, spec, tolerance });
      });
    }
    await model?.dispose();
    await reference.dispose();
  }
  await record(POOL_TIES_TEST_ID, async () => {
    const probe = await options.createModel(graphs[0]!.graph);
    const caps = probe.capabilities;
    await probe.dispose();
    if (!caps.gradients) return 'skipped';
    await poolTiesCheck(options.createModel, tolerance);
  });
  for (const axiom of RULE_AXIOM_CHECKS) {
    await record(axiom.id, async () => {
      const probe = await options.createModel(graphs[0]!.graph);
      const caps = probe.capabilities;
      await probe.dispose();
      if (!caps.gradients || !caps.rules) return 'skipped';
      await axiom.run(options.createModel, tolerance);
    });
  }
  for (const check of [...INTERNALS_MODEL_CHECKS, ...METRICS_MODEL_CHECKS]) {
    await record(check.id, async () => {
      const probe = await options.createModel(graphs[0]!.graph);
      const caps = probe.capabilities;
      await probe.dispose();
      if (!satisfies(caps, check.requires)) return 'skipped';
      return check.run(options.createModel, tolerance);
    });
  }
  await record(DISPOSE_TEST_ID, () => disposeCheck(options.createModel, graphs[0]!));
  return reports;
}

/**
 * `describeAdapterConformance`: registers the shared conformance suite with vitest. One `describe`
 * per graph; one test per check, named `<graph>/<check>`. Tests are skipped by the model's declared
 * capabilities (never by name); an `expectedFailures` entry turns its test into `it.fails`, which
 * fails loudly as soon as the adapter starts passing it.
 */
import { createReferenceModel, type Model } from '@glasswing/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_CHECKS, resolveTolerance, satisfies } from './checks/index.js';
import { DISPOSE_TEST_ID, disposeCheck } from './checks/dispose.js';
import { POOL_TIES_TEST_ID, poolTiesCheck } from './checks/pool-ties.js';
import { RULE_AXIOM_CHECKS } from './checks/rule-axioms.js';
import { INTERNALS_MODEL_CHECKS } from './checks/internals-model.js';
import { METRICS_MODEL_CHECKS } from './checks/metrics.js';
import { conformanceGraphs } from './graphs/index.js';
import type { ConformanceOptions } from './options.js';
import { conformanceTestIds } from './runner.js';

const TIMEOUT_MS = 300_000;

export function describeAdapterConformance(options: ConformanceOptions): void {
  const graphs = options.graphs ?? conformanceGraphs();
  const tolerance = resolveTolerance(options.tolerance);
  const expected = new Map((options.expectedFailures ?? []).map((e) => [e.test, e.reason]));
  const register = (id: string, fn: (skip: (note: string) => never) => Promise<void>): void => {
    const reason = expected.get(id);
    if (reason === undefined) it(id, (ctx) => fn((note) => ctx.skip(note)), TIMEOUT_MS);
    else it.fails(`${id} (expected failure: ${reason})`, (ctx) => fn((note) => ctx.skip(note)), TIMEOUT_MS);
  };

  describe(`conformance: ${options.name}`, () => {
    it('expectedFailures name existing tests and give a reason', () => {
      const ids = new Set(conformanceTestIds({ graphs }));
      const unknown = [...expected.keys()].filter((k) => !ids.has(k));
      expect(unknown, 'unknown test ids in expectedFailures').toEqual([]);
      const noReason = [...expected].filter(([, r]) => r.trim() === '').map(([k]) => k);
      expect(noReason, 'expectedFailures without a reason').toEqual([]);
    });

    for (const spec of graphs) {
      describe(spec.id, () => {
        let model: Model | undefined;
        let createError: unknown;
        const reference = createReferenceModel(spec.graph);
        beforeAll(async () => {
          try {
            model = await options.createModel(spec.graph);
          } catch (error) {
            createError = error;
          }
        }, TIMEOUT_MS);
        afterAll(async () => {
          await model?.dispose();
          await reference.dispose();
        });
        for (const check of CONFORMANCE_CHECKS) {
          register(`${spec.id}/${check.id}`, async (skip) => {
            if (!model) throw createError;
            if (!satisfies(model.capabilities, check.requires)) {
              skip(`${options.name} does not declare ${JSON.stringify(check.requires)}`);
            }
            const outcome = await check.run({ model, reference, spec, tolerance });
            if (outcome) skip(outcome.skip);
          });
        }
      });
    }

    describe('model-level', () => {
      register(POOL_TIES_TEST_ID, async (skip) => {
        const probe = await options.createModel(graphs[0]!.graph);
        const caps = probe.capabilities;
        await probe.dispose();
        if (!caps.gradients) skip(`${options.name} does not declare {"gradients":true}`);
        await poolTiesCheck(options.createModel, tolerance);
      });
      for (const axiom of RULE_AXIOM_CHECKS) {
        register(axiom.id, async (skip) => {
          const probe = await options.createModel(graphs[0]!.graph);
          const caps = probe.capabilities;
          await probe.dispose();
          if (!caps.gradients || !caps.rules) skip(`${options.name} does not declare {"gradients":true,"rules":true}`);
          await axiom.run(options.createModel, tolerance);
        });
      }
      for (const check of [...INTERNALS_MODEL_CHECKS, ...METRICS_MODEL_CHECKS]) {
        register(check.id, async (skip) => {
          const probe = await options.createModel(graphs[0]!.graph);
          const caps = probe.capabilities;
          await probe.dispose();
          if (!satisfies(caps, check.requires)) skip(`${options.name} does not declare ${JSON.stringify(check.requires)}`);
          const outcome = await check.run(options.createModel, tolerance);
          if (outcome) skip(outcome.skip);
        });
      }
      register(DISPOSE_TEST_ID, () => disposeCheck(options.createModel, graphs[0]!));
    });
  });
}

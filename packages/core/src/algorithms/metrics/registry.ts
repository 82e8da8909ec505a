/**
 * The metric registry, `METRICS`: every entry the metric family indexes export (made by
 * `metricSpec`, found by `isMetricSpec`), keyed by id, ordered by family then id. Used by
 * `glasswing evaluate`, the report and the docs. Two different entries with one id are an error.
 */
import { InvalidArgumentError } from '../../errors.js';
import { isMetricSpec, type MetricFamily, type MetricSpec } from '../_utils/metric-spec.js';
import * as faithfulness from './faithfulness/index.js';
import * as robustness from './robustness/index.js';
import * as randomisation from './randomisation/index.js';
import * as complexity from './complexity/index.js';
import * as localisation from './localisation/index.js';

function collect(modules: Readonly<Record<MetricFamily, object>>): Readonly<Record<string, MetricSpec>> {
  const out: Record<string, MetricSpec> = {};
  for (const [family, mod] of Object.entries(modules)) {
    const entries = Object.values(mod).filter(isMetricSpec).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const e of entries) {
      if (e.family !== family) throw new InvalidArgumentError(`metric '${e.id}' says family '${e.family}' but is exported from ${family}/`);
      if (out[e.id] && out[e.id] !== e) throw new InvalidArgumentError(`two METRICS entries have the id '${e.id}'`);
      out[e.id] = e;
    }
  }
  return Object.freeze(out);
}

/** Every explanation-quality metric by id (`glasswing evaluate --metrics <ids>`). */
export const METRICS: Readonly<Record<string, MetricSpec>> = collect({ faithfulness, robustness, randomisation, complexity, localisation });

/**
 * The method registry, `METHODS`: every entry the family indexes export, keyed by id. Used by the
 * CLI (`--method`, help), the conformance suite, the benchmarks and the generated method tables
 * of the READMEs (scripts/gen-method-docs.mjs).
 *
 * Nothing is registered here by hand. An entry lives at the end of its algorithm's file, made by
 * `spec` or one of the factories in `_utils/method-entries.ts` (which brand it, see
 * `isMethodSpec`), and reaches METHODS through the one line of its family's `index.ts` that
 * re-exports that file. Each entry's doc comment states its defaults and where they differ from
 * Captum's.
 *
 * Order (CLI help, docs): by family — gradient, perturbation, rules, layer, neuron, global — then
 * by id. Two different entries with one id are an error at load time.
 */
import { InvalidArgumentError } from '../errors.js';
import * as gradient from './gradient/index.js';
import * as perturbation from './perturbation/index.js';
import * as rules from './rules/index.js';
import * as layer from './layer/index.js';
import * as neuron from './neuron/index.js';
import * as global from './global/index.js';
import { isMethodSpec, type MethodSpec } from './_utils/method-spec.js';

export type { MethodOptionName, MethodOptions, MethodSpec } from './_utils/method-spec.js';
export { isMethodSpec } from './_utils/method-spec.js';

/** A family of METHODS entries (one folder of `algorithms/`), in METHODS order. */
export interface MethodFamily {
  readonly family: string;
  readonly ids: readonly string[];
}

/**
 * The METHODS entries among the exports of `modules` (family name → module namespace), keyed by
 * id, ordered by family (in the given order) then id. Throws InvalidArgumentError when two
 * different entries share an id.
 */
export function collectMethods(modules: Readonly<Record<string, object>>): {
  methods: Readonly<Record<string, MethodSpec>>;
  families: readonly MethodFamily[];
} {
  const byId = new Map<string, { spec: MethodSpec; where: string }>();
  const families: MethodFamily[] = [];
  for (const [family, mod] of Object.entries(modules)) {
    const ids: string[] = [];
    for (const [name, value] of Object.entries(mod)) {
      if (!isMethodSpec(value)) continue;
      const seen = byId.get(value.id);
      if (seen && seen.spec === value) continue;
      if (seen) {
        throw new InvalidArgumentError(`two METHODS entries have the id '${value.id}': ${seen.where} and ${family}/${name}`);
      }
      byId.set(value.id, { spec: value, where: `${family}/${name}` });
      ids.push(value.id);
    }
    ids.sort();
    families.push(Object.freeze({ family, ids: Object.freeze(ids) }));
  }
  const methods: Record<string, MethodSpec> = {};
  for (const { ids } of families) for (const id of ids) methods[id] = byId.get(id)!.spec;
  return { methods: Object.freeze(methods), families: Object.freeze(families) };
}

const registry = collectMethods({ gradient, perturbation, rules, layer, neuron, global });

/** Every attribution method by id (`glasswing attribute --method <id>`). */
export const METHODS: Readonly<Record<string, MethodSpec>> = registry.methods;

/** The METHODS ids per family folder, in METHODS order. */
export const METHOD_FAMILIES: readonly MethodFamily[] = registry.families;

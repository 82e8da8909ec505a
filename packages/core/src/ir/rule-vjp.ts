/**
 * Generic application of a propagation Rule (rules/rule.ts) to one graph node, using only the
 * op's own forward and VJP and element-wise kernels. See the Rule doc comment for the semantics:
 *
 *   for each term t:  x_t = t.input(x), θ_t = t.params(θ), z_t = f(x_t; θ_t)
 *   for each group G: s_G = mapper(g, Σ_{t∈G} w_t·z_t)
 *   out = Σ_G groupWeight_G · Σ_{t∈G} w_t · reduce(x_t, VJP_f(x_t; θ_t)[s_G])   (or identity / secant)
 *
 * DeepLIFT multipliers ('secant') live in ./secant.ts, RevealCancel in ./reveal-cancel.ts.
 */
import { InvalidArgumentError, UnsupportedOpError } from '../errors.js';
import type { GradientMapper, ModifierChain, Rule, RuleTerm, TensorModifier } from '../rules/rule.js';
import { sizeOf, type Tensor } from '../tensor.js';
import type { GraphNode, OpType } from './graph.js';
import type { Kernels } from './kernels.js';
import type { OpDef } from './op.js';
import { ELEMENTWISE_UNARY } from './ops/index.js';
import { scalarLike, scale } from './ops/util.js';
import { secantVjp } from './secant.js';

/** Which inputs a 'no-bias' parameter modifier zeroes ('params' = every parameter input). */
const BIAS_INPUTS: Partial<Record<OpType, readonly number[] | 'params'>> = {
  Gemm: [2],
  Conv: [2],
  ConvTranspose: [2],
  LayerNormalization: [2],
  // Folded shift t = B − mean·s vanishes when both B and mean are zero.
  BatchNormalization: [2, 3],
  Add: 'params',
  Sub: 'params',
};

export interface RuleNodeContext<T> {
  readonly k: Kernels<T>;
  readonly def: OpDef;
  readonly node: GraphNode;
  /** Forward input values (present inputs only). */
  readonly inputs: readonly T[];
  /** Forward output value. */
  readonly output: T;
  /** Incoming signal for the output. */
  readonly dy: T;
  /** isData[i]: input i carries data (receives a signal); otherwise it is a parameter. */
  readonly isData: readonly boolean[];
  /** Reference-pass input values (for 'secant'). */
  readonly referenceInputs?: readonly T[];
}

const MODIFIERS = new Set(['identity', 'positive', 'negative', 'gamma', 'square', 'constant', 'values', 'no-bias']);

function isFloatTensor(t: Tensor | undefined): t is Tensor {
  return !!t && Array.isArray(t.shape) && t.data instanceof Float32Array && t.data.length === sizeOf(t.shape);
}

function chainOf(m: ModifierChain | undefined): readonly TensorModifier[] {
  if (m === undefined) return [];
  return Array.isArray(m) ? (m as readonly TensorModifier[]) : [m as TensorModifier];
}

function checkModifier(m: TensorModifier, where: string, forParams: boolean): void {
  if (!m || !MODIFIERS.has(m.kind)) throw new InvalidArgumentError(`${where}: unknown modifier ${String(m?.kind)}`);
  if (m.kind === 'no-bias' && !forParams) throw new InvalidArgumentError(`${where}: 'no-bias' applies to parameters only`);
  if (m.kind === 'gamma' && !Number.isFinite(m.gamma)) throw new InvalidArgumentError(`${where}: gamma must be finite`);
  if (m.kind === 'constant' && !Number.isFinite(m.value)) throw new InvalidArgumentError(`${where}: constant value must be finite`);
  if (m.kind === 'values') {
    if (!isFloatTensor(m.values)) throw new InvalidArgumentError(`${where}: 'values' needs a tensor {shape, data: Float32Array}`);
    if (m.values.data.some((v) => !Number.isFinite(v))) throw new InvalidArgumentError(`${where}: 'values' must be finite`);
  }
}

const VJPS = ['standard', 'identity', 'secant', 'reveal-cancel'];

/** Check a rule's data; InvalidArgumentError naming the node and the problem. */
export function validateRule(rule: Rule, nodeName: string): void {
  const where = `rule ${String(rule?.name)} on node ${nodeName}`;
  if (!rule || !Array.isArray(rule.terms) || rule.terms.length === 0) {
    throw new InvalidArgumentError(`${where}: needs at least one term`);
  }
  for (const [i, t] of rule.terms.entries()) {
    if (!Number.isFinite(t.weight)) throw new InvalidArgumentError(`${where}: term ${i} weight must be finite`);
    for (const m of chainOf(t.input)) checkModifier(m, `${where}, term ${i} input`, false);
    for (const m of chainOf(t.params)) checkModifier(m, `${where}, term ${i} params`, true);
    if (t.group !== undefined && typeof t.group !== 'string') throw new InvalidArgumentError(`${where}: term ${i} group must be a string`);
  }
  for (const [gid, w] of Object.entries(rule.groupWeights ?? {})) {
    if (!Number.isFinite(w)) throw new InvalidArgumentError(`${where}: group weight ${gid} must be finite`);
    if (!rule.terms.some((t) => t.group === gid)) throw new InvalidArgumentError(`${where}: group weight ${gid} names no term's group`);
  }
  const g = rule.gradient;
  if (!g || !['identity', 'relu', 'normalize'].includes(g.kind)) {
    throw new InvalidArgumentError(`${where}: unknown gradient mapper ${String(g?.kind)}`);
  }
  if (g.kind === 'normalize' && !(Number.isFinite(g.epsilon) && g.epsilon >= 0)) {
    throw new InvalidArgumentError(`${where}: normalize epsilon must be a finite number >= 0`);
  }
  if (!VJPS.includes(rule.vjp)) throw new InvalidArgumentError(`${where}: unknown vjp ${String(rule.vjp)}`);
  if (rule.secantEpsilon !== undefined && !(rule.secantEpsilon >= 0)) {
    throw new InvalidArgumentError(`${where}: secantEpsilon must be >= 0`);
  }
  if (!['gradient', 'input-times-gradient'].includes(rule.reducer)) {
    throw new InvalidArgumentError(`${where}: unknown reducer ${String(rule.reducer)}`);
  }
}

function modifyOne<T>(k: Kernels<T>, v: T, m: TensorModifier): T {
  switch (m.kind) {
    case 'identity':
    case 'no-bias':
      return v;
    case 'positive':
      return k.relu(v);
    case 'negative':
      return k.neg(k.relu(k.neg(v)));
    case 'gamma':
      return k.add(v, scale(k, k.relu(v), m.gamma));
    case 'square':
      return k.mul(v, v);
    case 'constant':
      return scalarLike(k, v, m.value);
    case 'values':
      return k.broadcastTo(k.fromHost(m.values), k.shape(v));
  }
}

function isPlain(m: ModifierChain | undefined): boolean {
  return chainOf(m).every((x) => x.kind === 'identity');
}

/**
 * Inputs with the term's modifiers applied: `input` on data inputs, `params` on parameters
 * ('no-bias' zeroes the op's bias inputs, see BIAS_INPUTS).
 */
export function modifyInputs<T>(
  k: Kernels<T>,
  node: GraphNode,
  values: readonly T[],
  isData: readonly boolean[],
  input: ModifierChain | undefined,
  params: ModifierChain | undefined,
): T[] {
  const bias = BIAS_INPUTS[node.op];
  return values.map((v, i) => {
    let out = v;
    const isBias = bias === 'params' || (bias !== undefined && bias.includes(i));
    for (const m of chainOf(isData[i] ? input : params)) {
      out = m.kind === 'no-bias' ? (isBias ? scalarLike(k, out, 0) : out) : modifyOne(k, out, m);
    }
    return out;
  });
}

/** Mapper applied to the incoming signal g given the (group) output z. */
export function mapSignal<T>(k: Kernels<T>, g: T, z: T, mapper: GradientMapper): T {
  switch (mapper.kind) {
    case 'identity':
      return g;
    case 'relu':
      return k.relu(g);
    case 'normalize': {
      // sign(z) with sign(0) = +1: 1 − 2·step(−z); a zero denominator maps to a zero signal.
      const one = scalarLike(k, z, 1);
      const sign = k.sub(one, scale(k, k.step(k.neg(z)), 2));
      const d = mapper.epsilon > 0 ? k.add(z, scale(k, sign, mapper.epsilon)) : z;
      const nonzero = k.step(k.abs(d));
      return k.mul(k.div(g, k.add(d, k.sub(one, nonzero))), nonzero);
    }
  }
}

function requireElementwise(ctx: RuleNodeContext<unknown>, rule: Rule): void {
  if (!ELEMENTWISE_UNARY.has(ctx.node.op)) {
    throw new UnsupportedOpError(
      ctx.node.op,
      `rule ${rule.name} on node ${ctx.node.name}: vjp '${rule.vjp}' needs a single-input element-wise op ` +
        `(${[...ELEMENTWISE_UNARY].join(', ')}), got ${ctx.node.op}`,
    );
  }
}

interface TermEval<T> {
  readonly term: RuleTerm;
  readonly xs: T[];
  readonly z: T;
}

/** The rule-modified signal for each input (undefined for parameters). */
export function ruleVjp<T>(ctx: RuleNodeContext<T>, rule: Rule): (T | undefined)[] {
  const { k, def, node, isData } = ctx;
  if (rule.vjp === 'identity' || rule.vjp === 'reveal-cancel') requireElementwise(ctx as RuleNodeContext<unknown>, rule);
  const needsRef = rule.vjp === 'secant' || rule.vjp === 'reveal-cancel';
  if (needsRef && !ctx.referenceInputs) {
    throw new InvalidArgumentError(`node ${node.name}: a '${rule.vjp}' rule needs a reference input`);
  }
  // Forward every term, then group them (terms without a group form their own group).
  const evals: TermEval<T>[] = rule.terms.map((term) => {
    const plain = isPlain(term.input) && isPlain(term.params);
    const xs = plain ? [...ctx.inputs] : modifyInputs(k, node, ctx.inputs, isData, term.input, term.params);
    const z = plain ? ctx.output : def.forward(k, xs, node)[0]!;
    return { term, xs, z };
  });
  // A term without a group is a group of its own: inner weight 1, group weight = its weight.
  const groups = new Map<string, { weight: number; members: (TermEval<T> & { w: number })[] }>();
  evals.forEach((e, i) => {
    if (e.term.group === undefined) {
      groups.set(`\u0000term${i}`, { weight: e.term.weight, members: [{ ...e, w: 1 }] });
      return;
    }
    const g = groups.get(e.term.group) ?? { weight: rule.groupWeights?.[e.term.group] ?? 1, members: [] };
    g.members.push({ ...e, w: e.term.weight });
    groups.set(e.term.group, g);
  });
  const totals: (T | undefined)[] = ctx.inputs.map(() => undefined);
  for (const { weight: groupWeight, members } of groups.values()) {
    let zg: T | undefined;
    if (rule.gradient.kind === 'normalize') {
      for (const e of members) {
        const wz = scale(k, e.z, e.w);
        zg = zg === undefined ? wz : k.add(zg, wz);
      }
    }
    const s = mapSignal(k, ctx.dy, zg ?? members[0]!.z, rule.gradient);
    for (const e of members) {
      const { w, xs, z } = e;
      let cs: (T | undefined)[];
      if (rule.vjp === 'identity') cs = [s];
      else if (needsRef) {
        // 'reveal-cancel' reaches here only without a usable producer: it is then exactly rescale.
        const refXs = modifyInputs(k, node, ctx.referenceInputs!, isData, e.term.input, e.term.params);
        const zr = def.forward(k, refXs, node)[0]!;
        cs = secantVjp({ k, def, node, xs, z, refXs, zr, s, isData, eps: rule.secantEpsilon ?? 1e-10 });
      } else cs = def.vjp(k, xs, [z], [s], node, isData);
      cs.forEach((c, i) => {
        if (c === undefined || !isData[i]) return;
        const reduced = rule.reducer === 'input-times-gradient' ? k.mul(xs[i]!, c) : c;
        const weighted = scale(k, reduced, w * groupWeight);
        totals[i] = totals[i] === undefined ? weighted : k.add(totals[i]!, weighted);
      });
    }
  }
  return totals;
}

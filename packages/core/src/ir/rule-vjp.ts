/**
 * Generic application of a propagation Rule (rules/rule.ts) to one graph node, using only the
 * op's own forward and VJP and element-wise kernels. See the Rule doc comment for the semantics:
 *
 *   for each term t: x_t = t.input(x), θ_t = t.params(θ), z_t = f(x_t; θ_t)
 *                    s_t = mapper(g, z_t), c_t = VJP_f(x_t; θ_t)[s_t] (or identity / secant)
 *   out = Σ_t weight_t · reduce(x_t, c_t)
 */
import { InvalidArgumentError, UnsupportedOpError } from '../errors.js';
import type { GradientMapper, Rule, RuleTerm, TensorModifier } from '../rules/rule.js';
import type { GraphNode, OpType } from './graph.js';
import type { Kernels } from './kernels.js';
import type { OpDef } from './op.js';
import { ELEMENTWISE_UNARY } from './ops/index.js';
import { scalarLike, scale } from './ops/util.js';

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

const MODIFIERS = new Set(['identity', 'positive', 'negative', 'gamma', 'square', 'constant', 'no-bias']);

function checkModifier(m: TensorModifier | undefined, where: string, forParams: boolean): void {
  if (m === undefined) return;
  if (!MODIFIERS.has(m.kind)) throw new InvalidArgumentError(`${where}: unknown modifier ${String(m.kind)}`);
  if (m.kind === 'no-bias' && !forParams) throw new InvalidArgumentError(`${where}: 'no-bias' applies to parameters only`);
  if (m.kind === 'gamma' && !Number.isFinite(m.gamma)) throw new InvalidArgumentError(`${where}: gamma must be finite`);
  if (m.kind === 'constant' && !Number.isFinite(m.value)) throw new InvalidArgumentError(`${where}: constant value must be finite`);
}

/** Check a rule's data; InvalidArgumentError naming the node and the problem. */
export function validateRule(rule: Rule, nodeName: string): void {
  const where = `rule ${String(rule?.name)} on node ${nodeName}`;
  if (!rule || !Array.isArray(rule.terms) || rule.terms.length === 0) {
    throw new InvalidArgumentError(`${where}: needs at least one term`);
  }
  for (const [i, t] of rule.terms.entries()) {
    if (!Number.isFinite(t.weight)) throw new InvalidArgumentError(`${where}: term ${i} weight must be finite`);
    checkModifier(t.input, `${where}, term ${i} input`, false);
    checkModifier(t.params, `${where}, term ${i} params`, true);
  }
  const g = rule.gradient;
  if (!g || !['identity', 'relu', 'normalize'].includes(g.kind)) {
    throw new InvalidArgumentError(`${where}: unknown gradient mapper ${String(g?.kind)}`);
  }
  if (g.kind === 'normalize' && !(Number.isFinite(g.epsilon) && g.epsilon >= 0)) {
    throw new InvalidArgumentError(`${where}: normalize epsilon must be a finite number >= 0`);
  }
  if (!['standard', 'identity', 'secant'].includes(rule.vjp)) throw new InvalidArgumentError(`${where}: unknown vjp ${String(rule.vjp)}`);
  if (rule.secantEpsilon !== undefined && !(rule.secantEpsilon >= 0)) {
    throw new InvalidArgumentError(`${where}: secantEpsilon must be >= 0`);
  }
  if (!['gradient', 'input-times-gradient'].includes(rule.reducer)) {
    throw new InvalidArgumentError(`${where}: unknown reducer ${String(rule.reducer)}`);
  }
}

function modify<T>(k: Kernels<T>, v: T, m: TensorModifier | undefined): T {
  switch (m?.kind) {
    case undefined:
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
  }
}

function isIdentity(m: TensorModifier | undefined): boolean {
  return m === undefined || m.kind === 'identity';
}

function termInputs<T>(ctx: RuleNodeContext<T>, term: RuleTerm, values: readonly T[]): T[] {
  const { k, node, isData } = ctx;
  const bias = BIAS_INPUTS[node.op];
  return values.map((v, i) => {
    if (isData[i]) return modify(k, v, term.input);
    if (term.params?.kind === 'no-bias') {
      const zero = bias === 'params' || (bias !== undefined && bias.includes(i));
      return zero ? scalarLike(k, v, 0) : v;
    }
    return modify(k, v, term.params);
  });
}

function mapSignal<T>(k: Kernels<T>, g: T, z: T, mapper: GradientMapper): T {
  switch (mapper.kind) {
    case 'identity':
      return g;
    case 'relu':
      return k.relu(g);
    case 'normalize': {
      // sign(z) with sign(0) = +1: 1 − 2·step(−z).
      const sign = k.sub(scalarLike(k, z, 1), scale(k, k.step(k.neg(z)), 2));
      return k.div(g, k.add(z, scale(k, sign, mapper.epsilon)));
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

/** DeepLIFT rescale: s ⊙ Δy/Δx, the standard VJP where |Δx| is below `eps`. */
function secant<T>(ctx: RuleNodeContext<T>, xs: readonly T[], z: T, s: T, term: RuleTerm, eps: number): T {
  const { k, def, node } = ctx;
  if (!ctx.referenceInputs) {
    throw new InvalidArgumentError(`node ${node.name}: a 'secant' rule needs a reference input`);
  }
  const refXs = termInputs(ctx, term, ctx.referenceInputs);
  const zr = def.forward(k, refXs, node)[0]!;
  const dx = k.sub(xs[0]!, refXs[0]!);
  const mask = k.step(k.sub(k.abs(dx), scalarLike(k, dx, eps)));
  const off = k.sub(scalarLike(k, mask, 1), mask);
  const safe = k.add(dx, off);
  const rescale = k.div(k.mul(s, k.sub(z, zr)), safe);
  const standard = def.vjp(k, xs, [z], [s], node)[0]!;
  return k.add(k.mul(mask, rescale), k.mul(off, standard));
}

/** The rule-modified signal for each input (undefined for parameters). */
export function ruleVjp<T>(ctx: RuleNodeContext<T>, rule: Rule): (T | undefined)[] {
  const { k, def, node, isData } = ctx;
  if (rule.vjp !== 'standard') requireElementwise(ctx as RuleNodeContext<unknown>, rule);
  const totals: (T | undefined)[] = ctx.inputs.map(() => undefined);
  for (const term of rule.terms) {
    const plain = isIdentity(term.input) && isIdentity(term.params);
    const xs = plain ? [...ctx.inputs] : termInputs(ctx, term, ctx.inputs);
    const z = plain ? ctx.output : def.forward(k, xs, node)[0]!;
    const s = mapSignal(k, ctx.dy, z, rule.gradient);
    let cs: (T | undefined)[];
    if (rule.vjp === 'identity') cs = [s];
    else if (rule.vjp === 'secant') cs = [secant(ctx, xs, z, s, term, rule.secantEpsilon ?? 1e-10)];
    else cs = def.vjp(k, xs, [z], [s], node, isData);
    cs.forEach((c, i) => {
      if (c === undefined || !isData[i]) return;
      const reduced = rule.reducer === 'input-times-gradient' ? k.mul(xs[i]!, c) : c;
      const weighted = scale(k, reduced, term.weight);
      totals[i] = totals[i] === undefined ? weighted : k.add(totals[i]!, weighted);
    });
  }
  return totals;
}

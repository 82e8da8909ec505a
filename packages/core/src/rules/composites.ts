/**
 * Composites: data mapping graph nodes to rules (by op type, op kind, name, name pattern,
 * position among linear layers, number of data inputs, producer op). Entries are tried in order;
 * the first match decides (`rule: null` = the plain gradient). `resolveComposite(c, graph)`
 * turns a composite into a RuleAssignment for that graph (resolve against the CANONIZED graph
 * when canonizers are used).
 *
 * Presets: epsilonPlus, epsilonGammaBox, epsilonAlpha2Beta1 (zennit's), captumDefault (Captum's
 * LRP defaults, plus Sigmoid and residual sums), deepLiftComposite('rescale' | 'reveal-cancel'),
 * guidedBackpropComposite, deconvolutionComposite; `compositeByName` for the CLI's ids.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Graph, GraphNode, OpType } from '../ir/graph.js';
import type { OpKind } from '../ir/op.js';
import { ELEMENTWISE_UNARY, getOp } from '../ir/ops/index.js';
import { presentInputs } from '../ir/validate.js';
import type { Tensor } from '../tensor.js';
import { alphaBeta, deconvRelu, epsilon, gamma, guidedRelu, passThrough, rescale, revealCancel, zBox, zPlus } from './presets.js';
import type { Rule, RuleAssignment } from './rule.js';

export interface NodeMatch {
  readonly op?: OpType | readonly OpType[];
  readonly kind?: OpKind | readonly OpKind[];
  /** Exact node names. */
  readonly name?: string | readonly string[];
  /** A regular expression (source) the node name must match. */
  readonly namePattern?: string;
  /** The first / last node (topological order) whose op kind is 'linear'. */
  readonly position?: 'first-linear' | 'last-linear';
  /** Number of non-constant inputs: 'one' (e.g. a layer, a bias Add) or 'many' (a residual sum). */
  readonly dataInputs?: 'one' | 'many';
  /** The node's first input is produced by one of these ops, applied to exactly one non-constant input. */
  readonly producerOp?: OpType | readonly OpType[];
}

export interface CompositeEntry {
  readonly match: NodeMatch;
  /** The rule, or null for the plain gradient. */
  readonly rule: Rule | null;
}

export interface Composite {
  readonly name: string;
  readonly entries: readonly CompositeEntry[];
}

function list<V>(v: V | readonly V[] | undefined): readonly V[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? (v as readonly V[]) : [v as V];
}

interface GraphFacts {
  readonly firstLinear?: string;
  readonly lastLinear?: string;
  readonly producer: ReadonlyMap<string, GraphNode>;
  dataCount(node: GraphNode): number;
}

function factsOf(graph: Graph): GraphFacts {
  const linear = graph.nodes.filter((n) => getOp(n.op, n.name).kind === 'linear').map((n) => n.name);
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as [string, GraphNode])));
  const dataCount = (node: GraphNode) => presentInputs(node).filter((i) => !(i in graph.initializers)).length;
  return { firstLinear: linear[0], lastLinear: linear[linear.length - 1], producer, dataCount };
}

function matches(m: NodeMatch, node: GraphNode, facts: GraphFacts): boolean {
  const ops = list(m.op);
  if (ops && !ops.includes(node.op)) return false;
  const kinds = list(m.kind);
  if (kinds && !kinds.includes(getOp(node.op, node.name).kind)) return false;
  const names = list(m.name);
  if (names && !names.includes(node.name)) return false;
  if (m.namePattern !== undefined && !new RegExp(m.namePattern).test(node.name)) return false;
  if (m.position === 'first-linear' && node.name !== facts.firstLinear) return false;
  if (m.position === 'last-linear' && node.name !== facts.lastLinear) return false;
  if (m.dataInputs !== undefined && (facts.dataCount(node) > 1 ? 'many' : 'one') !== m.dataInputs) return false;
  const producers = list(m.producerOp);
  if (producers) {
    const p = facts.producer.get(node.inputs[0] ?? '');
    if (!p || !producers.includes(p.op) || facts.dataCount(p) !== 1) return false;
  }
  return true;
}

/** The rule assignment a composite gives a graph (nodes matched by no entry, or by `rule: null`, get none). */
export function resolveComposite(composite: Composite, graph: Graph): RuleAssignment {
  if (!composite || !Array.isArray(composite.entries)) throw new InvalidArgumentError('resolveComposite needs a composite {name, entries}');
  for (const [i, e] of composite.entries.entries()) {
    if (e.match.namePattern !== undefined) {
      try {
        new RegExp(e.match.namePattern);
      } catch {
        throw new InvalidArgumentError(`composite ${composite.name}, entry ${i}: invalid namePattern ${e.match.namePattern}`);
      }
    }
  }
  const facts = factsOf(graph);
  const out: Record<string, Rule> = {};
  for (const node of graph.nodes) {
    const hit = composite.entries.find((e) => matches(e.match, node, facts));
    if (hit?.rule) out[node.name] = hit.rule;
  }
  return out;
}

// ---- presets ----

const ELEMENTWISE: readonly OpType[] = [...ELEMENTWISE_UNARY];
const DENSE: readonly OpType[] = ['Gemm', 'MatMul'];
const CONV: readonly OpType[] = ['Conv', 'ConvTranspose'];
const AVERAGING: readonly OpType[] = ['AveragePool', 'GlobalAveragePool', 'ReduceMean', 'ReduceSum'];
/** Element-wise ops that are not linear: DeepLIFT gives them secant multipliers. */
const NONLINEAR: readonly OpType[] = [
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'Erf', 'Gelu', 'Sqrt', 'Exp', 'Log', 'Abs',
  'Elu', 'Selu', 'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish', 'Swish', 'Mish', 'ThresholdedRelu',
];

/** Entries shared by the zennit-style LRP composites (after their linear-layer entries). */
function lrpCommon(eps: number): CompositeEntry[] {
  return [
    { match: { op: ELEMENTWISE }, rule: passThrough },
    // Residual sums split relevance in proportion to the summands (the sum rule).
    { match: { op: ['Add', 'Sub'], dataInputs: 'many' }, rule: epsilon(eps) },
    { match: { op: AVERAGING }, rule: epsilon(eps) },
    { match: { op: 'BatchNormalization' }, rule: epsilon(eps) },
  ];
}

export interface LrpCompositeOptions {
  /** ε of the dense layers' and sum rules (default 1e-6). */
  readonly epsilon?: number;
}

/** ε on dense layers, z⁺ on convolutions, pass-through on activations (zennit's EpsilonPlus). */
export function epsilonPlus(options: LrpCompositeOptions = {}): Composite {
  const eps = options.epsilon ?? 1e-6;
  return { name: 'epsilon-plus', entries: [{ match: { op: CONV }, rule: zPlus() }, { match: { op: DENSE }, rule: epsilon(eps) }, ...lrpCommon(eps)] };
}

/** zᴮ on the first linear layer (input bounds low/high), γ on convolutions, ε on dense layers. */
export function epsilonGammaBox(low: number | Tensor, high: number | Tensor, options: LrpCompositeOptions & { gamma?: number } = {}): Composite {
  const eps = options.epsilon ?? 1e-6;
  return {
    name: 'epsilon-gamma-box',
    entries: [
      { match: { position: 'first-linear' }, rule: zBox(low, high) },
      { match: { op: CONV }, rule: gamma(options.gamma ?? 0.25) },
      { match: { op: DENSE }, rule: epsilon(eps) },
      ...lrpCommon(eps),
    ],
  };
}

/** α2β1 on convolutions, ε on dense layers (zennit's EpsilonAlpha2Beta1). */
export function epsilonAlpha2Beta1(options: LrpCompositeOptions = {}): Composite {
  const eps = options.epsilon ?? 1e-6;
  return {
    name: 'epsilon-alpha2-beta1',
    entries: [{ match: { op: CONV }, rule: alphaBeta(2, 1) }, { match: { op: DENSE }, rule: epsilon(eps) }, ...lrpCommon(eps)],
  };
}

/**
 * Captum's LRP defaults: ε-rule (1e-9, z + ε·sign z) on Linear/Conv/pools/BatchNorm; ReLU,
 * Dropout and Tanh pass relevance. Beyond Captum: Sigmoid and the other element-wise activations
 * pass relevance too (Captum raises), and residual sums use the ε-rule (Captum cannot see them).
 */
export function captumDefault(options: LrpCompositeOptions = {}): Composite {
  const eps = options.epsilon ?? 1e-9;
  return {
    name: 'captum-default',
    entries: [
      { match: { op: [...DENSE, ...CONV, 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization'] }, rule: epsilon(eps) },
      { match: { op: ELEMENTWISE }, rule: passThrough },
      { match: { op: ['Add', 'Sub'], dataInputs: 'many' }, rule: epsilon(eps) },
    ],
  };
}

/**
 * DeepLIFT: secant multipliers on nonlinear element-wise ops, MaxPool (Captum's cross-maximum
 * routing between the argmaxes of x and of the reference) and products of data (Mul, MatMul,
 * Gemm, Div with two data inputs, Pow); linear and shape ops keep their VJP.
 * 'reveal-cancel' uses RevealCancel on nonlinearities fed by a linear layer (Rescale elsewhere).
 */
export function deepLiftComposite(mode: 'rescale' | 'reveal-cancel' = 'rescale', eps = 1e-10): Composite {
  if (mode !== 'rescale' && mode !== 'reveal-cancel') throw new InvalidArgumentError(`deepLiftComposite mode must be 'rescale' or 'reveal-cancel', got ${String(mode)}`);
  const rc: CompositeEntry[] =
    mode === 'reveal-cancel' ? [{ match: { op: NONLINEAR, producerOp: ['Gemm', 'Conv', 'ConvTranspose', 'MatMul'] }, rule: revealCancel(eps) }] : [];
  return {
    name: `deeplift-${mode}`,
    entries: [
      ...rc,
      { match: { op: [...NONLINEAR, 'MaxPool'] }, rule: rescale(eps) },
      { match: { op: ['Mul', 'MatMul', 'Gemm', 'Div'], dataInputs: 'many' }, rule: rescale(eps) },
      { match: { op: 'Pow' }, rule: rescale(eps) },
    ],
  };
}

/** Guided backpropagation: guided ReLU on every Relu. */
export function guidedBackpropComposite(): Composite {
  return { name: 'guided-backprop', entries: [{ match: { op: 'Relu' }, rule: guidedRelu }] };
}

/** Deconvolution: relu(signal) through every Relu, ignoring its forward gate. */
export function deconvolutionComposite(): Composite {
  return { name: 'deconvolution', entries: [{ match: { op: 'Relu' }, rule: deconvRelu }] };
}

export interface NamedCompositeOptions {
  readonly epsilon?: number;
  readonly gamma?: number;
  readonly low?: number | Tensor;
  readonly high?: number | Tensor;
}

/** Composite ids: what the CLI's `--composite` accepts. */
export const COMPOSITE_IDS = [
  'epsilon-plus',
  'epsilon-gamma-box',
  'epsilon-alpha2-beta1',
  'captum-default',
  'deeplift-rescale',
  'deeplift-reveal-cancel',
  'guided-backprop',
  'deconvolution',
] as const;

export function compositeByName(id: string, options: NamedCompositeOptions = {}): Composite {
  const eps = options.epsilon !== undefined ? { epsilon: options.epsilon } : {};
  switch (id) {
    case 'epsilon-plus':
      return epsilonPlus(eps);
    case 'epsilon-gamma-box':
      return epsilonGammaBox(options.low ?? 0, options.high ?? 1, { ...eps, ...(options.gamma !== undefined ? { gamma: options.gamma } : {}) });
    case 'epsilon-alpha2-beta1':
      return epsilonAlpha2Beta1(eps);
    case 'captum-default':
      return captumDefault(eps);
    case 'deeplift-rescale':
      return deepLiftComposite('rescale');
    case 'deeplift-reveal-cancel':
      return deepLiftComposite('reveal-cancel');
    case 'guided-backprop':
      return guidedBackpropComposite();
    case 'deconvolution':
      return deconvolutionComposite();
    default:
      throw new InvalidArgumentError(`unknown composite ${id}; known: ${COMPOSITE_IDS.join(', ')}`);
  }
}

/**
 * GraphExecutor: runs a validated graph on any Kernels<T> — forward with layer taps and
 * overrides, and reverse mode (plain or rule-modified VJP) over the topologically sorted nodes.
 * Both also run one node at a time (`forwardSteps` / `backwardSteps`), so a driver can yield to
 * the event loop and check an AbortSignal between nodes (GraphModel does when a call has a signal).
 */
import { InvalidArgumentError, ShapeError, UnsupportedOpError } from '../errors.js';
import { ruleNeedsReference, type Rule, type RuleAssignment } from '../rules/rule.js';
import type { Graph } from './graph.js';
import type { Kernels } from './kernels.js';
import { ELEMENTWISE_UNARY, getOp } from './ops/index.js';
import { makePlan, nodesNeeded, tensorsDownstream, tensorsUpstream } from './plan.js';
import type { GraphPlan } from './plan.js';
import { REVEAL_CANCEL_PRODUCERS, revealCancelVjp } from './reveal-cancel.js';
import { mapSignal, ruleVjp, validateRule } from './rule-vjp.js';
import { inferGraphShapes, validateGraph } from './validate.js';

export interface ForwardOptions<T> {
  /** Layers (node names) whose activations are returned. */
  readonly layers?: readonly string[];
  /** Replace these layers' outputs ([N, ...layerShape]) during the forward pass. */
  readonly overrides?: Readonly<Record<string, T>>;
}

export interface ForwardResult<T> {
  readonly outputs: T;
  readonly layers: Record<string, T>;
}

export interface BackwardOptions<T> extends ForwardOptions<T> {
  /** Propagation rules per node name; other nodes use the plain VJP. */
  readonly rules?: RuleAssignment;
  /** Reference input (same shape as x) for rules with vjp 'secant' or 'reveal-cancel'. */
  readonly reference?: T;
}

export interface BackwardResult<T> {
  readonly outputs: T;
  readonly inputGradient: T;
  readonly layers: Record<string, { activation: T; gradient: T }>;
}

/** RevealCancel without a splittable producer: the same rule as Rescale. */
function asRescale(rule: Rule): Rule {
  return { ...rule, vjp: 'secant' };
}

/**
 * A computation run one graph node at a time: each step yields the values it created that later
 * steps or the result use (a driver running each step in its own memory scope must keep them;
 * everything else a step allocates may be freed when it ends); the return value is the result.
 */
export type Steps<T, R> = Generator<readonly T[], R, void>;

/** Runs steps to the end synchronously (the plain `forward` / `backward`). */
export function drain<T, R>(steps: Steps<T, R>): R {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export class GraphExecutor<T> {
  readonly graph: Graph;
  readonly kernels: Kernels<T>;
  /** Tappable layer names (= node names), in graph order. */
  readonly layerNames: readonly string[];
  /** Inferred tensor shapes (batch dimension -1 unless fixed by the graph). */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  private readonly plan: GraphPlan;
  private readonly constants: Map<string, T>;
  /** Tensor name → index of the node producing it. */
  private readonly producerOf: ReadonlyMap<string, number>;

  constructor(graph: Graph, kernels: Kernels<T>) {
    validateGraph(graph);
    this.graph = graph;
    this.kernels = kernels;
    this.plan = makePlan(graph);
    this.shapes = inferGraphShapes(graph);
    this.layerNames = graph.nodes.map((n) => n.name);
    this.producerOf = new Map(graph.nodes.flatMap((n, i) => n.outputs.map((o) => [o, i] as [string, number])));
    this.constants = new Map(Object.entries(graph.initializers).map(([name, t]) => [name, kernels.fromHost(t)]));
  }

  /** The uploaded initializers (for the caller to release when done). */
  constantValues(): T[] {
    return [...this.constants.values()];
  }

  /** Layer output shape with batch dimension -1. */
  layerShape(name: string): readonly number[] {
    return this.shapes[this.graph.nodes[this.nodeOf(name)]!.outputs[0]!]!;
  }

  forward(x: T, opts: ForwardOptions<T> = {}): ForwardResult<T> {
    return drain(this.forwardSteps(x, opts));
  }

  /** `forward` one node per step (see Steps). */
  *forwardSteps(x: T, opts: ForwardOptions<T> = {}): Steps<T, ForwardResult<T>> {
    const layers = this.checkLayers(opts.layers ?? []);
    const overrides = this.checkOverrides(x, opts.overrides ?? {});
    const outputsOf = layers.map((i) => this.plan.nodes[i]!.outputs[0]!);
    const values = yield* this.runSteps(x, overrides, [this.plan.outputName, ...outputsOf]);
    const taps: Record<string, T> = {};
    layers.forEach((i, j) => (taps[this.plan.nodes[i]!.name] = values.get(outputsOf[j]!)!));
    return { outputs: values.get(this.plan.outputName)!, layers: taps };
  }

  backward(x: T, seed: T, opts: BackwardOptions<T> = {}): BackwardResult<T> {
    return drain(this.backwardSteps(x, seed, opts));
  }

  /** `backward` one node per step (see Steps): the forward pass(es), then the VJPs in reverse order. */
  *backwardSteps(x: T, seed: T, opts: BackwardOptions<T> = {}): Steps<T, BackwardResult<T>> {
    const k = this.kernels;
    const plan = this.plan;
    const layers = this.checkLayers(opts.layers ?? []);
    const overrides = this.checkOverrides(x, opts.overrides ?? {});
    const rules = opts.rules ?? {};
    let needsReference = false;
    for (const [name, rule] of Object.entries(rules)) {
      if (!plan.nodeIndex.has(name)) {
        throw new InvalidArgumentError(`rules name unknown layer ${name}; valid layers: ${this.layerNames.join(', ')}`);
      }
      validateRule(rule, name);
      if (ruleNeedsReference(rule)) needsReference = true;
    }
    const outName = plan.outputName;
    const tapNames = layers.map((i) => plan.nodes[i]!.outputs[0]!);
    const values = yield* this.runSteps(x, overrides, [outName, ...tapNames]);
    const outputs = values.get(outName)!;
    const seedShape = k.shape(seed);
    if (fmt(seedShape) !== fmt(k.shape(outputs))) {
      throw new ShapeError(`seed has shape ${fmt(seedShape)} but the output has shape ${fmt(k.shape(outputs))}`);
    }

    let refValues: Map<string, T> | undefined;
    if (needsReference) {
      if (opts.reference === undefined) {
        throw new InvalidArgumentError("a rule with vjp 'secant' or 'reveal-cancel' needs a reference input");
      }
      if (fmt(k.shape(opts.reference)) !== fmt(k.shape(x))) {
        throw new ShapeError(`reference has shape ${fmt(k.shape(opts.reference))} but the input has shape ${fmt(k.shape(x))}`);
      }
      refValues = yield* this.runSteps(opts.reference, new Map(), [outName]);
    }

    // Tensors that receive a gradient: downstream of a source and upstream of the output.
    const cut = new Set(overrides.keys());
    const sources = [plan.inputName, ...tapNames, ...[...cut].map((i) => plan.nodes[i]!.outputs[0]!)];
    const live = tensorsDownstream(plan, sources, cut);
    const upstream = tensorsUpstream(plan, outName);

    const grads = new Map<string, T>([[outName, seed]]);
    /** Gradients stored since the last step ended. */
    const fresh: T[] = [];
    const accumulate = (name: string, g: T): void => {
      const prev = grads.get(name);
      const sum = prev === undefined ? g : k.add(prev, g);
      grads.set(name, sum);
      fresh.push(sum);
    };
    for (let i = plan.nodes.length - 1; i >= 0; i--) {
      if (fresh.length > 0) yield fresh.splice(0);
      const node = plan.nodes[i]!;
      const out = node.outputs[0]!;
      if (cut.has(i) || !live.has(out) || !upstream.has(out)) continue;
      const dy = grads.get(out);
      if (dy === undefined) continue;
      const names = plan.inputsOf[i]!;
      const inputs = names.map((n) => this.valueOf(values, n));
      const def = getOp(node.op, node.name);
      const isData = names.map((n, j) => live.has(n) && def.dataInputs.includes(j));
      if (!isData.some(Boolean)) continue;
      const rule = rules[node.name];
      if (rule?.vjp === 'reveal-cancel' && refValues) {
        if (!ELEMENTWISE_UNARY.has(node.op)) {
          throw new UnsupportedOpError(node.op, `node ${node.name}: RevealCancel applies to element-wise nonlinearities, got ${node.op}`);
        }
        const p = this.producerOf.get(names[0]!);
        const pNode = p === undefined ? undefined : plan.nodes[p]!;
        if (p !== undefined && !cut.has(p) && pNode && REVEAL_CANCEL_PRODUCERS.has(pNode.op)) {
          const pNames = plan.inputsOf[p]!;
          const pDef = getOp(pNode.op, pNode.name);
          const pg = revealCancelVjp({
            k,
            def,
            node,
            x: inputs[0]!,
            y: values.get(out)!,
            xRef: this.valueOf(refValues, names[0]!),
            s: mapSignal(k, dy, values.get(out)!, rule.gradient),
            eps: rule.secantEpsilon ?? 1e-10,
            producerDef: pDef,
            producer: pNode,
            producerInputs: pNames.map((n) => this.valueOf(values, n)),
            producerRefInputs: pNames.map((n) => this.valueOf(refValues!, n)),
            producerIsData: pNames.map((n, j) => live.has(n) && pDef.dataInputs.includes(j)),
          });
          pNames.forEach((n, j) => {
            const g = pg[j];
            if (g !== undefined) accumulate(n, g);
          });
          continue;
        }
        // Graph input, overridden or single-contribution producer: RevealCancel is Rescale here.
        if (p !== undefined && !cut.has(p) && pNode && !['normalization', 'shape', 'identity'].includes(getOp(pNode.op).kind)) {
          throw new UnsupportedOpError(
            node.op,
            `node ${node.name}: RevealCancel needs a producer that is linear in one data input ` +
              `(${[...REVEAL_CANCEL_PRODUCERS].join(', ')}) or a single-contribution one; ${pNode.name} is ${pNode.op}`,
          );
        }
      }
      const dxs = rule
        ? ruleVjp(
            {
              k,
              def,
              node,
              inputs,
              output: values.get(out)!,
              dy,
              isData,
              ...(refValues ? { referenceInputs: names.map((n) => this.valueOf(refValues!, n)) } : {}),
            },
            rule.vjp === 'reveal-cancel' ? asRescale(rule) : rule,
          )
        : def.vjp(k, inputs, [values.get(out)!], [dy], node, isData);
      names.forEach((n, j) => {
        const g = dxs[j];
        if (isData[j] && g !== undefined) accumulate(n, g);
      });
    }

    const inputGradient = grads.get(plan.inputName) ?? k.fill(k.shape(x), 0);
    const taps: Record<string, { activation: T; gradient: T }> = {};
    layers.forEach((i, j) => {
      const activation = values.get(tapNames[j]!)!;
      taps[plan.nodes[i]!.name] = { activation, gradient: grads.get(tapNames[j]!) ?? k.fill(k.shape(activation), 0) };
    });
    return { outputs, inputGradient, layers: taps };
  }

  // ---- internals ----

  private nodeOf(name: string): number {
    const i = this.plan.nodeIndex.get(name);
    if (i === undefined) {
      throw new InvalidArgumentError(`unknown layer ${name}; valid layers: ${this.layerNames.join(', ')}`);
    }
    return i;
  }

  private checkLayers(layers: readonly string[]): number[] {
    if (!Array.isArray(layers)) throw new InvalidArgumentError('layers must be a list of layer names');
    return [...new Set(layers)].map((name) => this.nodeOf(name));
  }

  private checkInput(x: T): number {
    const shape = this.kernels.shape(x);
    const want = this.graph.inputs[0]!.shape;
    if (shape.length !== want.length || want.some((d, i) => d >= 0 && d !== shape[i])) {
      throw new ShapeError(`input has shape ${fmt(shape)} but the graph expects ${fmt(want)} (-1 = any)`);
    }
    return shape[0]!;
  }

  private checkOverrides(x: T, overrides: Readonly<Record<string, T>>): Map<number, T> {
    const n = this.checkInput(x);
    const out = new Map<number, T>();
    for (const [name, value] of Object.entries(overrides)) {
      const i = this.nodeOf(name);
      const want = [n, ...this.layerShape(name).slice(1)];
      const got = this.kernels.shape(value);
      if (got.length !== want.length || want.some((d, j) => d >= 0 && d !== got[j])) {
        throw new ShapeError(`override for layer ${name} has shape ${fmt(got)}, expected ${fmt(want)}`);
      }
      out.set(i, value);
    }
    return out;
  }

  private valueOf(values: ReadonlyMap<string, T>, name: string): T {
    const v = values.get(name) ?? this.constants.get(name);
    if (v === undefined) throw new Error(`internal: tensor ${name} was not computed`);
    return v;
  }

  /** Forward pass computing what `targets` need, one node per step; returns every computed tensor by name. */
  private *runSteps(x: T, overrides: ReadonlyMap<number, T>, targets: readonly string[]): Steps<T, Map<string, T>> {
    const plan = this.plan;
    const values = new Map<string, T>([[plan.inputName, x]]);
    const needed = nodesNeeded(plan, targets, new Set(overrides.keys()));
    for (let i = 0; i < plan.nodes.length; i++) {
      const node = plan.nodes[i]!;
      const override = overrides.get(i);
      if (override !== undefined) {
        values.set(node.outputs[0]!, override);
        continue;
      }
      if (!needed.has(i)) continue;
      const inputs = plan.inputsOf[i]!.map((name) => this.valueOf(values, name));
      const [y] = getOp(node.op, node.name).forward(this.kernels, inputs, node);
      values.set(node.outputs[0]!, y!);
      yield [y!];
    }
    return values;
  }
}

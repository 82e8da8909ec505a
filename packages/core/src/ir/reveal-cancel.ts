/**
 * DeepLIFT RevealCancel (Shrikumar et al. 2017, §3.5.3) as a rule on an element-wise
 * nonlinearity y = f(x) that looks at x's producer, a linear node x = L(a; W) + b with one
 * data input a. Positive and negative contributions to Δx are propagated separately:
 *
 *   Δx⁺ = L(Δa⁺; W⁺) + L(Δa⁻; W⁻),   Δx⁻ = L(Δa⁺; W⁻) + L(Δa⁻; W⁺)        (biases cancel in Δ)
 *   Δy⁺ = ½(f(x₀ + Δx⁺) − f(x₀)) + ½(f(x) − f(x₀ + Δx⁻))
 *   Δy⁻ = ½(f(x₀ + Δx⁻) − f(x₀)) + ½(f(x) − f(x₀ + Δx⁺))                  (Δy⁺ + Δy⁻ = Δy exactly)
 *   m⁺ = Δy⁺/Δx⁺, m⁻ = Δy⁻/Δx⁻    (f′(x) where |Δx±| < ε)
 *
 * and the multiplier of aⱼ routes each weight's contribution through the multiplier of its sign:
 * for Δaⱼ > 0: [Lᵀ_{W⁺}(s·m⁺) + Lᵀ_{W⁻}(s·m⁻)]ⱼ, for Δaⱼ < 0: [Lᵀ_{W⁺}(s·m⁻) + Lᵀ_{W⁻}(s·m⁺)]ⱼ.
 * Then Σⱼ mⱼΔaⱼ = Σᵢ sᵢ(m⁺ᵢΔx⁺ᵢ + m⁻ᵢΔx⁻ᵢ) = ⟨s, Δy⟩: summation-to-delta holds through the pair.
 *
 * The executor applies this to the pair (producer, nonlinearity): the signal goes straight to
 * the producer's data input; the producer's own VJP only carries signal from its other consumers
 * (so a layer tap on the producer's output does not include this path). Without a linear
 * producer (the graph input, an overridden producer, BatchNormalization or a shape op — every
 * x element then has one contribution) RevealCancel equals Rescale and the executor uses that.
 */
import { UnsupportedOpError } from '../errors.js';
import type { GraphNode, OpType } from './graph.js';
import type { Kernels } from './kernels.js';
import type { OpDef } from './op.js';
import { scalarLike, scale } from './ops/util.js';
import { modifyInputs } from './rule-vjp.js';

/** Producers RevealCancel splits (linear in one data input). */
export const REVEAL_CANCEL_PRODUCERS: ReadonlySet<OpType> = new Set<OpType>(['Gemm', 'Conv', 'ConvTranspose', 'MatMul']);

export interface RevealCancelArgs<T> {
  readonly k: Kernels<T>;
  /** The nonlinearity. */
  readonly def: OpDef;
  readonly node: GraphNode;
  /** Its input x (= producer output) and output y, actual and reference. */
  readonly x: T;
  readonly y: T;
  readonly xRef: T;
  /** Mapped incoming signal at y. */
  readonly s: T;
  readonly eps: number;
  /** The producer. */
  readonly producerDef: OpDef;
  readonly producer: GraphNode;
  readonly producerInputs: readonly T[];
  readonly producerRefInputs: readonly T[];
  readonly producerIsData: readonly boolean[];
}

/** Index of the producer's single data input; UnsupportedOpError otherwise. */
export function producerDataInput(producer: GraphNode, isData: readonly boolean[], consumer: GraphNode): number {
  const data = isData.flatMap((d, i) => (d ? [i] : []));
  if (!REVEAL_CANCEL_PRODUCERS.has(producer.op) || data.length !== 1) {
    throw new UnsupportedOpError(
      consumer.op,
      `node ${consumer.name}: RevealCancel needs a producer that is linear in one data input ` +
        `(${[...REVEAL_CANCEL_PRODUCERS].join(', ')} with constant weights); ${producer.name} is ${producer.op}` +
        (data.length !== 1 ? ` with ${data.length} data inputs` : ''),
    );
  }
  return data[0]!;
}

/** The RevealCancel signal for each producer input (undefined for parameters). */
export function revealCancelVjp<T>(a: RevealCancelArgs<T>): (T | undefined)[] {
  const { k, def, node, x, y, xRef, s, eps, producerDef: pDef, producer } = a;
  const d = producerDataInput(producer, a.producerIsData, node);
  const da = k.sub(a.producerInputs[d]!, a.producerRefInputs[d]!);
  const pos = k.relu(da);
  const neg = k.sub(da, pos);
  const withParams = (v: T, sign: 'positive' | 'negative') => {
    const ins = [...a.producerInputs];
    ins[d] = v;
    return modifyInputs(k, producer, ins, a.producerIsData, undefined, [{ kind: sign }, { kind: 'no-bias' }]);
  };
  const lin = (v: T, sign: 'positive' | 'negative') => pDef.forward(k, withParams(v, sign), producer)[0]!;
  const dxPos = k.add(lin(pos, 'positive'), lin(neg, 'negative'));
  const dxNeg = k.add(lin(pos, 'negative'), lin(neg, 'positive'));
  const f = (v: T) => def.forward(k, [v], node)[0]!;
  const yRef = f(xRef);
  const yPlus = f(k.add(xRef, dxPos));
  const yMinus = f(k.add(xRef, dxNeg));
  const dyPos = scale(k, k.add(k.sub(yPlus, yRef), k.sub(y, yMinus)), 0.5);
  const dyNeg = scale(k, k.add(k.sub(yMinus, yRef), k.sub(y, yPlus)), 0.5);
  const ones = scalarLike(k, x, 1);
  const deriv = def.vjp(k, [x], [y], [ones], node)[0]!;
  const multiplier = (dy: T, dx: T) => {
    const use = k.step(k.sub(k.abs(dx), scalarLike(k, dx, eps)));
    const off = k.sub(ones, use);
    return k.add(k.mul(use, k.div(dy, k.add(k.mul(dx, use), off))), k.mul(off, deriv));
  };
  const sPos = k.mul(s, multiplier(dyPos, dxPos));
  const sNeg = k.mul(s, multiplier(dyNeg, dxNeg));
  const back = (u: T, sign: 'positive' | 'negative') => {
    const needed = a.producerInputs.map((_, i) => i === d);
    return pDef.vjp(k, withParams(a.producerInputs[d]!, sign), [x], [u], producer, needed)[d]!;
  };
  const up = k.step(da);
  const whenPos = k.add(back(sPos, 'positive'), back(sNeg, 'negative'));
  const whenNeg = k.add(back(sNeg, 'positive'), back(sPos, 'negative'));
  const out: (T | undefined)[] = a.producerInputs.map(() => undefined);
  out[d] = k.add(k.mul(up, whenPos), k.mul(k.sub(scalarLike(k, up, 1), up), whenNeg));
  return out;
}

/**
 * Emit ONNX models from a core Graph by running core's GraphExecutor over the symbolic kernels:
 * one model per concrete batch size and request signature (static shapes throughout).
 *
 * Forward model: input `x` → outputs `outputs` and `act_<i>` per tapped layer.
 * Gradient model: inputs `x`, `seed` [N, …out], `override_<i>` per overridden layer, `reference`
 * when given → outputs `outputs`, `input_gradient`, `act_<i>`/`grad_<i>` per tapped layer.
 */
import { GraphExecutor, type Graph, type RuleAssignment } from '@glasswing/core';
import { createSymbolicKernels, OnnxGraphBuilder, type Sym } from '../symbolic/index.js';
import { encodeModel } from './encode.js';

export interface EmittedModel {
  readonly bytes: Uint8Array;
  /** Graph input names: x, and for gradient models seed, reference, overrides by layer. */
  readonly inputs: { readonly x: string; readonly seed?: string; readonly reference?: string; readonly overrides: Readonly<Record<string, string>> };
  /** Graph output names. */
  readonly outputs: {
    readonly outputs: string;
    readonly inputGradient?: string;
    readonly layers: Readonly<Record<string, { readonly activation: string; readonly gradient?: string }>>;
  };
  /** Number of ONNX nodes emitted (after dead-node removal). */
  readonly nodeCount: number;
}

export interface ForwardSignature {
  readonly batch: number;
  readonly layers?: readonly string[];
}

export interface GradientSignature extends ForwardSignature {
  /** Names of overridden layers (their values become inputs). */
  readonly overrides?: readonly string[];
  readonly rules?: RuleAssignment;
  /** Whether a reference input is fed (only used by 'secant' rules). */
  readonly reference?: boolean;
}

function setup(graph: Graph, batch: number) {
  const builder = new OnnxGraphBuilder();
  const kernels = createSymbolicKernels(builder);
  const executor = new GraphExecutor<Sym>(graph, kernels);
  const shape = (name: string) => [batch, ...executor.layerShape(name).slice(1)];
  const inputShape = [batch, ...graph.inputs[0]!.shape.slice(1)];
  return { builder, executor, shape, inputShape };
}

function unique(names: readonly string[] | undefined): string[] {
  return [...new Set(names ?? [])];
}

export function emitForwardModel(graph: Graph, sig: ForwardSignature): EmittedModel {
  const { builder, executor, inputShape } = setup(graph, sig.batch);
  const layers = unique(sig.layers);
  const x = builder.input('x', inputShape);
  const r = executor.forward(x, { layers });
  builder.output(r.outputs, 'outputs');
  const taps: Record<string, { activation: string }> = {};
  layers.forEach((name, i) => {
    builder.output(r.layers[name]!, `act_${i}`);
    taps[name] = { activation: `act_${i}` };
  });
  const bytes = encodeModel(builder, `${graph.name}_forward`);
  return { bytes, inputs: { x: 'x', overrides: {} }, outputs: { outputs: 'outputs', layers: taps }, nodeCount: builder.liveNodes().length };
}

export function emitGradientModel(graph: Graph, sig: GradientSignature): EmittedModel {
  const { builder, executor, shape, inputShape } = setup(graph, sig.batch);
  const layers = unique(sig.layers);
  const x = builder.input('x', inputShape);
  const overrideNames: Record<string, string> = {};
  const overrides: Record<string, Sym> = {};
  unique(sig.overrides).forEach((name, i) => {
    overrideNames[name] = `override_${i}`;
    overrides[name] = builder.input(`override_${i}`, shape(name));
  });
  const outName = graph.outputs[0]!;
  const outShape = [sig.batch, ...executor.shapes[outName]!.slice(1)];
  const seed = builder.input('seed', outShape);
  const reference = sig.reference ? builder.input('reference', inputShape) : undefined;
  const r = executor.backward(x, seed, {
    layers,
    overrides,
    ...(sig.rules ? { rules: sig.rules } : {}),
    ...(reference ? { reference } : {}),
  });
  builder.output(r.outputs, 'outputs');
  builder.output(r.inputGradient, 'input_gradient');
  const taps: Record<string, { activation: string; gradient: string }> = {};
  layers.forEach((name, i) => {
    builder.output(r.layers[name]!.activation, `act_${i}`);
    builder.output(r.layers[name]!.gradient, `grad_${i}`);
    taps[name] = { activation: `act_${i}`, gradient: `grad_${i}` };
  });
  const bytes = encodeModel(builder, `${graph.name}_gradient`);
  return {
    bytes,
    inputs: { x: 'x', seed: 'seed', ...(reference ? { reference: 'reference' } : {}), overrides: overrideNames },
    outputs: { outputs: 'outputs', inputGradient: 'input_gradient', layers: taps },
    nodeCount: builder.liveNodes().length,
  };
}

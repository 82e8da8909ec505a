/**
 * SimpleRNN, GRU (reset_after false and true) and LSTM, unrolled over the (known) sequence length
 * into MatMul / Add / activation / Mul nodes per time step, so every step has exact gradients.
 * The input projection x·W + b runs once for all steps; step t's nodes are `<layer>/t<t>/<role>`;
 * the layer's output (last state, or the stacked states with return_sequences) carries its name.
 * The initial state is zero; go_backwards runs the steps last to first (its sequence output in
 * that order, as Keras). return_state, stateful RNNs and masking are not supported.
 */
import type { Tensor } from '@glasswing/core';
import { activationOp } from './activation.js';
import { constant, formatError, single, unsupported, weight, type LayerContext, type LayerConverter } from './context.js';

type Kind = 'SimpleRNN' | 'GRU' | 'LSTM';
const GATES: Readonly<Record<Kind, number>> = { SimpleRNN: 1, GRU: 3, LSTM: 4 };

/** Columns [from, to) of a row-major [rows, cols] host tensor. */
function columns(t: Tensor, from: number, to: number): Tensor {
  const [rows, cols] = t.shape as [number, number];
  const data = new Float32Array(rows * (to - from));
  for (let r = 0; r < rows; r++) data.set(t.data.subarray(r * cols + from, r * cols + to), r * (to - from));
  return { shape: [rows, to - from], data };
}

interface Step {
  readonly ctx: LayerContext;
  readonly name: string;
  readonly units: number;
}

function act(s: Step, key: 'activation' | 'recurrent_activation', x: string, name: string): string {
  const fallback = key === 'activation' ? 'tanh' : 'sigmoid';
  const a = activationOp(s.ctx, s.ctx.spec.config[key] ?? fallback);
  return a === null ? x : s.ctx.b.node(name, a.op, [x], a.attrs);
}

function slice(s: Step, x: string, gate: number, name: string): string {
  return s.ctx.b.node(name, 'Slice', [x], { starts: [gate * s.units], ends: [(gate + 1) * s.units], axes: [-1] });
}

export interface RnnOptions {
  readonly goBackwards?: boolean;
}

/** Unroll the RNN layer in ctx over its input; returns the output tensor (named ctx.spec.name). */
export function unrollRnn(ctx: LayerContext, options: RnnOptions = {}): string {
  const kind = ctx.spec.className as Kind;
  const c = ctx.spec.config;
  for (const key of ['return_state', 'stateful'] as const) if (c[key] === true) throw unsupported(ctx, `${key} = true`);
  if (c['time_major'] === true) throw unsupported(ctx, 'time_major = true');
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  if (shape.length !== 3 || shape[1]! < 1) throw formatError(ctx, `expects a [N, steps, features] input with known steps, got [${shape.join(', ')}]`);
  const [, steps, features] = shape as [number, number, number];
  const units = c['units'];
  if (!Number.isInteger(units) || (units as number) < 1) throw formatError(ctx, 'config.units must be a positive integer');
  const u = units as number;
  const g = GATES[kind];
  const resetAfter = kind === 'GRU' && c['reset_after'] === true;
  const name = ctx.spec.name;
  const s: Step = { ctx, name, units: u };
  const kernel = weight(ctx, 'kernel', [features, g * u]);
  const rec = ctx.findWeight('recurrent_kernel');
  if (rec === undefined) throw formatError(ctx, 'weight recurrent_kernel is missing from the weights manifest');
  if (rec.shape.join() !== [u, g * u].join()) throw formatError(ctx, `weight recurrent_kernel has shape [${rec.shape.join(', ')}], expected [${u}, ${g * u}]`);
  const useBias = c['use_bias'] !== false;
  let inputBias: string | undefined;
  let recBias: Tensor | undefined;
  if (useBias) {
    const bias = ctx.findWeight('bias');
    if (bias === undefined) throw formatError(ctx, 'weight bias is missing from the weights manifest');
    const want = resetAfter ? [2, g * u] : [g * u];
    if (bias.shape.join() !== want.join()) throw formatError(ctx, `weight bias has shape [${bias.shape.join(', ')}], expected [${want.join(', ')}]`);
    inputBias = constant(ctx, 'bias', { shape: [g * u], data: bias.data.subarray(0, g * u) });
    if (resetAfter) recBias = { shape: [g * u], data: bias.data.slice(g * u) };
  }
  const projected = ctx.b.node(inputBias ? `${name}/input_matmul` : `${name}/input_projection`, 'MatMul', [x, kernel]);
  const xw = inputBias ? ctx.b.node(`${name}/input_projection`, 'Add', [projected, inputBias]) : projected;
  // GRU without reset_after multiplies the candidate's recurrent kernel by r·h: keep it apart.
  const splitCandidate = kind === 'GRU' && !resetAfter;
  const recMain = constant(ctx, 'recurrent_kernel', splitCandidate ? columns(rec, 0, 2 * u) : rec);
  const recCand = splitCandidate ? constant(ctx, 'recurrent_kernel_candidate', columns(rec, 2 * u, 3 * u)) : undefined;
  const recBiasT = recBias ? constant(ctx, 'recurrent_bias', recBias) : undefined;
  const one = kind === 'GRU' ? constant(ctx, 'one', { shape: [1], data: new Float32Array([1]) }) : undefined;
  const returnSequences = c['return_sequences'] === true;
  const backwards = (c['go_backwards'] === true) !== (options.goBackwards === true);
  const order = Array.from({ length: steps }, (_, i) => (backwards ? steps - 1 - i : i));
  let h: string | undefined;
  let cell: string | undefined;
  const outputs: string[] = [];
  order.forEach((t, i) => {
    const p = `${name}/t${t}`;
    const last = i === steps - 1;
    const hName = last && !returnSequences ? name : `${p}/h`;
    const xt = ctx.b.node(`${p}/x`, 'Gather', [xw], { axis: 1, indices: [t], indices_shape: [] });
    // Recurrent projection h·R (+ recurrent bias); absent at the first step (h = 0).
    let r: string | undefined = h === undefined ? undefined : ctx.b.node(`${p}/recurrent_matmul`, 'MatMul', [h, recMain]);
    if (recBiasT) r = r === undefined ? recBiasT : ctx.b.node(`${p}/recurrent`, 'Add', [r, recBiasT]);
    if (kind === 'SimpleRNN') {
      const z = r === undefined ? xt : ctx.b.node(`${p}/pre`, 'Add', [xt, r]);
      h = act(s, 'activation', z, hName);
      if (h === z) h = ctx.b.node(hName, 'Identity', [z]);
    } else if (kind === 'LSTM') {
      const z = r === undefined ? xt : ctx.b.node(`${p}/pre`, 'Add', [xt, r]);
      const gate = (k: number, role: string, key: 'activation' | 'recurrent_activation') => act(s, key, slice(s, z, k, `${p}/${role}_pre`), `${p}/${role}`);
      const ig = gate(0, 'input_gate', 'recurrent_activation');
      const fg = gate(1, 'forget_gate', 'recurrent_activation');
      const cand = gate(2, 'candidate', 'activation');
      const og = gate(3, 'output_gate', 'recurrent_activation');
      const fresh = ctx.b.node(`${p}/input_term`, 'Mul', [ig, cand]);
      cell = cell === undefined ? fresh : ctx.b.node(`${p}/c`, 'Add', [ctx.b.node(`${p}/forget_term`, 'Mul', [fg, cell]), fresh]);
      h = ctx.b.node(hName, 'Mul', [og, act(s, 'activation', cell, `${p}/c_activation`)]);
    } else {
      const xz = slice(s, xt, 0, `${p}/x_update`);
      const xr = slice(s, xt, 1, `${p}/x_reset`);
      const xh = slice(s, xt, 2, `${p}/x_candidate`);
      const add = (a: string, b: string | undefined, n: string) => (b === undefined ? a : ctx.b.node(n, 'Add', [a, b]));
      const rz = r === undefined ? undefined : slice(s, r, 0, `${p}/recurrent_update`);
      const rr = r === undefined ? undefined : slice(s, r, 1, `${p}/recurrent_reset`);
      const zg = act(s, 'recurrent_activation', add(xz, rz, `${p}/update_pre`), `${p}/update_gate`);
      let candPre: string;
      if (h === undefined && !recBiasT) candPre = xh;
      else if (resetAfter) {
        const rg = act(s, 'recurrent_activation', add(xr, rr, `${p}/reset_pre`), `${p}/reset_gate`);
        const rh = slice(s, r!, 2, `${p}/recurrent_candidate`);
        candPre = ctx.b.node(`${p}/candidate_pre`, 'Add', [xh, ctx.b.node(`${p}/reset_term`, 'Mul', [rg, rh])]);
      } else {
        const rg = act(s, 'recurrent_activation', add(xr, rr, `${p}/reset_pre`), `${p}/reset_gate`);
        const rhR = ctx.b.node(`${p}/reset_matmul`, 'MatMul', [ctx.b.node(`${p}/reset_state`, 'Mul', [rg, h!]), recCand!]);
        candPre = ctx.b.node(`${p}/candidate_pre`, 'Add', [xh, rhR]);
      }
      const cand = act(s, 'activation', candPre, `${p}/candidate`);
      // h = z·h_prev + (1 − z)·candidate
      const keep = ctx.b.node(`${p}/one_minus_update`, 'Sub', [one!, zg]);
      const fresh = ctx.b.node(h === undefined ? hName : `${p}/fresh`, 'Mul', [keep, cand]);
      h = h === undefined ? fresh : ctx.b.node(hName, 'Add', [ctx.b.node(`${p}/carry`, 'Mul', [zg, h]), fresh]);
    }
    outputs.push(h!);
  });
  if (!returnSequences) return h!;
  const stacked = outputs.map((o, i) => ctx.b.node(`${name}/t${order[i]}/h_step`, 'Unsqueeze', [o], { axes: [1] }));
  return stacked.length === 1 ? ctx.b.node(name, 'Identity', [stacked[0]!]) : ctx.b.node(name, 'Concat', stacked, { axis: 1 });
}

export const rnnLayer: LayerConverter = (ctx) => unrollRnn(ctx);

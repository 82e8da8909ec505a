/**
 * `glasswing inspect`: print a model's structure (layers in order with op, output shape and
 * parameter count), total parameters, input/output shapes, layout, capabilities and the method
 * ids it supports. `--json` prints the same as one JSON object.
 */
import { findAttentionNodes } from '@glasswing/core';
import type { Graph } from '@glasswing/core';
import { parseFlags, parseChoice, UsageError } from '../args.js';
import type { FlagKind } from '../args.js';
import { resolvePath } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { formatGpujsModes, gpujsModes } from '../gpujs-modes.js';
import type { GpujsModesReport } from '../gpujs-modes.js';
import { describeModel, formatCount, formatShape } from '../report/model-info.js';
import type { ModelInfo } from '../report/model-info.js';

export const INSPECT_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  adapter: 'value',
  json: 'switch',
  help: 'switch',
};

export function inspectUsage(): string {
  return `Usage: glasswing inspect --model <file> [--adapter <id>] [--json]

Print a model's structure: its layers in order (op, output shape, parameter count; for ONNX
exports of PyTorch models also the module names whose output each layer is), the total
parameter count, input and output shapes, image layout, capabilities (gradients, layers, rules),
the attribution method ids it supports, and which gpu.js modes (--adapter gpujs-*) start here.

Required:
  --model <file>    TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX (.onnx)

Options:
  --adapter <id>    reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs, gpujs-cpu,
                    gpujs-webasm or gpujs-headlessgl (default: the fastest installed, as
                    for attribute); capabilities depend on it
  --json            print one JSON object instead of text
  -h, --help        show this help
`;
}

export interface InspectRequest {
  readonly model: string;
  readonly adapter?: AdapterId;
  readonly json: boolean;
}

export function parseInspectArgs(argv: readonly string[]): InspectRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, INSPECT_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (v['model'] === undefined) throw new UsageError('missing required option --model');
  return {
    model: v['model'],
    json: switches.has('json'),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
  };
}

/** Make a name safe for a terminal: control characters (escape sequences) become \xNN. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const KIND_NAMES: Readonly<Record<string, string>> = {
  'tfjs-layers': 'TensorFlow.js LayersModel',
  'tfjs-graph': 'TensorFlow.js graph model',
  'glasswing-graph': 'Glasswing graph JSON',
  onnx: 'ONNX',
};

function table(rows: readonly string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatInspect(info: ModelInfo, gpujs?: GpujsModesReport): string {
  const lines: string[] = [];
  const inputNote = info.inputKind === 'image' ? ` (image${info.layout ? `, ${info.layout}` : ''})` : info.inputKind === 'tabular' ? ' (tabular)' : '';
  lines.push(`model:        ${terminalSafe(info.name)} (${KIND_NAMES[info.kind] ?? info.kind})`);
  lines.push(`backend:      ${terminalSafe(info.backend)}`);
  lines.push(`input:        ${formatShape([-1, ...info.inputShape])}${inputNote}`);
  lines.push(`output:       ${formatShape([-1, ...info.outputShape])}`);
  lines.push(`layout:       ${info.layout ?? 'n/a'}`);
  const caps = Object.entries(info.capabilities).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`);
  lines.push(`capabilities: ${caps.join(', ')}`);
  if (info.limits !== undefined) lines.push(`limits:       ${terminalSafe(info.limits)}`);
  if (gpujs !== undefined) lines.push(formatGpujsModes(gpujs));
  lines.push('');
  if (info.layers.length > 0) {
    // ONNX exports of PyTorch models: the module names (usable as --layer) whose output each layer is.
    const withModules = info.layers.some((l) => l.modules !== undefined);
    const rows = [['#', 'layer', ...(withModules ? ['module'] : []), 'op', 'output shape', 'params']];
    info.layers.forEach((l, i) => {
      const modules = withModules ? [terminalSafe((l.modules ?? []).join(', '))] : [];
      rows.push([String(i + 1), terminalSafe(l.name), ...modules, l.op, formatShape(l.outputShape), formatCount(l.params)]);
    });
    lines.push(...table(rows, new Set([0, withModules ? 5 : 4])));
    lines.push('');
    lines.push(`layers: ${info.layers.length}, total parameters: ${formatCount(info.totalParams)}`);
  } else {
    lines.push('layers: unknown (no IR graph for this model; it runs forward-only)');
  }
  lines.push('');
  const supported = info.methods.filter((m) => m.supported);
  const unsupported = info.methods.filter((m) => !m.supported);
  lines.push(`supported methods (${supported.length}):`);
  const width = Math.max(0, ...info.methods.map((m) => m.id.length)) + 2;
  for (const m of supported) lines.push(`  ${m.id.padEnd(width)}${m.title}`);
  if (unsupported.length > 0) {
    lines.push(`not supported (${unsupported.length}):`);
    for (const m of unsupported) lines.push(`  ${m.id.padEnd(width)}needs ${m.missing.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

export async function runInspect(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseInspectArgs(argv);
  if (req === 'help') {
    io.out(inspectUsage());
    return 0;
  }
  const opened = await openModel(resolvePath(io.cwd, req.model), req.adapter);
  try {
    const info = describeModel(opened.file, opened.model, opened.limits);
    const gpujs = await gpujsModes();
    const attention = attentionNodesOf(opened.file.graph);
    const extra = attention.length > 0 ? { attention } : {};
    io.out(req.json ? JSON.stringify({ ...info, gpujsModes: gpujs, ...extra }, null, 2) + '\n' : formatInspect(info, gpujs) + formatAttentionNodes(attention));
    return 0;
  } finally {
    await opened.model.dispose();
  }
}

/** Attention Softmax nodes found in the graph (for `glasswing attention`); [] when none or no graph. */
function attentionNodesOf(graph: Graph | null): { name: string; layer: number; heads: number; queries: number; keys: number }[] {
  if (!graph) return [];
  try {
    return findAttentionNodes(graph).map((n) => ({ name: n.name, layer: n.layer, heads: n.heads, queries: n.queries, keys: n.keys }));
  } catch {
    return [];
  }
}

function formatAttentionNodes(nodes: readonly { name: string; layer: number; heads: number; queries: number; keys: number }[]): string {
  if (nodes.length === 0) return '';
  const lines = [`attention nodes (${nodes.length}; 'glasswing attention'):`];
  for (const n of nodes) lines.push(`  ${terminalSafe(n.name)}  layer ${n.layer}, ${n.heads} head${n.heads > 1 ? 's' : ''}, ${n.queries}×${n.keys}`);
  return lines.join('\n') + '\n';
}

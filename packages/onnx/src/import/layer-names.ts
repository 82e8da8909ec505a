/** `--layer` names for imported ONNX models: IR node names, ONNX node names or tensor names. */
import { CapabilityError, InvalidArgumentError } from '@glasswing/core';
import type { OnnxImportResult } from './import-onnx.js';

/**
 * The IR node (layer) name for `name`, which may be an IR node name, an ONNX node name, or the
 * name of a tensor (the layer is the node producing it). InvalidArgumentError when unknown;
 * CapabilityError when the model is forward-only (it has no IR graph to tap).
 */
export function resolveLayerName(result: Pick<OnnxImportResult, 'graph' | 'layerNames' | 'reasons'>, name: string): string {
  const graph = result.graph;
  if (graph === null) {
    throw new CapabilityError(`layer ${name}: the model is forward-only (${result.reasons.join('; ')}), so layers cannot be tapped`);
  }
  if (graph.nodes.some((n) => n.name === name)) return name;
  const mapped = result.layerNames[name];
  if (mapped !== undefined) return mapped;
  const known = graph.nodes.map((n) => n.name);
  const shown = known.slice(0, 12).join(', ') + (known.length > 12 ? `, … (${known.length} in all)` : '');
  throw new InvalidArgumentError(`layer ${JSON.stringify(name)} is not an ONNX node or tensor name of this model; layers: ${shown}`);
}

/**
 * Layer taps need the batch as the layer's first dimension (activations and gradients are split
 * and joined by rows). Inside an exported attention block tensors are often sequence-first
 * ([L, N, d]) or merge the batch with the heads ([N·heads, L, d]): tapping one is a ShapeError
 * naming the layer and where its batch is. Found by inferring the graph's shapes at two batch
 * sizes (a symbolic -1 alone cannot tell N from N·heads).
 */
import { inferGraphShapes, ShapeError, type Graph } from '@glasswing/core';

const B = [2, 3] as const;

/** Layer (node) name → why it is not batch-major; layers that are batch-major are absent. */
export function batchLayoutProblems(graph: Graph): Map<string, string> {
  const input = graph.inputs[0]!;
  const out = new Map<string, string>();
  if (input.shape[0] !== -1) return out; // a graph declared for one batch size: nothing to compare
  let at: Record<string, number[]>[];
  try {
    at = B.map((b) => inferGraphShapes({ ...graph, inputs: [{ ...input, shape: [b, ...input.shape.slice(1)] }] }));
  } catch {
    return out; // shapes that only infer with a symbolic batch: no layout check
  }
  for (const node of graph.nodes) {
    const [s2, s3] = at.map((shapes) => shapes[node.outputs[0]!]!) as [number[], number[]];
    if (s2.length > 0 && s2[0] === B[0] && s3[0] === B[1] && s2.every((d, i) => i === 0 || d === s3[i])) continue;
    const shown = s2.map((d, i) => {
      if (d === s3[i]) return String(d);
      if (d % B[0] === 0 && s3[i] === (d / B[0]) * B[1]) return d === B[0] ? 'N' : `${d / B[0]}·N`;
      return '?';
    });
    const where = shown.findIndex((d) => d.includes('N'));
    const why =
      where > 0 ? `the batch N is dimension ${where}, not the first` : where === 0 ? `its first dimension is ${shown[0]}, not the batch N alone` : 'it does not carry the batch';
    out.set(node.name, `shape [${shown.join(', ')}]: ${why}`);
  }
  return out;
}

/** ShapeError for the first requested layer (by node name) that is not batch-major. */
export function checkBatchMajor(requested: readonly string[], nodes: readonly string[], problems: ReadonlyMap<string, string>): void {
  nodes.forEach((node, i) => {
    const why = problems.get(node);
    if (why === undefined) return;
    const named = requested[i] !== undefined && requested[i] !== node ? `${requested[i]} (node ${node})` : node;
    throw new ShapeError(`layer ${named} has ${why} (e.g. a tensor inside an attention block); pick a layer whose first dimension is the batch`);
  });
}

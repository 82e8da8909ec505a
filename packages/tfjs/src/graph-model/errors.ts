/**
 * Typed errors of the graph-model importer. Both are UnsupportedOpError (code UNSUPPORTED_OP) and
 * list EVERY offending node at once, so one run tells the whole story of a model.
 */
import { UnsupportedOpError } from '@glasswing/core';

export interface GraphOpIssue {
  /** TensorFlow op type. */
  readonly op: string;
  /** GraphDef node name. */
  readonly node: string;
  readonly reason: string;
}

/** Ops whose inputs come through TensorFlow control flow (loops, conditionals, tensor lists). */
export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set([
  'Switch',
  'RefSwitch',
  'Merge',
  'RefMerge',
  'Enter',
  'RefEnter',
  'Exit',
  'RefExit',
  'NextIteration',
  'RefNextIteration',
  'LoopCond',
  'While',
  'StatelessWhile',
  '_While',
  'If',
  'StatelessIf',
  '_If',
  'Case',
  'StatelessCase',
]);

export function isControlFlowOp(op: string): boolean {
  return CONTROL_FLOW_OPS.has(op) || op.startsWith('TensorList') || op.startsWith('TensorArray');
}

function summarize(issues: readonly GraphOpIssue[], limit = 4): string {
  const byOp = new Map<string, string[]>();
  for (const i of issues) byOp.set(i.op, [...(byOp.get(i.op) ?? []), i.node]);
  return [...byOp]
    .map(([op, nodes]) => {
      const shown = nodes.slice(0, limit).join(', ');
      const more = nodes.length > limit ? `, … ${nodes.length - limit} more` : '';
      return `${op} (${nodes.length === 1 ? 'node' : `${nodes.length} nodes:`} ${shown}${more})`;
    })
    .join('; ');
}

/**
 * The graph uses TensorFlow control flow, which the Glasswing IR (a static DAG) cannot express.
 * `issues` names every control-flow node the output depends on.
 */
export class ControlFlowError extends UnsupportedOpError {
  readonly issues: readonly GraphOpIssue[];
  constructor(issues: readonly GraphOpIssue[], where: string) {
    super(
      issues[0]?.op ?? 'control flow',
      `the graph model${where} uses TensorFlow control flow, which Glasswing cannot import (its IR is a static graph): ${summarize(issues)}. ` +
        'Re-export the model without tf.while_loop / tf.cond / dynamic tensor lists (e.g. a fixed-length unrolled graph).',
    );
    this.issues = issues;
  }
}

/** Ops with no IR mapping, or configurations the importer does not support; all of them listed. */
export class UnsupportedGraphOpsError extends UnsupportedOpError {
  readonly issues: readonly GraphOpIssue[];
  constructor(issues: readonly GraphOpIssue[], where: string) {
    const details = issues
      .slice(0, 12)
      .map((i) => `  - ${i.node} (${i.op}): ${i.reason}`)
      .join('\n');
    const more = issues.length > 12 ? `\n  - … ${issues.length - 12} more` : '';
    super(
      issues[0]?.op ?? 'unknown',
      `the graph model${where} has ${issues.length} node${issues.length === 1 ? '' : 's'} Glasswing cannot import: ${summarize(issues)}\n${details}${more}`,
    );
    this.issues = issues;
  }
}

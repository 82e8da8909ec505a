import type { OpType } from '../graph.js';
import type { OpDef } from '../op.js';
import { UnsupportedOpError } from '../../errors.js';

export const OPS: Readonly<Record<OpType, OpDef>> = {} as Record<OpType, OpDef>;

export function getOp(type: string, nodeName?: string): OpDef {
  const def = (OPS as Record<string, OpDef>)[type];
  if (!def) throw new UnsupportedOpError(type, `unsupported op ${type}${nodeName ? ` (node ${nodeName})` : ''}`);
  return def;
}

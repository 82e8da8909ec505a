import type { Graph } from './graph.js';

export interface GraphJSON {
  readonly format: 'glasswing-graph';
  readonly version: 1;
  readonly name: string;
  readonly inputs: { name: string; shape: number[] }[];
  readonly outputs: string[];
  readonly nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, unknown> }[];
  readonly initializers: Record<string, { shape: number[]; data?: number[]; base64?: string }>;
  readonly metadata: Record<string, string>;
}
export function graphToJSON(_graph: Graph): GraphJSON {
  throw new Error('not implemented yet');
}
export function graphFromJSON(_json: unknown): Graph {
  throw new Error('not implemented yet');
}
export function serializeGraph(graph: Graph): string {
  return JSON.stringify(graphToJSON(graph));
}
export function parseGraph(text: string): Graph {
  return graphFromJSON(JSON.parse(text));
}

import type { Graph } from './graph.js';
import type { Kernels } from './kernels.js';
import type { RuleAssignment } from '../rules/rule.js';

export interface ForwardOptions<T> {
  readonly layers?: readonly string[];
  readonly overrides?: Readonly<Record<string, T>>;
}
export interface ForwardResult<T> {
  readonly outputs: T;
  readonly layers: Record<string, T>;
}
export interface BackwardOptions<T> extends ForwardOptions<T> {
  readonly rules?: RuleAssignment;
  readonly reference?: T;
}
export interface BackwardResult<T> {
  readonly outputs: T;
  readonly inputGradient: T;
  readonly layers: Record<string, { activation: T; gradient: T }>;
}

export class GraphExecutor<T> {
  readonly graph: Graph;
  readonly kernels: Kernels<T>;
  constructor(graph: Graph, kernels: Kernels<T>) {
    this.graph = graph;
    this.kernels = kernels;
  }
  forward(_x: T, _opts: ForwardOptions<T> = {}): ForwardResult<T> {
    throw new Error('not implemented yet');
  }
  backward(_x: T, _seed: T, _opts: BackwardOptions<T> = {}): BackwardResult<T> {
    throw new Error('not implemented yet');
  }
}

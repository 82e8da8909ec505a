/**
 * Model internals (issue 12): what a unit has learned (feature visualization, dataset examples),
 * how a layer's activations group (activation clustering), which concepts a layer encodes (TCAV),
 * and where a transformer looks (attention, rollout, flow, gradient-weighted attention).
 * These are not attribution methods (not in METHODS): each has its own class and result type.
 */
export {};
export * from './attention-nodes.js';
export * from './attention-common.js';
export * from './attention-rollout.js';
export * from './attention-flow.js';
export * from './gradient-attention.js';

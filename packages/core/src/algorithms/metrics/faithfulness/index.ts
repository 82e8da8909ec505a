/** Metrics family faithfulness (issue 14): one line per metric file. */
export * from './infidelity.js';
export * from './pixel-flipping.js';
export * from './road.js';
export * from './monotonicity.js';
export * from './monotonicity-correlation.js';
export * from './faithfulness-correlation.js';

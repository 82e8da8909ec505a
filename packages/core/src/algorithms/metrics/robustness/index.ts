/** Metrics family robustness (issue 14): one line per metric file. */
export * from './sensitivity-max.js';
export * from './avg-sensitivity.js';
export * from './local-lipschitz.js';

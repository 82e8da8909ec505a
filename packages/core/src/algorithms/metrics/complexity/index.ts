/** Metrics family complexity (issue 14): one line per metric file. */
export * from './sparseness.js';
export * from './entropy.js';
export * from './effective-complexity.js';

/** Metrics family complexity (issue 14): one line per metric file. */
export * from './sparseness.js';

/** Metrics family randomisation (issue 14): one line per metric file. */
export * from './model-parameter-randomisation.js';
export * from './random-logit.js';

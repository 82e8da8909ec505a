/** Metrics family localisation (issue 14): one line per metric file. */
export * from './pointing-game.js';
export * from './relevance-mass.js';
export * from './relevance-rank.js';
export * from './top-k-intersection.js';
export * from './localisation-auc.js';

/**
 * The global family: dataset-level importance (not per-example attributions, so no METHODS
 * entries; registry.ts still scans this index like the others).
 */
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
  type ScoreFunction,
} from './permutation-importance.js';
export { correlation, averageRanks, type CorrelationOptions, type CorrelationResult } from './correlation.js';

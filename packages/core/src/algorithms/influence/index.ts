/**
 * Influence (issue 13): which training examples drove a prediction. TracIn from last-layer
 * gradients over checkpoints (Pruthi et al. 2020), self-influence for finding mislabeled
 * examples, and nearest neighbours in a layer's activation space as the simple baseline.
 * Not METHODS entries: each has its own class and result type.
 */
export {
  penultimateLayer,
  TopK,
  type InfluenceDataset,
  type InfluenceEntry,
  type InfluenceCommonOptions,
  type OutputKind,
} from './influence-common.js';
export {
  TracIn,
  SharedCalls,
  gradientDot,
  lastLayerGradient,
  type LastLayerFeatures,
  type SelfInfluenceResult,
  type TracInCheckpoint,
  type TracInOptions,
  type TracInResult,
  type TracInTest,
} from './tracin.js';
export { ActivationNeighbours, activationDistance, type NeighbourMetric, type NeighboursOptions, type NeighboursResult } from './activation-neighbours.js';

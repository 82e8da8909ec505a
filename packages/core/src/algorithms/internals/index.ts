/**
 * Model internals (issue 12): what a unit has learned (feature visualization, dataset examples),
 * how a layer's activations group (activation clustering), which concepts a layer encodes (TCAV),
 * and where a transformer looks (attention, rollout, flow, gradient-weighted attention).
 * These are not attribution methods (not in METHODS): each has its own class and result type.
 */
export { Tcav, tcav, type Concept, type TcavOptions, type TcavResult, type TcavConceptLayer, type TcavRandomLayer } from './tcav.js';
export { trainCav, tcavScores, type Cav, type TcavScores } from './tcav-cav.js';
export { tTestIndependent, studentTTwoSided, studentTCdf, regularizedIncompleteBeta, logGamma, type TTestResult } from '../_utils/stats/t-test.js';
export { fitLogisticSgd, logisticObjective, type LinearClassifierOptions, type LinearClassifierFit } from '../_utils/stats/linear-classifier.js';
export { layerFeatureRows, reducedDim, type FeatureReduction, type ChannelLayout, type FeatureRows } from '../_utils/layer-features.js';
export { ActivationClustering, activationClustering, type ActivationClusteringOptions, type ActivationClusteringResult } from './activation-clustering.js';
export { kmeans, kmeansPlusPlus, lloyd, silhouette, type Points, type KMeansFit } from '../_utils/cluster/kmeans.js';
export { pca, type PcaFit } from '../_utils/cluster/pca.js';
export * from './attention-nodes.js';
export * from './attention-common.js';
export * from './attention-rollout.js';
export * from './attention-flow.js';
export * from './gradient-attention.js';
export { FeatureVisualization, visualizeFeature, inputLayout, type Box, type FeatureVisualizationOptions, type FeatureVisualizationResult } from './feature-visualization.js';
export { objectives, layerInfo, type Objective, type LayerInfo } from './fv-objectives.js';
export { COLOR_MATRIX, type ImageParamSpec } from './fv-image.js';
export { standardTransforms, type Transform, type Penalty } from './fv-transforms.js';
export { topActivatingExamples, type DatasetUnit, type DatasetExamplesOptions, type DatasetExamplesResult, type Exemplar, type Dataset } from './dataset-examples.js';
export { receptiveField, type ReceptiveField, type PixelBox } from './receptive-field.js';

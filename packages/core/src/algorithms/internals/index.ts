/**
 * Model internals (issue 12): what a unit has learned (feature visualization, dataset examples),
 * how a layer's activations group (activation clustering), which concepts a layer encodes (TCAV),
 * and where a transformer looks (attention, rollout, flow, gradient-weighted attention).
 * These are not attribution methods (not in METHODS): each has its own class and result type.
 */

export { FeatureVisualization, visualizeFeature, inputLayout, type Box, type FeatureVisualizationOptions, type FeatureVisualizationResult } from './feature-visualization.js';
export { objectives, layerInfo, type Objective, type LayerInfo } from './fv-objectives.js';
export { COLOR_MATRIX, type ImageParamSpec } from './fv-image.js';
export { standardTransforms, type Transform, type Penalty } from './fv-transforms.js';
export { topActivatingExamples, type DatasetUnit, type DatasetExamplesOptions, type DatasetExamplesResult, type Exemplar, type Dataset } from './dataset-examples.js';
export { receptiveField, type ReceptiveField, type PixelBox } from './receptive-field.js';

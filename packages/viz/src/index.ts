// Legacy heatmap (used by the CLI `attribute` command).
export { renderHeatmap, renderHeatmapPng, symmetricScale } from './heatmap.js';
export type { AttributionLayout, HeatmapImage, HeatmapOptions } from './heatmap.js';

// Colour maps and legends.
export { divergingColor, colormapTable, COLORMAP_SIZE, NEGATIVE_END, POSITIVE_END, MIDPOINT } from './colormap.js';
export { sequentialColor, sequentialTable, SEQUENTIAL_SIZE, SEQUENTIAL_STOPS } from './sequential.js';
export { colorMapColor, colorMapDomain, COLOR_MAPS } from './colormaps.js';
export type { ColorMapName } from './colormaps.js';
export { colorBarSvg, colorBarSvgLayout, colorBarLayout, drawColorBar, colorBarTicks } from './colorbar.js';
export type { ColorBarSpec, ColorBarOptions, ColorBarLayoutOptions, ColorBarLayout, ColorBarTick, ColorBarOrientation } from './colorbar.js';

// Text layout: every label's box, wrapping and fitting (PNG bitmap font and SVG metrics).
export { bitmapFont, svgFont, wrapText, ellipsize, placeText, labelProblems } from './labels.js';
export type { LabelBox, LabelAlign, Rect, TextFont } from './labels.js';
export { svgTextWidth } from './svg-metrics.js';

// Rasters, PNG and SVG helpers.
export { createRaster, encodeRasterPng, getPixel, flatten, upscale } from './raster.js';
export type { Raster } from './raster.js';
export { drawBitmapText, bitmapTextWidth, bitmapTextHeight, bitmapLineHeight } from './font.js';
export { escapeXml, formatNumber, bytesToBase64, pngDataUri, niceTicks } from './svg.js';

// Image attributions (Captum's visualize_image_attr) and method grids.
export {
  visualizeImageAttr,
  visualizeImageAttrPng,
  normalizeImageAttribution,
  cumulativeSumThreshold,
  imageLegendSpec,
  IMAGE_VIZ_METHODS,
  ATTR_SIGNS,
} from './image.js';
export type { ImageVizMethod, AttrSign, ImageAttrOptions, ImageAttrPicture, NormalizedMap, NormalizeOptions } from './image.js';
export type { ImageLayout } from './image-input.js';
export { imageAttrGrid, imageAttrGridPng, imageAttrGridSvg, imageAttrGridSvgLayout } from './grid.js';
export type { GridPanel, GridOptions, GridSvgLayout } from './grid.js';

// Text attributions.
export { tokenHighlightHtml, tokenHighlightSvg } from './text.js';
export type { TokenHighlightOptions } from './text.js';

// Tabular attributions (one example).
export { barChartSvg, waterfallSvg, waterfallSteps, forcePlotSvg } from './tabular.js';
export type { TabularOptions, WaterfallInput } from './tabular.js';

// Model views from the IR graph.
export { summarizeGraph, networkDiagramSvg, networkDiagramLayout, formatShape, formatCount } from './network.js';
export type { LayerSummary, GraphSummary, NetworkDiagramOptions, NetworkDiagramLayout, DiagramNode, DiagramLegendItem } from './network.js';

// Attributions over a dataset.
export { beeswarmSvg, dependencePlotSvg, featureImportanceOrder, interactionFeature } from './dataset.js';
export type { Matrix, DatasetPlotOptions, BeeswarmOptions, DependenceOptions } from './dataset.js';

// Weights, activations, feature maps.
export { histogram, histogramSvg, layerWeights, weightHistogramsSvg, weightMatrix, weightMatrixPng } from './weights.js';
export type { Histogram, HistogramOptions, LayerWeight, WeightMatrixOptions } from './weights.js';
export { activationStats, activationStatsSvg } from './activations.js';
export type { ActivationStats, ActivationStatsOptions } from './activations.js';
export { featureMapGrid, featureMapGridPng } from './featuremaps.js';
export type { FeatureMapOptions } from './featuremaps.js';

// Model internals: TCAV bar charts, activation cluster maps, cluster exemplar grids.
export { tcavChartSvg, tcavChartPng, clusterMapSvg, clusterMapPng, clusterExemplarGridSvg, clusterExemplarGridPng } from './concepts.js';
export type { TcavChartInput, TcavChartCell, ClusterMapInput, ExemplarGridInput as ClusterExemplarGridInput } from './concepts.js';
export { sceneSvg, scenePng, sceneRaster, categorical } from './scene.js';
export type { Scene, SceneItem, MarkerShape } from './scene.js';
// Attention (transformers): token × token heat maps and token-to-token arcs.
export { attentionHeatmapSvg, attentionHeatmapPng, attentionArcsSvg, attentionArcsPng } from './attention.js';
export type { AttentionPanel, AttentionHeatmapOptions, AttentionArcsOptions } from './attention.js';
export { tileGrid, tileGridPng, tileGridSvg, visualizationGridPng, visualizationGridSvg, exemplarGridPng, exemplarGridSvg } from './feature-viz.js';
export type { TileGridOptions, TileBox } from './feature-viz.js';
// Counterfactuals: before / after bars per changed feature.
export { counterfactualChartSvg, counterfactualChartPng } from './counterfactual.js';
export type { CounterfactualChartInput } from './counterfactual.js';
// Surrogate trees and rules (issue 13): tree diagram and rule table.
export { treeDiagramSvg, treeDiagramPng, ruleTableSvg, ruleTablePng } from './surrogate.js';
export type { TreeDiagramInput, RuleTableInput } from './surrogate.js';
// Influence (issue 13): proponents / opponents / self-influence / neighbour galleries.
export { influenceGallerySvg, influenceGalleryPng } from './influence.js';
export type { InfluenceGalleryInput, InfluenceGalleryItem } from './influence.js';
// Distillation (issue 13): teacher vs student bars and the training-loss curve.
export { distillChartSvg, distillChartPng } from './distill.js';
export type { DistillChartInput } from './distill.js';

// Randomisation sanity check (Adebayo et al. 2018): the original map and the map after each randomisation step.
export { randomisationStrip, randomisationStripPng, randomisationStripSvg, randomisationPanels } from './randomisation.js';
export type { RandomisationStripOptions } from './randomisation.js';
// Explanation quality (issue 14): metric × method heat table and mean metric curves.
export { metricHeatTableSvg, metricHeatTablePng, metricCurvesSvg, metricCurvesPng, hasMetricCurves, rankColor, meanCurve, formatRank } from './metric-table.js';
export type { MetricPictureOptions } from './metric-table.js';

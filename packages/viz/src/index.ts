// Legacy heatmap (used by the CLI `attribute` command).
export { renderHeatmap, renderHeatmapPng, symmetricScale } from './heatmap.js';
export type { AttributionLayout, HeatmapImage, HeatmapOptions } from './heatmap.js';

// Colour maps and legends.
export { divergingColor, colormapTable, COLORMAP_SIZE, NEGATIVE_END, POSITIVE_END, MIDPOINT } from './colormap.js';
export { sequentialColor, sequentialTable, SEQUENTIAL_SIZE, SEQUENTIAL_STOPS } from './sequential.js';
export { colorMapColor, colorMapDomain, COLOR_MAPS } from './colormaps.js';
export type { ColorMapName } from './colormaps.js';
export { colorBarSvg, drawColorBar, colorBarTicks } from './colorbar.js';
export type { ColorBarSpec } from './colorbar.js';

// Rasters, PNG and SVG helpers.
export { createRaster, encodeRasterPng, getPixel, flatten, upscale } from './raster.js';
export type { Raster } from './raster.js';
export { drawBitmapText, bitmapTextWidth } from './font.js';
export { escapeXml, formatNumber, bytesToBase64, pngDataUri, niceTicks } from './svg.js';

// Image attributions (Captum's visualize_image_attr) and method grids.
export {
  visualizeImageAttr,
  visualizeImageAttrPng,
  normalizeImageAttribution,
  cumulativeSumThreshold,
  IMAGE_VIZ_METHODS,
  ATTR_SIGNS,
} from './image.js';
export type { ImageVizMethod, AttrSign, ImageAttrOptions, ImageAttrPicture, NormalizedMap, NormalizeOptions } from './image.js';
export type { ImageLayout } from './image-input.js';
export { imageAttrGrid, imageAttrGridPng, imageAttrGridSvg } from './grid.js';
export type { GridPanel, GridOptions } from './grid.js';

// Text attributions.
export { tokenHighlightHtml, tokenHighlightSvg } from './text.js';
export type { TokenHighlightOptions } from './text.js';

// Tabular attributions (one example).
export { barChartSvg, waterfallSvg, waterfallSteps, forcePlotSvg } from './tabular.js';
export type { TabularOptions, WaterfallInput } from './tabular.js';

// Model views from the IR graph.
export { summarizeGraph, networkDiagramSvg, formatShape, formatCount } from './network.js';
export type { LayerSummary, GraphSummary, NetworkDiagramOptions } from './network.js';

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

export { runCli, usage } from './cli.js';
export type { CliIO, Writer } from './cli.js';
export { UsageError } from './args.js';
export { CliError, asBatch, readTensorFile, tensorFromJson } from './files.js';
export { ADAPTERS, createModel, detectModelKind, imageLayout, loadGraphFile, loadModelFile, openModel } from './model-file.js';
export type { AdapterId, LoadedGraph, LoadedModelFile, ModelFileKind, OpenedModel } from './model-file.js';
export { attributeUsage, heatmapPaths, methodIds, parseAttributeArgs, QUADRATURES } from './commands/attribute.js';

export type { GraphModelArtifacts, TfNode, TfAttrValue, TfSignature } from './artifacts.js';
export { importGraphModel, type GraphModelImportOptions } from './import-graph.js';
export { loadGraphModelArtifacts, graphArtifactsFromJson, fromTfjsGraphModel, type FromTfjsGraphModelOptions } from './load.js';
export { ControlFlowError, UnsupportedGraphOpsError, CONTROL_FLOW_OPS, type GraphOpIssue } from './errors.js';

/** The pieces of a TensorFlow.js LayersModel (model.json + weight shards). */

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

export interface LayersArtifacts {
  /** `modelTopology` of model.json: `{class_name, config}` (or Keras' `{model_config: {...}}`). */
  readonly modelTopology: unknown;
  /** All weight specs of the manifest groups, in shard order. */
  readonly weightSpecs: readonly WeightSpec[];
  /** The concatenated weight shards. */
  readonly weightData: ArrayBuffer | Uint8Array;
  /** Where the artifacts came from (used in error messages). */
  readonly source?: string;
}

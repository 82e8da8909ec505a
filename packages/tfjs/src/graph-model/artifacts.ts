/**
 * The pieces of a TensorFlow.js graph model (what tfjs-converter writes from a SavedModel or a
 * frozen graph): model.json with `"format": "graph-model"`, whose `modelTopology` is a TensorFlow
 * GraphDef in protobuf-JSON form (`node: [{name, op, input, attr}]`), plus the weight shards. Every
 * `Const` node's value is a weight of the manifest, named after the node.
 */
import { ModelFormatError } from '@glasswing/core';
import type { WeightSpec } from '../import/artifacts.js';

/** A TensorFlow AttrValue as protobuf JSON (int64 values may be strings). */
export interface TfAttrValue {
  readonly s?: string;
  readonly i?: string | number;
  readonly f?: number | string;
  readonly b?: boolean;
  readonly type?: string | number;
  readonly shape?: TfShape;
  readonly tensor?: { readonly dtype?: string | number; readonly tensorShape?: TfShape };
  readonly func?: { readonly name?: string };
  readonly list?: {
    readonly s?: readonly string[];
    readonly i?: readonly (string | number)[];
    readonly f?: readonly (number | string)[];
    readonly b?: readonly boolean[];
    readonly type?: readonly (string | number)[];
    readonly shape?: readonly TfShape[];
  };
}

export interface TfShape {
  readonly dim?: readonly { readonly size?: string | number }[];
  readonly unknownRank?: boolean;
}

/** One GraphDef node. `input` entries are `name`, `name:k` (output k) or `^name` (control edge). */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly attr: Readonly<Record<string, TfAttrValue>>;
}

/** A signature entry: `{ name: "input:0", dtype, tensorShape }`. */
export interface TfTensorInfo {
  readonly name?: string;
  readonly dtype?: string | number;
  readonly tensorShape?: TfShape;
}

export interface TfSignature {
  readonly inputs?: Readonly<Record<string, TfTensorInfo>>;
  readonly outputs?: Readonly<Record<string, TfTensorInfo>>;
}

export interface GraphModelArtifacts {
  /** `modelTopology` of model.json: a GraphDef (`{node: [...], library?, versions?}`). */
  readonly modelTopology: unknown;
  /** All weight specs of the manifest groups, in shard order. */
  readonly weightSpecs: readonly WeightSpec[];
  /** The concatenated weight shards. */
  readonly weightData: ArrayBuffer | Uint8Array;
  /** model.json's `signature` (newer converters) — or the one in `userDefinedMetadata` (older ones). */
  readonly signature?: unknown;
  readonly userDefinedMetadata?: unknown;
  /** Set when the model has an initializer graph (hash tables etc.). */
  readonly modelInitializer?: unknown;
  readonly generatedBy?: string;
  readonly convertedBy?: string;
  /** Where the artifacts came from (used in error messages). */
  readonly source?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate the GraphDef's node list (names unique, fields of the right types). */
export function parseNodes(topology: unknown, where: string): TfNode[] {
  if (!isObject(topology)) throw new ModelFormatError(`modelTopology${where} must be an object (a GraphDef)`);
  const list = topology['node'];
  if (!Array.isArray(list) || list.length === 0) throw new ModelFormatError(`modelTopology${where} has no node list (not a graph model?)`);
  const seen = new Set<string>();
  return list.map((raw, i) => {
    if (!isObject(raw) || typeof raw['name'] !== 'string' || typeof raw['op'] !== 'string') {
      throw new ModelFormatError(`modelTopology${where}: node ${i} has no name or op`);
    }
    const name = raw['name'];
    if (seen.has(name)) throw new ModelFormatError(`modelTopology${where}: two nodes are named ${name}`);
    seen.add(name);
    const input = raw['input'] ?? [];
    if (!Array.isArray(input) || input.some((s) => typeof s !== 'string')) {
      throw new ModelFormatError(`modelTopology${where}: node ${name} has a malformed input list`);
    }
    const attr = raw['attr'] ?? {};
    if (!isObject(attr)) throw new ModelFormatError(`modelTopology${where}: node ${name} has malformed attributes`);
    return { name, op: raw['op'], input: input as string[], attr: attr as Record<string, TfAttrValue> };
  });
}

/** The signature: model.json's own, else `userDefinedMetadata.signature` (tfjs-converter 1.x/2.x). */
export function signatureOf(artifacts: GraphModelArtifacts): TfSignature | undefined {
  const direct = artifacts.signature;
  if (isObject(direct) && (isObject(direct['inputs']) || isObject(direct['outputs']))) return direct as TfSignature;
  const meta = artifacts.userDefinedMetadata;
  const nested = isObject(meta) ? meta['signature'] : undefined;
  if (isObject(nested) && (isObject(nested['inputs']) || isObject(nested['outputs']))) return nested as TfSignature;
  return undefined;
}

/** `name`, `name:k`, `^name` -> node name, output index, control flag. */
export function parseInputRef(ref: string): { node: string; index: number; control: boolean } {
  if (ref.startsWith('^')) return { node: ref.slice(1), index: 0, control: true };
  const m = /^(.*):(\d+)$/.exec(ref);
  if (m) return { node: m[1]!, index: Number(m[2]), control: false };
  return { node: ref, index: 0, control: false };
}

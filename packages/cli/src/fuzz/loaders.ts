/**
 * Loader fuzzing (issue 16): seeded mutations of valid model and input files, each run through
 * the CLI's real entry points (loadModelFile for ONNX / TensorFlow.js / Glasswing graph JSON,
 * readTensorFile and parseCsv for input tensors). Every case must end in success or a typed
 * error (GlasswingError, or the CLI's CliError for unreadable files) naming the file — never an
 * untyped exception. Cases whose files leave the model's directory (`../`, absolute paths,
 * symlinks) must fail. Used by scripts/fuzz-loaders.mjs (≥ 10,000 cases per loader, each under a
 * time limit in a child process) and by the seeded CI slice (src/test/fuzz-loaders.test.ts).
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlasswingError, createRng, type Rng } from '@glasswing/core';
import { CliError, readTensorFile, readText } from '../files.js';
import { parseCsv } from '../csv.js';
import { loadModelFile } from '../model-file.js';
import type { MemoryProbe, MemoryUse } from './memory.js';
import { dec, enc, mutateBytes, mutateJson, pick } from './mutations.js';
export { mutateBytes, mutateJson } from './mutations.js';

export type LoaderId = 'onnx' | 'tfjs' | 'graph-json' | 'tensor-file';
export const LOADERS: readonly LoaderId[] = ['onnx', 'tfjs', 'graph-json', 'tensor-file'];

/** A file of a case: bytes, or a symlink to a path (relative to the case's parent directory). */
export type CaseFile = Uint8Array | { readonly symlinkTo: string };

export interface FuzzCase {
  readonly loader: LoaderId;
  readonly index: number;
  /** What was done to the valid seed file(s). */
  readonly mutation: string;
  /** Files written into the case directory, by relative name. */
  readonly files: Readonly<Record<string, CaseFile>>;
  /** The file handed to the loader. */
  readonly entry: string;
  /** The case reads a file outside the model's directory: success is a failure. */
  readonly mustFail?: boolean;
}

export type OutcomeKind = 'ok' | 'typed' | 'untyped' | 'escaped' | 'unnamed';
export interface Outcome {
  readonly kind: OutcomeKind;
  readonly ms: number;
  readonly error?: string;
  /** Memory the case used, when run with a probe (fuzz/memory.ts). */
  readonly memory?: MemoryUse;
}

/** The valid files mutations start from. */
export interface Seeds {
  readonly onnx: readonly Uint8Array[];
  /** TensorFlow.js models: model.json text and its shards by name. */
  readonly tfjs: readonly { readonly json: string; readonly shards: Readonly<Record<string, Uint8Array>> }[];
  readonly graphJson: readonly string[];
  readonly tensorJson: readonly string[];
  readonly csv: readonly string[];
}


/** Seeds from the repository's small valid files (`root` is the repository root). */
export async function loadSeeds(root: string): Promise<Seeds> {
  const onnxFiles = ['tiny_additive.onnx', 'mlp_tabular.onnx'].map((f) => new Uint8Array(readFileSync(join(root, 'packages/onnx/test/fixtures', f))));
  const tfjsDirs = ['packages/tfjs/test/fixtures/tiny_additive', 'packages/tfjs/test/fixtures/mlp_tabular', 'apps/demo/model', 'packages/tfjs/test/fixtures/graph-models/relu_cnn'];
  const tfjs = tfjsDirs.map((d) => {
    const json = readFileSync(join(root, d, 'model.json'), 'utf8');
    const shards: Record<string, Uint8Array> = {};
    for (const g of (JSON.parse(json) as { weightsManifest: { paths: string[] }[] }).weightsManifest) {
      for (const p of g.paths) shards[p] = new Uint8Array(readFileSync(join(root, d, p)));
    }
    return { json, shards };
  });
  // Glasswing graph JSON: the IR of the ONNX seeds and the demo CNN, serialised.
  const { graphToJSON } = await import('@glasswing/core');
  const { importOnnxModel } = await import('@glasswing/onnx');
  const { importLayersModel, loadLayersArtifacts } = await import('@glasswing/tfjs');
  const graphJson = onnxFiles.map((b) => JSON.stringify(graphToJSON(importOnnxModel(b).graph!)));
  graphJson.push(JSON.stringify(graphToJSON(importLayersModel(await loadLayersArtifacts(join(root, 'packages/tfjs/test/fixtures/tiny_additive/model.json'))))));
  const tensorJson = [
    JSON.stringify([[1, 2, 3, 4, 5, 6]]),
    JSON.stringify({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }),
    JSON.stringify({ shape: [1, 2, 2], data: [[[0.5, -1], [2, 3e-3]]] }),
  ];
  const credit = readFileSync(join(root, 'apps/demo/credit/data.csv'), 'utf8').split('\n').slice(0, 12).join('\n');
  return { onnx: onnxFiles, tfjs, graphJson, tensorJson, csv: [credit, 'a,b,c\n1,2,3\n4,5,6\n', '1,2\n3,4\n'] };
}

// ---------------------------------------------------------------------------------------------
// Cases per loader

const OUTSIDE = '../outside/secret.bin';

function onnxCase(rng: Rng, seeds: Seeds, index: number): FuzzCase {
  const src = pick(rng, seeds.onnx);
  const kind = rng.int(3);
  if (kind === 0) {
    const m = mutateBytes(rng, src);
    return { loader: 'onnx', index, mutation: m.what, files: { 'model.onnx': m.bytes }, entry: 'model.onnx' };
  }
  return onnxStructural(rng, src, index, kind === 2);
}

/** Structural ONNX mutations through the protobuf schema. */
function onnxStructural(rng: Rng, src: Uint8Array, index: number, external: boolean): FuzzCase {
  // Imported lazily by the caller's module graph; @glasswing/onnx is a dependency of the CLI.
  const m = onnxModule!.decodeModel(src);
  const g = m.graph!;
  const nodes = g.node ?? [];
  const inits = g.initializer ?? [];
  const files: Record<string, CaseFile> = {};
  let what: string;
  let mustFail = false;
  if (external && inits.length > 0) {
    const t = pick(rng, inits);
    const data = t.rawData && t.rawData.byteLength > 0 ? t.rawData : new Uint8Array(0);
    const loc = pick(rng, ['w.bin', OUTSIDE, '/etc/hostname', 'link.bin', 'sub/../w.bin', 'C:\\w.bin', 'file:///etc/hostname', 'missing.bin', '']);
    files['w.bin'] = data;
    if (loc === 'link.bin') files['link.bin'] = { symlinkTo: 'outside/secret.bin' };
    const offset = pick(rng, [undefined, '0', '-4', '1e3', String(2 ** 40), 'x']);
    const length = pick(rng, [undefined, String(data.byteLength), '-1', String(2 ** 40), '3']);
    t.rawData = new Uint8Array(0);
    t.dataLocation = 1;
    t.externalData = [{ key: 'location', value: loc }];
    if (offset !== undefined) t.externalData.push({ key: 'offset', value: offset });
    if (length !== undefined) t.externalData.push({ key: 'length', value: length });
    mustFail = loc === OUTSIDE || loc === '/etc/hostname' || loc === 'link.bin' || loc.startsWith('file:') || loc.startsWith('C:');
    what = `external data ${JSON.stringify(loc)} offset ${offset} length ${length} for ${t.name}`;
  } else {
    const op = rng.int(9);
    const node = nodes.length > 0 ? pick(rng, nodes) : undefined;
    const init = inits.length > 0 ? pick(rng, inits) : undefined;
    if (op === 0 && node) {
      node.opType = pick(rng, ['NoSuchOp', '', 'Loop', 'If', 'Scan', 'ConstantOfShape', 'Reshape', 'Expand', 'Tile', 'Range']);
      what = `op type of ${node.name} -> ${node.opType}`;
    } else if (op === 1) {
      const v = pick(rng, [0, -1, 1, 6, 999, 2 ** 31]);
      m.opsetImport = [{ domain: pick(rng, ['', 'ai.onnx', 'com.example']), version: v }];
      what = `opset -> ${v}`;
    } else if (op === 2 && node && nodes.length > 1) {
      // Cycle: a node reads the output of itself or of a later node.
      const later = nodes[nodes.length - 1]!;
      node.input = [...(node.input ?? [])];
      node.input[0] = (later.output ?? [])[0] ?? 'x';
      what = `cycle: ${node.name} reads ${node.input[0]}`;
    } else if (op === 3 && node) {
      node.input = [...(node.input ?? []), 'dangling_tensor'];
      if (node.input.length > 1) node.input[rng.int(node.input.length)] = 'dangling_tensor';
      what = `dangling input on ${node.name}`;
    } else if (op === 4 && init) {
      const d = pick(rng, [-1, -7, 2 ** 31, 2 ** 40, 1e6, 0]);
      const dims = [...(init.dims ?? [1])];
      dims[rng.int(Math.max(1, dims.length))] = d;
      init.dims = dims;
      what = `initializer ${init.name} dims -> ${dims.join('x')}`;
    } else if (op === 5 && init) {
      const raw = init.rawData ?? new Uint8Array(0);
      init.rawData = raw.subarray(0, rng.int(raw.byteLength + 1));
      init.dataType = pick(rng, [init.dataType ?? 1, 0, 7, 10, 11, 16, 99]);
      what = `initializer ${init.name} raw data ${init.rawData.byteLength} bytes, type ${init.dataType}`;
    } else if (op === 6) {
      const input = (g.input ?? [])[0];
      const dim = input?.type?.tensorType?.shape?.dim ?? [];
      const d = pick(rng, [-1, -5, 0, 2 ** 31, 2 ** 40, 1e9]);
      if (dim.length > 0) dim[rng.int(dim.length)] = { dimValue: d };
      what = `input dim -> ${d}`;
    } else if (op === 7 && node) {
      const attrs = node.attribute ?? [];
      if (attrs.length > 0) {
        const a = pick(rng, attrs);
        a.ints = (a.ints ?? [1]).map(() => pick(rng, [-1, 0, 2 ** 31, 1e9, -(2 ** 40)]));
        a.i = pick(rng, [-1, 0, 2 ** 31, 1e12]);
        a.type = pick(rng, [a.type ?? 0, 0, 1, 2, 7, 99]) as typeof a.type;
        what = `attribute ${a.name} of ${node.name} mutated`;
      } else {
        node.attribute = [{ name: 'axis', type: 2, i: 2 ** 40 }];
        what = `attribute axis=2^40 on ${node.name}`;
      }
    } else {
      // A big ConstantOfShape/Expand-style shape folded from a constant.
      const side = pick(rng, [2 ** 10, 2 ** 15, 2 ** 20]);
      g.initializer = [...inits, { name: 'huge_shape', dims: [2], dataType: 7, int64Data: [side, side] }];
      g.node = [{ opType: pick(rng, ['ConstantOfShape', 'Expand', 'Range']), input: ['huge_shape'], output: ['huge_const'], name: 'huge' }, ...nodes];
      if (node) {
        node.input = [...(node.input ?? ['x'])];
        node.input[node.input.length > 1 ? 1 + rng.int(node.input.length - 1) : 0] = 'huge_const';
      }
      what = `${g.node[0]!.opType} of a [${side}, ${side}] shape feeding ${node?.name}`;
    }
  }
  files['model.onnx'] = onnxModule!.encodeModel(m);
  return { loader: 'onnx', index, mutation: what, files, entry: 'model.onnx', ...(mustFail ? { mustFail } : {}) };
}

function tfjsCase(rng: Rng, seeds: Seeds, index: number): FuzzCase {
  const src = pick(rng, seeds.tfjs);
  const files: Record<string, CaseFile> = {};
  const kind = rng.int(4);
  let json = src.json;
  let what: string;
  let mustFail = false;
  for (const [k, v] of Object.entries(src.shards)) files[k] = v;
  if (kind === 0) {
    const m = mutateJson(rng, json);
    json = m.text;
    what = `model.json: ${m.what}`;
  } else if (kind === 1) {
    const names = Object.keys(src.shards);
    const name = pick(rng, names);
    const m = mutateBytes(rng, src.shards[name]!);
    files[name] = m.bytes;
    what = `shard ${name}: ${m.what}`;
  } else if (kind === 2) {
    // Weight paths leaving the model's directory.
    const j = JSON.parse(json) as { weightsManifest: { paths: string[] }[] };
    const loc = pick(rng, [OUTSIDE, '/etc/hostname', 'link.bin', 'sub/../' + j.weightsManifest[0]!.paths[0], 'file:///etc/hostname', 'missing.bin', '', 'sub']);
    if (loc === 'link.bin') files['link.bin'] = { symlinkTo: 'outside/secret.bin' };
    j.weightsManifest[0]!.paths[0] = loc;
    json = JSON.stringify(j);
    mustFail = loc === OUTSIDE || loc === '/etc/hostname' || loc === 'link.bin' || loc.startsWith('file:');
    what = `weight path ${JSON.stringify(loc)}`;
  } else {
    // Weight specs: shapes/dtypes/quantization that disagree with the bytes.
    const j = JSON.parse(json) as { weightsManifest: { weights: { shape: unknown; dtype: unknown; quantization?: unknown }[] }[] };
    const w = pick(rng, j.weightsManifest[0]!.weights);
    const k = rng.int(4);
    if (k === 0) w.shape = [pick(rng, [-1, 2 ** 31, 1e9, 0, 3]), pick(rng, [2 ** 31, 1e9, 1, -2])];
    else if (k === 1) w.dtype = pick(rng, ['float16', 'bool', 'string', 'int32', 'complex64', 7]);
    else if (k === 2) w.quantization = pick(rng, [{ dtype: 'uint8', scale: 1, min: 0 }, { dtype: 'float16' }, { dtype: 'uint16', scale: 'x' }, 'q', { dtype: 'int4' }]);
    else j.weightsManifest[0]!.weights.push({ ...w });
    json = JSON.stringify(j);
    what = `weight spec ${k}`;
  }
  files['model.json'] = enc.encode(json);
  return { loader: 'tfjs', index, mutation: what, files, entry: 'model.json', ...(mustFail ? { mustFail } : {}) };
}

function graphJsonCase(rng: Rng, seeds: Seeds, index: number): FuzzCase {
  const src = pick(rng, seeds.graphJson);
  const kind = rng.int(3);
  let text: string;
  let what: string;
  if (kind === 0) {
    const m = mutateJson(rng, src);
    text = m.text;
    what = m.what;
  } else if (kind === 1) {
    const m = mutateBytes(rng, enc.encode(src));
    text = dec.decode(m.bytes);
    what = `bytes: ${m.what}`;
  } else {
    const j = JSON.parse(src) as { nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, unknown> }[]; inputs: { shape: number[] }[]; initializers: Record<string, { shape: number[] }> };
    const n = pick(rng, j.nodes);
    const k = rng.int(6);
    if (k === 0) {
      n.inputs[0] = j.nodes[j.nodes.length - 1]!.outputs[0]!;
      what = `cycle: ${n.name} reads the last output`;
    } else if (k === 1) {
      n.inputs.push('nowhere');
      what = `dangling edge into ${n.name}`;
    } else if (k === 2) {
      n.op = pick(rng, ['NoSuchOp', '__proto__', 'constructor', 'toString', '']);
      what = `unknown op ${n.op}`;
    } else if (k === 3) {
      j.inputs[0]!.shape = j.inputs[0]!.shape.map(() => pick(rng, [-1, -3, 2 ** 31, 1e9, 0]));
      what = `input shape ${j.inputs[0]!.shape.join('x')}`;
    } else if (k === 4) {
      const names = Object.keys(j.initializers);
      const init = names.length > 0 ? j.initializers[pick(rng, names)]! : undefined;
      if (init) init.shape = init.shape.map(() => pick(rng, [2 ** 31, 1e9, 3, 0, 2 ** 53]));
      what = 'initializer shape/data mismatch';
    } else {
      n.attrs = Object.fromEntries(Object.keys(n.attrs).map((a) => [a, pick(rng, [-1, 2 ** 31, [2 ** 31, 2 ** 31], [-5], 'x', 1e12])]));
      what = `attrs of ${n.name}`;
    }
    text = JSON.stringify(j);
  }
  return { loader: 'graph-json', index, mutation: what, files: { 'graph.json': enc.encode(text) }, entry: 'graph.json' };
}

function tensorCase(rng: Rng, seeds: Seeds, index: number): FuzzCase {
  const csv = rng.int(3) === 0;
  if (csv) {
    const m = mutateBytes(rng, enc.encode(pick(rng, seeds.csv)));
    return { loader: 'tensor-file', index, mutation: `csv: ${m.what}`, files: { 'input.csv': m.bytes }, entry: 'input.csv' };
  }
  const m = rng.int(2) === 0 ? mutateJson(rng, pick(rng, seeds.tensorJson)) : (() => {
    const b = mutateBytes(rng, enc.encode(pick(rng, seeds.tensorJson)));
    return { text: dec.decode(b.bytes), what: `bytes: ${b.what}` };
  })();
  return { loader: 'tensor-file', index, mutation: m.what, files: { 'input.json': enc.encode(m.text) }, entry: 'input.json' };
}

let onnxModule: typeof import('@glasswing/onnx') | undefined;

/** The case `index` of `loader` for `seed` (deterministic). */
export async function generateCase(loader: LoaderId, seed: number, index: number, seeds: Seeds): Promise<FuzzCase> {
  onnxModule ??= await import('@glasswing/onnx');
  const rng = createRng(seed).derive(LOADERS.indexOf(loader) * 1_000_003 + index);
  switch (loader) {
    case 'onnx':
      return onnxCase(rng, seeds, index);
    case 'tfjs':
      return tfjsCase(rng, seeds, index);
    case 'graph-json':
      return graphJsonCase(rng, seeds, index);
    default:
      return tensorCase(rng, seeds, index);
  }
}

// ---------------------------------------------------------------------------------------------
// Running a case

/** Writes the case into `<root>/case` (with `<root>/outside/secret.bin` beside it). */
function writeCase(c: FuzzCase, root: string): string {
  const dir = join(root, 'case');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(root, 'outside'), { recursive: true });
  writeFileSync(join(root, 'outside', 'secret.bin'), new Uint8Array(4096).fill(7));
  for (const [name, f] of Object.entries(c.files)) {
    const path = join(dir, name);
    if (f instanceof Uint8Array) writeFileSync(path, f);
    else symlinkSync(join(root, f.symlinkTo), path);
  }
  return join(dir, c.entry);
}

/** Errors the loaders may throw: Glasswing's typed errors, and the CLI's for unreadable files. */
export function isTypedError(e: unknown): boolean {
  return e instanceof GlasswingError || e instanceof CliError;
}

/**
 * Run one case in `root` (a scratch directory); never throws. With a probe, the outcome carries
 * the memory the case used (measured with the loaded result still alive).
 */
export async function runCase(c: FuzzCase, root: string, probe?: MemoryProbe): Promise<Outcome> {
  const path = writeCase(c, root);
  probe?.start();
  const t0 = performance.now();
  try {
    let loaded: unknown;
    if (c.loader === 'tensor-file') {
      if (c.entry.endsWith('.csv')) loaded = parseCsv(readText(path, 'input file'), `input file '${path}'`);
      else loaded = readTensorFile(path, 'input file');
    } else loaded = await loadModelFile(path);
    const ms = performance.now() - t0;
    const memory = probe?.end();
    if (loaded === undefined) throw new Error('internal: the loader returned nothing');
    const m = memory ? { memory } : {};
    return c.mustFail ? { kind: 'escaped', ms, error: `loaded a file outside the model's directory (${c.mutation})`, ...m } : { kind: 'ok', ms, ...m };
  } catch (e) {
    const ms = performance.now() - t0;
    const memory = probe?.end();
    const m = memory ? { memory } : {};
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (!isTypedError(e)) return { kind: 'untyped', ms, error: `${msg}\n${e instanceof Error ? (e.stack ?? '').split('\n').slice(1, 6).join('\n') : ''}`, ...m };
    if (!msg.includes(path) && !msg.includes(join(root, 'case'))) return { kind: 'unnamed', ms, error: msg, ...m };
    return { kind: 'typed', ms, error: msg, ...m };
  }
}

/**
 * ONNX external data: tensors (initializers, Constant values) whose bytes live in files next to
 * the model (`onnx.save_model(..., save_as_external_data=True)`, the usual form of large
 * exports). They are read once and inlined as raw_data, so the importer and ONNX Runtime both
 * see one self-contained model. A location is resolved relative to the model file (path or
 * URL); in-memory bytes need the files' bytes (`externalData`). Locations that are absolute or
 * leave the model's directory are refused, as the ONNX checker does.
 */
import { ModelFormatError } from '@glasswing/core';
import { decodeModel, encodeModel } from './proto/model.js';
import { onnx, type IAttributeProto, type IGraphProto, type ITensorProto, type ModelProto } from './proto/onnx.js';

/** External data files by location (as the model names them, e.g. `model.onnx.data`). */
export type ExternalDataFiles = Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/** Reads one external data file given its (checked, relative) location. */
export type ExternalDataReader = (location: string) => Promise<Uint8Array>;

/** Protobuf cannot encode a model of 2 GiB or more; ONNX Runtime then needs the files themselves. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

const isExternal = (t: ITensorProto): boolean => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;

function tensorsOfGraph(g: IGraphProto | null | undefined, out: ITensorProto[]): ITensorProto[] {
  if (!g) return out;
  for (const t of g.initializer ?? []) out.push(t);
  for (const node of g.node ?? []) for (const a of node.attribute ?? []) tensorsOfAttribute(a, out);
  return out;
}

function tensorsOfAttribute(a: IAttributeProto, out: ITensorProto[]): void {
  if (a.t) out.push(a.t);
  for (const t of a.tensors ?? []) out.push(t);
  tensorsOfGraph(a.g, out);
  for (const g of a.graphs ?? []) tensorsOfGraph(g, out);
}

/** Every tensor of a model stored in external data. */
export function externalTensors(model: ModelProto): ITensorProto[] {
  return tensorsOfGraph(model.graph, []).filter(isExternal);
}

function entry(t: ITensorProto, key: string): string | undefined {
  return t.externalData?.find((e) => e.key === key)?.value ?? undefined;
}

/** The tensor's location, checked: relative, inside the model's directory. */
export function externalLocation(t: ITensorProto, label: string): string {
  const loc = entry(t, 'location');
  const what = `${label}: tensor ${JSON.stringify(t.name ?? '')}`;
  if (loc === undefined || loc === '') throw new ModelFormatError(`${what} is stored externally but names no location`);
  const parts = loc.replace(/\\/g, '/').split('/');
  if (loc.startsWith('/') || /^[a-zA-Z]:/.test(loc) || /^[a-z][a-z0-9+.-]*:/i.test(loc) || parts.includes('..')) {
    throw new ModelFormatError(`${what}: external data location ${JSON.stringify(loc)} must be a relative path inside the model's directory`);
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

/** The locations a model's external tensors name (checked), in first-use order. */
export function externalLocations(model: ModelProto, label: string): string[] {
  return [...new Set(externalTensors(model).map((t) => externalLocation(t, label)))];
}

/**
 * Inline every external tensor of `model` (in place): its bytes [offset, offset + length) of
 * its file become raw_data. Files are read once each through `read`.
 */
export async function inlineExternalData(model: ModelProto, read: ExternalDataReader, label: string): Promise<void> {
  const files = new Map<string, Uint8Array>();
  let total = 0;
  for (const t of externalTensors(model)) {
    const loc = externalLocation(t, label);
    let file = files.get(loc);
    if (file === undefined) {
      file = await read(loc);
      files.set(loc, file);
    }
    const what = `${label}: tensor ${JSON.stringify(t.name ?? '')} (external data ${loc})`;
    const offset = entry(t, 'offset') === undefined ? 0 : Number(entry(t, 'offset'));
    const length = entry(t, 'length') === undefined ? file.byteLength - offset : Number(entry(t, 'length'));
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > file.byteLength) {
      throw new ModelFormatError(`${what}: bytes [${entry(t, 'offset') ?? 0}, +${entry(t, 'length') ?? 'rest'}) are outside the file (${file.byteLength} bytes)`);
    }
    total += length;
    if (total >= PROTOBUF_LIMIT) {
      throw new ModelFormatError(`${label}: its external data exceeds 2 GiB, more than one ONNX protobuf can hold; Glasswing inlines external data and cannot load it`);
    }
    t.rawData = file.subarray(offset, offset + length);
    t.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
    t.externalData = [];
  }
}

/** Reads locations next to a model path, file: URL or http(s) URL. */
function readerFor(source: string | URL): ExternalDataReader {
  const href = source instanceof URL ? source.href : source;
  if (/^https?:\/\//i.test(href)) {
    return async (loc) => {
      const url = new URL(loc, href).href;
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    };
  }
  return async (loc) => {
    const { readFile, realpath } = await import('node:fs/promises');
    const { dirname, join, relative, isAbsolute } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const path = source instanceof URL || href.startsWith('file:') ? fileURLToPath(href) : href;
    const file = join(dirname(path), loc);
    // A symlink inside the model's directory must not lead out of it (the location itself was
    // checked by externalLocation): compare the real paths.
    const [realDir, realFile] = await Promise.all([realpath(dirname(path)), realpath(file)]);
    const rel = relative(realDir, realFile);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new ModelFormatError(`${href}: external data location ${JSON.stringify(loc)} leads outside the model's directory (to ${realFile}, through a symbolic link)`);
    }
    return new Uint8Array(await readFile(realFile));
  };
}

function readerOfFiles(files: ExternalDataFiles): ExternalDataReader {
  const byName = new Map(Object.entries(files).map(([k, v]) => [k.replace(/\\/g, '/').replace(/^\.\//, ''), v]));
  return async (loc) => {
    const f = byName.get(loc);
    if (f === undefined) throw new ModelFormatError(`externalData has no file ${JSON.stringify(loc)} (it has: ${[...byName.keys()].join(', ') || 'none'})`);
    return f instanceof Uint8Array ? f : new Uint8Array(f);
  };
}

/**
 * The model bytes with external data inlined (the same bytes when it has none). `source` is
 * where the bytes came from (a path or URL: locations resolve next to it; undefined for bytes,
 * which then need `files`).
 */
export async function withExternalData(bytes: Uint8Array, source: string | URL | undefined, files: ExternalDataFiles | undefined, label: string): Promise<Uint8Array> {
  let model: ModelProto;
  try {
    model = decodeModel(bytes, label);
  } catch {
    return bytes; // the importer reports corrupt bytes with its own message
  }
  const locations = externalLocations(model, label);
  if (locations.length === 0) return bytes;
  let read: ExternalDataReader;
  if (files !== undefined) read = readerOfFiles(files);
  else if (source !== undefined) read = readerFor(source);
  else {
    const list = locations.map((l) => JSON.stringify(l)).join(', ');
    throw new ModelFormatError(
      `${label} keeps tensor data in external file(s) ${list}: load it from its path or URL (fromOnnx('model.onnx')) so they are read next to it, ` +
        `or pass their bytes as the externalData option ({ ${JSON.stringify(locations[0])}: bytes })`,
    );
  }
  try {
    await inlineExternalData(model, read, label);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    throw new ModelFormatError(`${label}: cannot read its external data (${locations.join(', ')}): ${why}`, { cause: e });
  }
  return encodeModel(model);
}


/**
 * Reading ONNX model bytes from a path (Node fs, imported dynamically so browsers never need it),
 * a file: or http(s) URL (fetch), or bytes. Problems are ModelFormatErrors naming the source.
 * Tensors kept in external data files are inlined (see external-data.ts).
 */
import { ModelFormatError } from '@glasswing/core';
import { withExternalData, type ExternalDataFiles } from './external-data.js';

const isHttp = (s: string): boolean => /^https?:\/\//i.test(s);

export type OnnxSource = string | URL | Uint8Array | ArrayBuffer;

/** A printable name for a source (path or URL; "bytes" for in-memory data). */
export function describeOnnxSource(source: OnnxSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  return `ONNX bytes (${source.byteLength} bytes)`;
}

export interface LoadOnnxOptions {
  /**
   * The external data files of a model given as bytes (or overriding those next to its path),
   * by the location the model names (e.g. `{ 'model.onnx.data': bytes }`).
   */
  readonly externalData?: ExternalDataFiles;
}

/**
 * The model's bytes, self-contained: tensors stored in external data files are read (next to
 * the model's path or URL, or from `options.externalData`) and inlined.
 */
export async function loadOnnxBytes(source: OnnxSource, options: LoadOnnxOptions = {}): Promise<Uint8Array> {
  const bytes = await readSource(source);
  const origin = typeof source === 'string' || source instanceof URL ? source : undefined;
  return withExternalData(bytes, origin, options.externalData, describeOnnxSource(source));
}

async function readSource(source: OnnxSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new ModelFormatError('an ONNX model source must be a path, a URL, a Uint8Array or an ArrayBuffer');
  }
  const href = source instanceof URL ? source.href : source;
  if (href === '') throw new ModelFormatError('the ONNX model path is empty');
  try {
    if (isHttp(href)) {
      const res = await fetch(href);
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const path = source instanceof URL || href.startsWith('file:') ? fileURLToPath(href) : href;
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    throw new ModelFormatError(`cannot read ONNX model ${href}: ${why}`, { cause: e });
  }
}

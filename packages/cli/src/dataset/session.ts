/**
 * A chunk session: what one worker loads once and reuses for every chunk it runs — the model on
 * its adapter (with the worker's share of threads), the dataset reader, and the method's resolved
 * inputs (baselines, feature mask, layer).
 */
import { isAbsolute, resolve } from 'node:path';
import { CapabilityError, METHODS, ShapeError, sizeOf } from '@glasswing/core';
import type { MethodOptions, MethodSpec, Tensor } from '@glasswing/core';
import { UsageError } from '../args.js';
import { asBatch, readTensorFile } from '../files.js';
import { imageLayout, openModel } from '../model-file.js';
import type { AdapterId, OpenedModel } from '../model-file.js';
import { ADAPTERS } from '../adapter-choice.js';
import { openReader } from './readers/index.js';
import type { DatasetReader } from './readers/index.js';
import type { DatasetJob } from './types.js';

export interface ChunkSession {
  readonly job: DatasetJob;
  readonly spec: MethodSpec;
  readonly opened: OpenedModel;
  readonly reader: DatasetReader;
  /** Values per example of the model input. */
  readonly rowSize: number;
  /** Method options resolved once (baselines and feature mask loaded, layer resolved). */
  readonly options: MethodOptions;
  dispose(): Promise<void>;
}

export interface SessionOptions {
  /** Intra-op threads for the model (ORT); default: the runtime's own. */
  readonly threads?: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const abs = (p: string) => (isAbsolute(p) ? p : resolve(p));

/** --baseline: zeros, a constant, a tensor JSON file or a dataset file (csv/npy/npz/jsonl: all its rows). */
async function loadBaseline(raw: unknown, inputShape: readonly number[]): Promise<number | Tensor | undefined> {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') throw new UsageError(`baseline must be 'zeros', a number or a file, got ${JSON.stringify(raw)}`);
  if (raw === 'zeros') return 0;
  if (NUMBER.test(raw)) return Number(raw);
  if (/\.(csv|npy|npz|jsonl|ndjson)(:[^:/\\]+)?$/i.test(raw)) {
    const reader = await openReader(abs(raw), undefined);
    try {
      const block = await reader.read(0, reader.rows);
      const size = sizeOf(inputShape);
      if (block.data.length !== reader.rows * size) {
        throw new ShapeError(`baseline file '${raw}' rows hold ${reader.rowShape.join('×')} values, the model input ${size}`);
      }
      return { shape: [reader.rows, ...inputShape], data: block.data };
    } finally {
      await reader.close();
    }
  }
  return asBatch(readTensorFile(abs(raw), 'baseline file'), inputShape, 'baseline');
}

export async function openSession(job: DatasetJob, opts: SessionOptions = {}): Promise<ChunkSession> {
  const spec = METHODS[job.method];
  if (!spec) throw new UsageError(`unknown method '${job.method}'; valid methods: ${Object.keys(METHODS).join(', ')}`);
  if (job.adapter !== undefined && !(ADAPTERS as readonly string[]).includes(job.adapter)) {
    throw new UsageError(`unknown adapter '${job.adapter}'; valid: ${ADAPTERS.join(', ')}`);
  }
  const opened = await openModel(abs(job.model), job.adapter as AdapterId | undefined, {
    requires: spec.requires,
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  });
  let reader: DatasetReader | undefined;
  try {
    const model = opened.model;
    for (const [cap, need] of Object.entries(spec.requires)) {
      if (need && !model.capabilities[cap as keyof typeof model.capabilities]) {
        throw new CapabilityError(`method '${job.method}' needs ${cap}, which the ${model.backend} model does not provide${opened.limits ? `: ${opened.limits}` : ''}`);
      }
    }
    const layout = imageLayout(opened.file);
    reader = await openReader(abs(job.data), job.format, { inputShape: model.inputShape, layout });
    const rowSize = sizeOf(model.inputShape);
    const readerSize = reader.rowShape.reduce((a, b) => a * b, 1);
    if (reader.format !== 'images' && readerSize !== rowSize) {
      throw new ShapeError(
        `data rows hold ${readerSize} values (${reader.rowShape.join('×')}), the model input [${model.inputShape.join(', ')}] needs ${rowSize}`,
      );
    }
    const { baseline, featureMask, ...rest } = (job.options ?? {}) as Record<string, unknown>;
    const baselines = await loadBaseline(baseline, model.inputShape);
    let mask: Tensor | Float32Array | undefined;
    if (typeof featureMask === 'string') {
      const t = readTensorFile(abs(featureMask), 'feature mask file');
      mask = t.shape.length === 1 && t.data.length === rowSize ? t.data : t;
    }
    const layer = typeof rest['layer'] === 'string' && spec.options.includes('layer') ? opened.resolveLayer(rest['layer']) : undefined;
    const options = {
      ...rest,
      ...(layer !== undefined ? { layer } : {}),
      ...(baselines !== undefined ? { baselines } : {}),
      ...(mask !== undefined ? { featureMask: mask } : {}),
    } as MethodOptions;
    const r = reader;
    return {
      job,
      spec,
      opened,
      reader: r,
      rowSize,
      options,
      async dispose() {
        await r.close();
        await model.dispose();
      },
    };
  } catch (err) {
    await reader?.close();
    await opened.model.dispose();
    throw err;
  }
}

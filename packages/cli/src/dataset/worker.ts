/**
 * The piscina worker of the local pool: opens one session per job (model, reader) on its first
 * task and reuses it, runs a chunk, writes it through the chunk-keyed writer and reports rows
 * done through the task's MessagePort. Nothing here depends on which worker runs which chunk.
 */
import type { MessagePort } from 'node:worker_threads';
import { openSession, runChunk } from './chunk.js';
import type { ChunkRef, ChunkSession, DatasetJob } from './chunk.js';
import { isChunkDone, writeChunk } from './output.js';

export interface WorkerTask {
  readonly job: DatasetJob;
  readonly chunk: ChunkRef;
  readonly out: string;
  readonly threads: number;
  readonly port?: MessagePort;
}

let session: { key: string; value: Promise<ChunkSession> } | undefined;

export default async function runTask(task: WorkerTask): Promise<{ rows: number; skipped: boolean; adapter?: string }> {
  const { job, chunk, out, port } = task;
  try {
    if (isChunkDone(out, chunk.id)) return { rows: chunk.end - chunk.start, skipped: true };
    const key = JSON.stringify([job, task.threads]);
    if (session?.key !== key) {
      const old = session;
      session = { key, value: openSession(job, { threads: task.threads }) };
      if (old) await (await old.value.catch(() => undefined))?.dispose();
    }
    const s = await session.value;
    const records = await runChunk(job, chunk, { session: s, onProgress: (done) => port?.postMessage(done) });
    writeChunk(out, chunk.id, records);
    return { rows: records.length, skipped: false, adapter: s.opened.adapter };
  } finally {
    port?.close();
  }
}

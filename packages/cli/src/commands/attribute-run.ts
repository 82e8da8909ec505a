/**
 * `glasswing attribute`'s run of the method: a progress bar, the CLI's default rows per call, and
 * the executable's Ctrl-C signal; a stopped run becomes an InterruptedError saying how far it got.
 */
import { METHODS } from '@glasswing/core';
import type { AttributionResult, MethodOptions, Tensor } from '@glasswing/core';
import { describeChoice } from '../adapter-choice.js';
import { defaultInternalBatchSize } from '../batching.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import type { OpenedModel } from '../model-file.js';
import { progressBar, progressEnabled } from '../progress.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Run `method` on the opened model; the summary line (or the interruption) names the adapter. */
export async function runMethod(method: string, opened: OpenedModel, x: Tensor, options: MethodOptions, io: ResolvedIO): Promise<AttributionResult> {
  const spec = METHODS[method]!;
  const bar = progressBar('attribute', io);
  const started = Date.now();
  const interruption = io.interruption;
  const work = () =>
    spec.run(opened.model, x, {
      ...options,
      ...(options.internalBatchSize === undefined ? { internalBatchSize: defaultInternalBatchSize(opened.model.inputShape) } : {}),
      ...(interruption ? { signal: interruption.signal } : {}),
      onProgress: (p) => bar.update(p.done, p.total),
    });
  try {
    const result = await (interruption ? interruption.during(work) : work());
    const n = x.shape[0]!;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    // The summary goes where the bar went (a terminal, or --progress); piped runs keep stderr empty.
    const summary = `attribute: ${method}, ${plural(n, 'example')}, ${plural(result.modelCalls, 'model call')}, ${seconds} s ${describeChoice(opened.choice)}`;
    if (progressEnabled(io)) bar.finish(summary);
    else bar.stop();
    return result;
  } catch (err) {
    bar.stop();
    throw asInterruption(err, interruption?.signal, bar, `${method} on ${opened.adapter}`);
  }
}


/**
 * Which gpu.js modes start in this Node process, for `glasswing inspect`: the Node modes of
 * @glasswing/gpujs (headlessgl, webasm, cpu; webgl / webgl2 are browser modes) with, for each
 * one that cannot start, a short reason. headlessgl needs gpu.js' optional native `gl` package
 * built (scripts/setup-headlessgl.sh) and a display (xvfb-run on a headless machine).
 */
import { createRequire } from 'node:module';

export const NODE_GPUJS_MODES = ['headlessgl', 'webasm', 'cpu'] as const;
export type NodeGpujsMode = (typeof NODE_GPUJS_MODES)[number];

export interface GpujsModesReport {
  /** Modes that start here, best first. */
  readonly available: readonly NodeGpujsMode[];
  /** Modes that do not, with why. */
  readonly unavailable: readonly { readonly mode: NodeGpujsMode; readonly reason: string }[];
}

/** Why headlessgl does not start: the `gl` package is missing / not built, or it gives no context. */
function headlessGlReason(): string {
  let gl: (w: number, h: number) => unknown;
  try {
    const fromGpujs = createRequire(createRequire(import.meta.url).resolve('@glasswing/gpujs/package.json'));
    const fromGpu = createRequire(fromGpujs.resolve('gpu.js'));
    gl = fromGpu('gl') as typeof gl;
  } catch {
    return 'gl package not built; run scripts/setup-headlessgl.sh';
  }
  try {
    if (gl(1, 1) === null) return 'no GL context (no display: run under xvfb-run)';
  } catch (e) {
    return `gl gives no context: ${e instanceof Error ? e.message : String(e)}`;
  }
  return 'gpu.js rejects the headless GL context';
}

export async function gpujsModes(): Promise<GpujsModesReport> {
  let availableHere: readonly string[];
  try {
    const { availableGpujsModes } = await import('@glasswing/gpujs');
    availableHere = availableGpujsModes();
  } catch (e) {
    const reason = `@glasswing/gpujs does not load (${e instanceof Error ? e.message : String(e)})`;
    return { available: [], unavailable: NODE_GPUJS_MODES.map((mode) => ({ mode, reason })) };
  }
  const available = NODE_GPUJS_MODES.filter((m) => availableHere.includes(m));
  const unavailable = NODE_GPUJS_MODES.filter((m) => !availableHere.includes(m)).map((mode) => ({
    mode,
    reason: mode === 'headlessgl' ? headlessGlReason() : mode === 'webasm' ? 'WebAssembly is not available' : 'does not start',
  }));
  return { available, unavailable };
}

/** `gpu.js modes: webasm, cpu (headlessgl: gl package not built; …)`. */
export function formatGpujsModes(report: GpujsModesReport): string {
  const list = report.available.length > 0 ? report.available.join(', ') : 'none';
  const missing = report.unavailable.map((u) => `${u.mode}: ${u.reason}`).join('; ');
  return `gpu.js modes: ${list}${missing ? ` (${missing})` : ''}`;
}

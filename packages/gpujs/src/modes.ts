/**
 * gpu.js modes: which exist here, and a GPU instance for one that provably runs. gpu.js itself
 * falls back silently (a requested 'gpu' becomes webasm or cpu without GL; webasm degrades to cpu
 * for some kernels), so every requested mode is checked against the kernel class gpu.js chose.
 */
import gpujs from 'gpu.js';
import { CapabilityError } from '@glasswing/core';

const { GPU } = gpujs;
type GPUInstance = InstanceType<typeof GPU>;

/** Modes this adapter runs. 'auto' picks the best available (GL first, then webasm, then cpu). */
export type GpujsMode = 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';
export type GpujsModeRequest = GpujsMode | 'auto';

export const GPUJS_MODES: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** Modes whose values live on the device (textures between kernels). */
export function isGlMode(mode: GpujsMode): boolean {
  return mode === 'headlessgl' || mode === 'webgl2' || mode === 'webgl';
}

export class GpujsModeError extends CapabilityError {
  constructor(
    readonly mode: string,
    readonly reason: string,
  ) {
    super(`gpu.js mode '${mode}' cannot run here: ${reason}`);
    this.name = 'GpujsModeError';
  }
}

function supported(mode: GpujsMode): boolean {
  switch (mode) {
    case 'headlessgl':
      return GPU.isHeadlessGLSupported;
    case 'webgl2':
      return GPU.isWebGL2Supported;
    case 'webgl':
      return GPU.isWebGLSupported;
    case 'webasm':
      return GPU.isWebAssemblySupported;
    case 'cpu':
      return true;
  }
}

function whyNot(mode: GpujsMode): string {
  if (mode === 'headlessgl') {
    return typeof window === 'undefined'
      ? "the optional native 'gl' package is not built or no display is available (run scripts/setup-headlessgl.sh, then run under xvfb-run)"
      : 'headlessgl is a Node mode; use webgl2 or webgl in a browser';
  }
  if (mode === 'webgl2' || mode === 'webgl') {
    return typeof window === 'undefined' ? `${mode} needs a browser (in Node use headlessgl)` : `this browser gives no ${mode} context`;
  }
  return 'WebAssembly is not available';
}

/** The modes that can start here, best first. */
export function availableGpujsModes(): GpujsMode[] {
  return GPUJS_MODES.filter((m) => {
    try {
      return supported(m);
    } catch {
      return false;
    }
  });
}

/** A GPU instance for `mode` (never a silent fallback), and the mode it runs. */
export function createGpu(request: GpujsModeRequest): { gpu: GPUInstance; mode: GpujsMode } {
  const mode = request === 'auto' ? availableGpujsModes()[0]! : request;
  if (!GPUJS_MODES.includes(mode)) {
    throw new GpujsModeError(String(request), `unknown mode; expected 'auto' or one of ${GPUJS_MODES.join(', ')}`);
  }
  if (!supported(mode)) throw new GpujsModeError(mode, whyNot(mode));
  let gpu: GPUInstance;
  try {
    gpu = new GPU({ mode });
  } catch (e) {
    throw new GpujsModeError(mode, e instanceof Error ? e.message : String(e));
  }
  return { gpu, mode };
}

/**
 * The gpu.js rows of the adapter table: the IR graph on @glasswing/gpujs' kernels. gpujs-cpu
 * (plain JS) and gpujs-webasm (WebAssembly) run everywhere; gpujs-headlessgl is a row only where
 * headless GL starts (the optional `gl` build, scripts/setup-headlessgl.sh, and a display).
 * Without a GPU driving the GL context these rows say nothing about GPU speed (the results
 * markdown says so: report.ts gpujsNote).
 */
import type { Graph } from '@glasswing/core';
import { availableGpujsModes, createGpujsModel } from '@glasswing/gpujs';
import type { AdapterSpec } from './adapters.js';

/** Whether gpu.js' headless GL starts here (only then are there gpujs-headlessgl rows). */
export function headlessGlStarts(): boolean {
  return availableGpujsModes().includes('headlessgl');
}

export const GPUJS_ADAPTERS: readonly AdapterSpec[] = [
  {
    id: 'gpujs-cpu',
    description: "gpu.js kernels, 'cpu' mode (plain JS)",
    create: (graph: Graph) => createGpujsModel(graph, { mode: 'cpu' }),
  },
  {
    id: 'gpujs-webasm',
    description: "gpu.js kernels, 'webasm' mode (WebAssembly)",
    create: (graph: Graph) => createGpujsModel(graph, { mode: 'webasm' }),
  },
  ...(headlessGlStarts()
    ? [
        {
          id: 'gpujs-headlessgl',
          description: "gpu.js kernels, 'headlessgl' mode (the GL of this machine's display)",
          create: (graph: Graph) => createGpujsModel(graph, { mode: 'headlessgl' }),
        },
      ]
    : []),
];

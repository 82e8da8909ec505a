/**
 * The note the results markdown carries above a table with gpu.js rows: on the CPU (gpujs-cpu,
 * gpujs-webasm) or software GL these rows say nothing about GPU speed, and how to run them where
 * a GPU drives the GL context.
 */
/** The note above a table with gpu.js rows: what they measure here, and how to run them on a GPU. */
export function gpujsNote(adapters: readonly string[]): string[] {
  const gl = adapters.includes('gpujs-headlessgl');
  return [
    `gpu.js rows (${adapters.join(', ')}): \`gpujs-cpu\` and \`gpujs-webasm\` run gpu.js' kernels as plain JS / WebAssembly on the CPU` +
      (gl ? ", and `gpujs-headlessgl` ran on the GL of this machine's display (software GL, e.g. Mesa under Xvfb, unless a GPU drives it)" : '') +
      ': these rows say nothing about GPU speed.' +
      (gl ? '' : ' No `gpujs-headlessgl` rows: headless GL did not start here (the optional `gl` build or a display is missing).'),
    'To measure a GPU, run the rows where a GPU drives the GL context: headless GL on a GPU-backed X display',
    '(`scripts/setup-headlessgl.sh`, then `DISPLAY=:0 pnpm --filter @glasswing/benchmarks bench --filter gpujs-headlessgl`;',
    "under `xvfb-run` it is software GL again), or in a browser with WebGL2 (`fromGpujs(file, { mode: 'webgl2' })`; the",
    '`browser:gpujs-webgl2` rows of `pnpm bench --browser-gpu`).',
  ];
}

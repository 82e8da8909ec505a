/**
 * Vite builds the Explorer to static files (dist/, relative paths: serve it from any folder).
 * The workspace packages are bundled from their TypeScript sources (the `@glasswing/source`
 * condition), so `pnpm explorer` needs no prior build. Node-only paths in them (files from disk,
 * onnxruntime-node, headless GL) are dynamic imports never reached in a browser: they resolve to
 * an empty module. onnxruntime-web's and tfjs' .wasm files are emitted as assets: nothing is
 * fetched from the network.
 */
import { defineConfig } from 'vite';

const NODE_ONLY = ['onnxruntime-node', 'gl'];

export default defineConfig({
  base: './',
  resolve: { conditions: ['@glasswing/source', 'browser', 'module', 'import', 'default'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, assetsInlineLimit: 0 },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  plugins: [
    {
      name: 'glasswing-node-only',
      enforce: 'pre',
      resolveId(id) {
        if (NODE_ONLY.includes(id) || id.startsWith('node:')) return `\0empty:${id}`;
        return null;
      },
      load(id) {
        return id.startsWith('\0empty:') ? 'export default {};' : null;
      },
    },
  ],
});

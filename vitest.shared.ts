/**
 * Shared vitest settings for every package. Tests resolve @glasswing/* to TypeScript sources
 * (export condition `@glasswing/source`), so no build is needed to test. In CI each package
 * also writes a JSON report that scripts/test-summary.mjs adds up.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@glasswing/source'] },
  ssr: { resolve: { conditions: ['@glasswing/source'] } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The CLI caches emitted ONNX models on disk (keyed by package version, not source): tests run
    // without it unless they ask, so a changed emitter is never masked by an entry from an older run.
    env: { GLASSWING_ONNX_CACHE: process.env['GLASSWING_ONNX_CACHE'] ?? 'off' },
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});

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
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});

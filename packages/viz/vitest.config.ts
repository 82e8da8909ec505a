import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@glasswing/source'] },
  ssr: { resolve: { conditions: ['@glasswing/source'] } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});

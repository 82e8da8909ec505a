import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The end-to-end tests drive one Chromium through every bundled model: give them time, one file at a time.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 240_000, hookTimeout: 240_000, include: ['test/**/*.test.ts'], fileParallelism: false } }));

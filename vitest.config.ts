import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The test seams of src/core/flags.ts, on as in development builds.
  define: { __TEST_HOOKS__: 'true' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});

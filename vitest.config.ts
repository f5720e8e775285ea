import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Real Redis for the state tests (TEST_REDIS_URL, or a redis-server started for the run).
    globalSetup: ['test/helpers/redis-global-setup.ts'],
  },
});

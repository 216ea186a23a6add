import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and end-to-end suites start servers on loopback; two cores, so keep it modest.
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and end-to-end suites start servers on loopback; two cores, so keep it modest.
    maxWorkers: 2,
    // Set in every worker's process.env before any test file loads, so SDK clients built in tests
    // and child processes spawned with the inherited environment skip the SDK's Node 20 warning.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

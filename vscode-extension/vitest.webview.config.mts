import { defineConfig } from 'vitest/config';

// The DAG page in headless Chromium (needs a fresh `npm run build` for media/dag.js).
export default defineConfig({
  test: {
    include: ['test/webview/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

// The built dist/extension.js on the fake host with a stdio LSP server (needs `npm run build` first).
export default defineConfig({
  test: {
    include: ['test/bundle/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

// Unit tests: everything that runs without the VS Code host or a browser.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});

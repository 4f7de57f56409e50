import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests (test/unit) and host tests (test/host): everything that runs without a real VS Code
// or a browser. The host tests get test/host/fakeVscode.ts in place of the `vscode` module.
export default defineConfig({
  resolve: {
    alias: { vscode: fileURLToPath(new URL('test/host/fakeVscode.ts', import.meta.url)) },
  },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/host/**/*.test.ts'],
    environment: 'node',
  },
});

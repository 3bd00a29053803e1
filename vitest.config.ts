import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name, as users do; resolve it to the sources.
    alias: [
      { find: /^taskmcp$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      {
        find: /^taskmcp\/redis$/,
        replacement: fileURLToPath(new URL('./src/tasks/redis/index.ts', import.meta.url)),
      },
      { find: /^taskmcp\/(.*)$/, replacement: fileURLToPath(new URL('./src/$1/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Hang guards, not performance limits: tests that start several processes need room on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Subprocess and Redis tests share the machine's two cores; keep files from starving each other.
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Runs every package's tests, plus the workspace checks in test/, in one run with one
 * summary (`pnpm test`). Under CI a JSON report is written too, from which `.ci/run` prints
 * a plain `N passed, N failed` line.
 */
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      { extends: './vitest.shared.ts', test: { name: 'workspace', include: ['test/**/*.test.ts'] } },
    ],
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest/results.json' },
  },
});

import { defineConfig } from 'vitest/config';

// Three layers (STYLE.md §14): unit (pure code), integration (real git in temp dirs, in-process),
// e2e (the built CLI as a child process, real git hooks, real agent CLIs). `npm test` builds first.
const shared = {
  setupFiles: ['test/helpers/setupEnv.ts'],
  env: { NO_COLOR: '1' },
  pool: 'forks' as const, // process.chdir and child processes need forks, not threads
};

export default defineConfig({
  test: {
    clearMocks: true,
    restoreMocks: true,
    projects: [
      {
        test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});

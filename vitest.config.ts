import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globals: false,
    // One Postgres cluster (template database migrated once) and one Redis for the whole run.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' summary line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    coverage: { provider: 'v8', include: ['src/**', 'workers/**'] },
  },
})

import { defineConfig } from 'vitest/config'

// The workspace packages (packages/*) load from their TypeScript sources in the tests, as tsc
// type-checks them (tsconfig.json customConditions). Processes the tests spawn load their dist/,
// which test/build-packages.setup.ts brings up to date first.
// Vitest also hands these to the test processes as node --conditions, so no 'module' here: Node
// would then load packages' extension-less ESM builds (@opentelemetry/api's) and fail.
const conditions = ['@webhook-secret-rotation/source', 'node', 'development|production']

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    globals: false,
    // One Postgres cluster (template database migrated once) and one Redis for the whole run.
    globalSetup: ['test/build-packages.setup.ts', 'test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' summary line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    coverage: { provider: 'v8', include: ['src/**', 'workers/**'] },
  },
})

import neostandard from 'neostandard'

export default neostandard({ ts: true, ignores: ['dist/**', 'packages/*/dist/**', 'coverage/**', '.data/**', 'packages/client/src/openapi-types.ts'] })

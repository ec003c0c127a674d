import neostandard from 'neostandard'

export default neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.data/**', 'src/client/openapi-types.ts'] })

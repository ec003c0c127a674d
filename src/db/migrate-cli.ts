import { resolveConfig } from '../config/resolve.js'
import { migrate } from './migrate.js'

const { config } = await resolveConfig(process.env, { needRedis: false })
const applied = await migrate(config.DATABASE_URL)
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date')

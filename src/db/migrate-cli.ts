import { directDatabaseUrl } from '../config/config.js'
import { resolveConfig } from '../config/resolve.js'
import { migrate } from './migrate.js'

const { config } = await resolveConfig(process.env, { needRedis: false })
const applied = await migrate(directDatabaseUrl(config))
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date')

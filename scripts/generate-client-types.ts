import { writeFile } from 'node:fs/promises'
import { CLIENT_TYPES_FILE, generateClientTypes } from './openapi-document.js'

await writeFile(CLIENT_TYPES_FILE, await generateClientTypes())
process.stdout.write(`wrote ${CLIENT_TYPES_FILE}\n`)

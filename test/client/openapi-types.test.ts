import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CLIENT_TYPES_FILE, generateClientTypes } from '../../scripts/openapi-document.js'

describe('the rotation client types', () => {
  it('match the API\'s OpenAPI document (run `npm run client:types` when this fails)', async () => {
    const checkedIn = await readFile(CLIENT_TYPES_FILE, 'utf8')
    expect(await generateClientTypes(), `${CLIENT_TYPES_FILE} is stale: run npm run client:types`).toBe(checkedIn)
  })
})

import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { lazySubtree } from '../../src/http/lazy-subtree.js'

/** An app whose /pages subtree is built on first request; counts the builds and can fail the first. */
async function appWithPages (opts: { failFirstBuild?: boolean } = {}) {
  let builds = 0
  const app = Fastify()
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ outer: 'not found' }))
  app.setErrorHandler((error: { statusCode?: number, message: string }, _request, reply) => reply.code(error.statusCode ?? 500).send({ outer: error.message }))
  app.addHook('onSend', async (_request, reply) => { reply.header('x-outer', 'yes') })
  lazySubtree(app, '/pages', async (inner) => {
    builds++
    if (opts.failFirstBuild && builds === 1) throw new Error('module missing')
    inner.get('/pages', async (_request, reply) => reply.type('text/html').send('<p>index</p>'))
    inner.get('/pages/moved', async (_request, reply) => reply.redirect('/pages', 302))
    inner.get('/pages/teapot', async () => { throw Object.assign(new Error('short and stout'), { statusCode: 418 }) })
    inner.post('/pages/echo', async (request) => ({ got: request.body }))
    inner.delete('/pages', async () => ({ deleted: true }))
  })
  await app.ready()
  return { app, builds: () => builds }
}

describe('lazySubtree', () => {
  it('builds the subtree on the first request only, and answers through the app\'s hooks', async () => {
    const { app, builds } = await appWithPages()
    expect(builds()).toBe(0)
    const page = await app.inject({ method: 'GET', url: '/pages' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.headers['x-outer']).toBe('yes')
    expect(page.body).toBe('<p>index</p>')
    const head = await app.inject({ method: 'HEAD', url: '/pages' })
    expect(head.headers['content-length']).toBe(String('<p>index</p>'.length))
    expect(builds()).toBe(1)
    await app.close()
  })

  it('forwards only reads: any other method, with any body, is the app\'s not-found and builds nothing', async () => {
    const { app, builds } = await appWithPages()
    const deep = '['.repeat(4111) + '1' + ']'.repeat(4111)
    for (const [method, url] of [['POST', '/pages/echo'], ['DELETE', '/pages'], ['PUT', '/pages/x']] as const) {
      const res = await app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: deep })
      expect([res.statusCode, res.json()], `${method} ${url}`).toEqual([404, { outer: 'not found' }])
    }
    expect(builds()).toBe(0)
    await app.close()
  })

  it('passes a redirect on without a body or type', async () => {
    const { app } = await appWithPages()
    const res = await app.inject({ method: 'GET', url: '/pages/moved' })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/pages')
    expect(res.headers['content-type']).toBeUndefined()
    expect(res.body).toBe('')
    await app.close()
  })

  it('leaves a path the subtree does not know, and an error it did not handle, to the app', async () => {
    const { app } = await appWithPages()
    const missing = await app.inject({ method: 'GET', url: '/pages/nope' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ outer: 'not found' })
    const teapot = await app.inject({ method: 'GET', url: '/pages/teapot' })
    expect(teapot.statusCode).toBe(418)
    expect(teapot.json()).toEqual({ outer: 'short and stout' })
    await app.close()
  })

  it('answers a failed build through the app\'s error handler and builds again on the next request', async () => {
    const { app, builds } = await appWithPages({ failFirstBuild: true })
    const failed = await app.inject({ method: 'GET', url: '/pages' })
    expect(failed.statusCode).toBe(500)
    expect(failed.json()).toEqual({ outer: 'module missing' })
    const next = await app.inject({ method: 'GET', url: '/pages' })
    expect(next.statusCode).toBe(200)
    expect(builds()).toBe(2)
    await app.close()
  })
})

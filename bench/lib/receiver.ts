import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A local webhook receiver that answers 200 to everything and counts what it got. */
export async function startReceiver () {
  let received = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => { received++; res.writeHead(200).end('ok') })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received: () => received,
    async stop () {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

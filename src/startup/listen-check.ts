import net from 'node:net'
import { StartupError } from './startup-error.js'

/**
 * The API's PORT/HOST as a one-line message naming the setting, for the errors a newcomer meets
 * (another program on the port, a privileged port, an address this machine does not have).
 */
export function listenError (err: unknown, port: number, host: string): StartupError | null {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new StartupError(`PORT ${port} on HOST ${host} is already in use (another program, or another npm start, listens there). ` +
        `Stop it, or choose another port: PORT=${port === 65535 ? 3001 : port + 1} npm start`)
    case 'EACCES':
      return new StartupError(`PORT ${port} on HOST ${host}: permission denied (ports below 1024 need privileges). Choose another PORT, e.g. PORT=3000.`)
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`HOST ${host} is not an address of this machine. Set HOST to one of its addresses: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`)
    default:
      return null
  }
}

/**
 * Checks that the API could listen on PORT/HOST before anything else starts (embedded Postgres
 * and Redis take seconds): a taken port is reported at once. The real listen still reports a
 * port taken in between with the same message.
 */
export async function assertCanListen (port: number, host: string) {
  if (port === 0) return
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()))
  }).catch((err: unknown) => { throw listenError(err, port, host) ?? err })
}

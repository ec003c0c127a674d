import dns from 'node:dns'
import type { LookupAddress, LookupOptions } from 'node:dns'
import ipaddr from 'ipaddr.js'

/**
 * Only globally routable unicast addresses are public. ipaddr.js classifies every special range
 * (loopback, private, link-local with the cloud metadata address, carrier-grade NAT, multicast,
 * broadcast, reserved and documentation ranges, unique-local, and the 6to4 / Teredo / NAT64 forms
 * that embed an IPv4 address, which we refuse outright); an IPv4-mapped IPv6 address is judged as
 * the IPv4 address it carries.
 */
export function isPublicAddress (ip: string) {
  if (!ipaddr.isValid(ip)) return false
  return ipaddr.process(ip).range() === 'unicast'
}

export class AddressNotAllowedError extends Error {
  readonly code = 'EADDRNOTALLOWED'
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request that refuses a host when any address it resolves to is not public.
 * The connection then goes to exactly the addresses checked here, so DNS rebinding cannot slip a
 * private address in between the check and the connect.
 */
export function createSafeLookup (allowPrivate: boolean) {
  return function safeLookup (hostname: string, options: LookupOptions, callback: LookupCallback) {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address))
      if (refused) return callback(new AddressNotAllowedError(`address ${refused.address} of ${hostname} is not allowed`), [])
      if (options.all) return callback(null, addresses)
      const first = addresses[0]
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
      callback(null, first.address, first.family)
    })
  }
}

import dns from 'node:dns'
import type { LookupAddress, LookupOptions } from 'node:dns'
import ipaddr from 'ipaddr.js'

// IANA's global unicast space; anything outside it (::/8 IPv4-compatible forms, discard,
// deprecated site-local, segment routing…) is not a destination a customer webhook can have.
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')

function isPublicIPv4 (ip: ipaddr.IPv4): boolean {
  // ipaddr.js names every special-purpose IPv4 range (0/8, 127/8, RFC 1918, 169.254/16, 100.64/10,
  // multicast, broadcast, 240/4, 192.0.0/24 and the documentation/benchmark ranges); what is left is 'unicast'.
  return ip.range() === 'unicast'
}

function ipv4FromParts (high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff])
}

function isPublicIPv6 (ip: ipaddr.IPv6): boolean {
  const p = ip.parts
  switch (ip.range()) {
    case 'ipv4Mapped':
      return isPublicIPv4(ip.toIPv4Address())
    // Forms that embed an IPv4 address reach that IPv4 host, so they are only as public as it is.
    case '6to4':
      return isPublicIPv4(ipv4FromParts(p[1]!, p[2]!))
    case 'teredo':
      // Server address in bits 32-63, client address obfuscated (inverted) in the last 32 bits.
      return isPublicIPv4(ipv4FromParts(p[2]!, p[3]!)) && isPublicIPv4(ipv4FromParts(~p[6]! & 0xffff, ~p[7]! & 0xffff))
    case 'rfc6052':
      // Only the well-known NAT64 prefix 64:ff9b::/96; the local-use 64:ff9b:1::/48 is never public.
      return p[2] === 0 && isPublicIPv4(ipv4FromParts(p[6]!, p[7]!))
    case 'unicast':
      return ip.match(IPV6_GLOBAL_UNICAST)
    default:
      return false
  }
}

/** True only for a globally routable unicast address; anything unparsable is not public. */
export function isPublicAddress (ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false
  const addr = ipaddr.parse(ip)
  return addr.kind() === 'ipv4' ? isPublicIPv4(addr as ipaddr.IPv4) : isPublicIPv6(addr as ipaddr.IPv6)
}

export class AddressNotAllowedError extends Error {
  readonly code = 'EADDRNOTALLOWED'
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request that refuses a host when ANY address it resolves to is not public
 * (a name with one public and one private address could otherwise be steered to the private one).
 * Node connects to exactly the addresses returned here, so DNS rebinding between check and connect
 * is impossible. IP-literal hosts never reach a lookup: callers must check those themselves.
 */
export function createSafeLookup (allowPrivate: boolean) {
  return function safeLookup (hostname: string, options: LookupOptions, callback: LookupCallback): void {
    // RFC 6761: names under .invalid never resolve, and resolvers answer so without asking anyone
    // (npm start's demo key uses one: its deliveries fail here, no DNS query leaves the machine).
    if (/(^|\.)invalid\.?$/i.test(hostname)) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), [])
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address))
      if (refused) return callback(new AddressNotAllowedError(`address ${refused.address} of ${hostname} is not allowed`), [])
      const first = addresses[0]
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), [])
      if (options.all) return callback(null, addresses)
      callback(null, first.address, first.family)
    })
  }
}

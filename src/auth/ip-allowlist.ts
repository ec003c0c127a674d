import ipaddr from 'ipaddr.js'

/** True when the allowlist is empty (any address) or holds a CIDR that contains `ip`. */
export function ipAllowed (ip: string, allowlist: readonly string[]) {
  if (allowlist.length === 0) return true
  if (!ipaddr.isValid(ip)) return false
  const addr = ipaddr.process(ip) // IPv4-mapped IPv6 (::ffff:1.2.3.4) compares as IPv4
  return allowlist.some((cidr) => {
    const [range, bits] = ipaddr.parseCIDR(cidr)
    return addr.kind() === range.kind() && addr.match(range, bits)
  })
}

/** Normalises `1.2.3.4` or `10.0.0.0/8` to a CIDR string Postgres' cidr type accepts; throws on junk. */
export function toCidr (entry: string) {
  const trimmed = entry.trim()
  const [range, bits] = trimmed.includes('/') ? ipaddr.parseCIDR(trimmed) : [ipaddr.parse(trimmed), undefined]
  const prefix = bits ?? (range.kind() === 'ipv4' ? 32 : 128)
  const network = range.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${range.toString()}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${range.toString()}/${prefix}`)
  return `${network.toString()}/${prefix}`
}

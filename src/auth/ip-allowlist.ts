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

/**
 * Normalises `1.2.3.4`, `10.0.0.0/8` or an IPv6 address/CIDR to the network CIDR Postgres' cidr
 * type accepts. Strict: dotted-quad IPv4 only (ipaddr.js would also take `127.1`, hex and octal
 * forms, reading `010.1.1.1` as 8.1.1.1), and no IPv4-mapped IPv6, which could never match because
 * incoming mapped addresses are compared as IPv4. Throws with a message naming the entry.
 */
export function toCidr (entry: string) {
  const trimmed = entry.trim()
  const [addr = '', bits, ...rest] = trimmed.split('/')
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(addr)
  const v6 = !v4 && addr.includes(':') && ipaddr.IPv6.isValid(addr)
  const prefix = bits === undefined ? (v4 ? 32 : 128) : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN
  if ((!v4 && !v6) || rest.length > 0 || !(prefix >= 0 && prefix <= (v4 ? 32 : 128))) {
    throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR`)
  }
  if (v6 && ipaddr.IPv6.parse(addr).isIPv4MappedAddress()) throw new Error(`write ${JSON.stringify(entry)} in its IPv4 form`)
  const network = v4
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${prefix}`)
  return `${network.toString()}/${prefix}`
}

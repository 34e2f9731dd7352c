/**
 * IP allow-lists from addresses and CIDR blocks, on node's BlockList (IPv4, IPv6, IPv4-mapped IPv6).
 */
import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` -> `10.0.0.1`, so IPv4 rules match requests on dual-stack sockets. */
export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? ip;
}

/**
 * Returns a predicate that is true for addresses inside any of `entries` (`10.0.0.0/8`, `192.168.1.7`, `::1/128`).
 * Entries are assumed valid (the config schema checks them).
 */
export function createIpAllowList(entries: readonly string[]): (ip: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (ip) => {
    if (ip === undefined || ip === '') return false;
    const address = normaliseIp(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

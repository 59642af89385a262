// IPv4 text ⇄ unsigned 32-bit integer.

const OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** Parses dotted-quad text; returns null when it is not a canonical IPv4 address. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return null;
    v = v * 256 + Number(p);
  }
  return v;
}

/** Formats an unsigned 32-bit address as dotted-quad text. */
export function formatIPv4(ip: number): string {
  return `${(ip >>> 24) & 255}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** The netmask of a prefix length as an unsigned 32-bit integer. */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Whether `ip` lies inside `net/prefix`. */
export function inPrefix(ip: number, net: number, prefix: number): boolean {
  return ((ip & prefixMask(prefix)) >>> 0) === net;
}

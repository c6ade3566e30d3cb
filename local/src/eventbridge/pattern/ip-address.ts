import { isIPv6 } from 'node:net';
import { invalid } from './invalid-pattern';

/**
 * IP addresses. Ruler only treats strings shaped like these two expressions as
 * addresses (anything else is "Nonstandard"), then parses them like Java's
 * InetAddress, which turns IPv4-mapped IPv6 addresses into IPv4 ones.
 */
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** Address bytes; 'invalid' for address-shaped strings that are not addresses; undefined for other strings. */
export function ipBytes(text: string): Uint8Array | 'invalid' | undefined {
  if (IPV4_SHAPE.test(text)) {
    const octets = text.split('.').map(Number);
    return octets.every((o) => o <= 255) ? Uint8Array.from(octets) : 'invalid';
  }
  if (!IPV6_SHAPE.test(text)) return undefined;
  if (!isIPv6(text)) return 'invalid';
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

export function sameBytes(a: Uint8Array | 'invalid' | undefined, b: Uint8Array): boolean {
  return a instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export interface IpRange {
  min: Uint8Array;
  max: Uint8Array;
}

export function parseCidr(text: string): IpRange {
  // Java's String.split drops trailing empty strings, so "10.0.0.0/8/" has one slash as far as Ruler is concerned.
  const parts = text.split('/');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const [address = '', maskText = ''] = parts;
  if (parts.length !== 2) return invalid("Malformed CIDR, one '/' required");
  const mask = /^[+-]?\d+$/.test(maskText) ? Number(maskText) : NaN;
  if (!Number.isInteger(mask) || mask > 2 ** 31 - 1 || mask < -(2 ** 31))
    return invalid('Malformed CIDR, mask bits must be an integer');
  if (mask < 0) return invalid('Malformed CIDR, mask bits must not be negative');
  const bytes = ipBytes(address);
  if (bytes === undefined) return invalid(`Nonstandard IP address: ${address}`);
  if (bytes === 'invalid') return invalid(`Invalid IP address: ${address}`);
  // Ruler refuses a full-length mask (/32, /128); a single address is matched with a plain string instead.
  if (bytes.length === 4 && mask > 31) return invalid('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && mask > 127) return invalid('IPv6 mask bits must be < 128');
  const min = new Uint8Array(bytes.length);
  const max = new Uint8Array(bytes.length);
  bytes.forEach((byte, i) => {
    const fixedBits = Math.max(0, Math.min(8, mask - 8 * i));
    const hostMask = 0xff >> fixedBits;
    min[i] = byte & ~hostMask & 0xff;
    max[i] = byte | hostMask;
  });
  return { min, max };
}

export function inRange(bytes: Uint8Array | 'invalid' | undefined, range: IpRange): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length !== range.min.length) return false;
  const compare = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return compare(bytes, range.min) >= 0 && compare(bytes, range.max) <= 0;
}

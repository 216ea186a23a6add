/**
 * Host header parsing and normalisation. Pure.
 */
import { domainToASCII } from 'node:url';
import type { CanonicalHost } from './model.ts';

/** Result of {@link parseHostHeader}. */
export type ParsedHost =
  | { readonly ok: true; readonly host: CanonicalHost; readonly isIp: boolean }
  | { readonly ok: false; readonly reason: string };

/** Options of {@link parseHostHeader}. */
export interface HostOptions {
  /** Accept IPv4 / bracketed IPv6 literals (reported with `isIp`). */
  readonly allowIpHosts: boolean;
}

/** At least two lowercase LDH labels of 1-63 characters, no label starting or ending with `-`. */
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A numeric last label: an IP address in some notation, never a host name. */
const NUMERIC_TLD = /\.\d+$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_BRACKETED = /^\[[0-9a-f:.]{2,45}\]$/;
const DIGITS = /^\d{1,5}$/;
const ASCII_PRINTABLE = /^[\x21-\x7e]*$/;
/** Longest Host value accepted: a 253-char name plus `:65535`, with slack for a trailing dot. */
const MAX_RAW_LENGTH = 262;

function reject(reason: string): ParsedHost {
  return { ok: false, reason };
}

/**
 * Validates and normalises the Host header's values: exactly one value; lowercase; port and one
 * trailing dot removed; internationalised names converted to punycode; IP literals only when
 * allowed; anything else that is not a valid host name is rejected with a reason.
 *
 * @example
 * parseHostHeader(['Shop.Example.COM.:443'], { allowIpHosts: false })
 * // => { ok: true, host: 'shop.example.com', isIp: false }
 */
export function parseHostHeader(values: readonly string[] | undefined, options: HostOptions): ParsedHost {
  if (values === undefined || values.length === 0) return reject('missing Host header');
  if (values.length > 1) return reject('several Host headers');
  const raw = values[0] as string;
  if (raw.length === 0) return reject('empty Host header');
  if (raw.length > MAX_RAW_LENGTH * 4) return reject('Host header too long');

  let name = raw;
  if (!ASCII_PRINTABLE.test(name)) {
    // Unicode names (IDN) are converted below; control characters and spaces never are valid.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
    if (/[\x00-\x20\x7f]/.test(name)) return reject('Host header has control characters or spaces');
  }
  if (name.includes('@')) return reject('Host header has user info');

  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    if (end < 0) return reject('unterminated IPv6 literal');
    const rest = name.slice(end + 1);
    if (rest !== '' && !(rest.startsWith(':') && isPort(rest.slice(1)))) return reject('bad port');
    const literal = name.slice(0, end + 1).toLowerCase();
    if (!IPV6_BRACKETED.test(literal)) return reject('bad IPv6 literal');
    if (!options.allowIpHosts) return reject('IP literal hosts are not allowed');
    return { ok: true, host: literal as CanonicalHost, isIp: true };
  }

  const colon = name.indexOf(':');
  if (colon >= 0) {
    if (name.indexOf(':', colon + 1) >= 0) return reject('several colons in Host (unbracketed IPv6?)');
    if (!isPort(name.slice(colon + 1))) return reject('bad port');
    name = name.slice(0, colon);
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0) return reject('empty host name');

  if (ASCII_PRINTABLE.test(name)) name = name.toLowerCase();
  else {
    const ascii = domainToASCII(name);
    if (ascii === '') return reject('invalid internationalised host name');
    name = ascii;
  }
  if (name.length > 253) return reject('host name longer than 253 characters');

  if (IPV4.test(name)) {
    if (!options.allowIpHosts) return reject('IP literal hosts are not allowed');
    return { ok: true, host: name as CanonicalHost, isIp: true };
  }
  if (!HOSTNAME.test(name)) return reject('not a valid host name');
  if (NUMERIC_TLD.test(name)) return reject('numeric top-level label');
  return { ok: true, host: name as CanonicalHost, isIp: false };
}

function isPort(text: string): boolean {
  if (!DIGITS.test(text)) return false;
  const port = Number(text);
  return port >= 1 && port <= 65535;
}

/** Most raw Host values a {@link createHostParser} remembers before it starts over. */
export const HOST_MEMO_SIZE = 4096;

/**
 * A {@link parseHostHeader} bound to its options that remembers the result per raw Host value: a
 * container sees the same few hosts again and again, and a Map lookup is several times cheaper
 * than the validation. Bounded: when full it is cleared, so a flood of unique hosts costs memory
 * of at most {@link HOST_MEMO_SIZE} entries.
 */
export function createHostParser(
  options: HostOptions,
  maxEntries: number = HOST_MEMO_SIZE,
): (values: readonly string[] | undefined) => ParsedHost {
  const memo = new Map<string, ParsedHost>();
  return (values) => {
    if (values === undefined || values.length !== 1) return parseHostHeader(values, options);
    const raw = values[0] as string;
    let parsed = memo.get(raw);
    if (parsed === undefined) {
      parsed = parseHostHeader(values, options);
      if (memo.size >= maxEntries) memo.clear();
      memo.set(raw, parsed);
    }
    return parsed;
  };
}

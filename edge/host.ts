/**
 * Host header parsing and normalisation. Pure. Host names are processed as the WHATWG URL
 * standard's host parser does (UTS #46 with the pinned `tr46`, not the Node runtime's IDNA
 * tables, so the canonical form does not change with the runtime), then held to stricter rules
 * (LDH labels, at least two, at most 253 characters). See docs/routing.md#1-host.
 */

import { endsInANumber, parseIpv4NumberForm } from './ipv4-number-forms.ts';
import type { CanonicalHost } from './model.ts';
import { toASCII } from './uts46.cjs';

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
/** A label that claims to be punycode: it must decode to a valid IDNA label. */
const PUNYCODE_LABEL = /(?:^|\.)xn--/;
/**
 * The URL standard's domain-to-ASCII options (`beStrict` false): UTS #46 nontransitional
 * processing with the Bidi and ContextJ checks and punycode validation of every `xn--` label.
 * https://url.spec.whatwg.org/#concept-domain-to-ascii
 */
const URL_STANDARD_UTS46 = {
  checkHyphens: false,
  checkBidi: true,
  checkJoiners: true,
  useSTD3ASCIIRules: false,
  transitionalProcessing: false,
  verifyDNSLength: false,
  ignoreInvalidPunycode: false,
} as const;
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
    // The URL standard's IPv6 serialisation (compressed, lowercase); no IDNA tables involved.
    const url = `http://${literal}/`;
    if (!URL.canParse(url)) return reject('bad IPv6 literal');
    return { ok: true, host: new URL(url).hostname as CanonicalHost, isIp: true };
  }

  const colon = name.indexOf(':');
  if (colon >= 0) {
    if (name.indexOf(':', colon + 1) >= 0) return reject('several colons in Host (unbracketed IPv6?)');
    if (!isPort(name.slice(colon + 1))) return reject('bad port');
    name = name.slice(0, colon);
  }
  // One trailing dot is dropped; the IPv4 rules below still see it, as the URL standard does.
  let trailingDot = name.endsWith('.');
  if (trailingDot) name = name.slice(0, -1);
  if (name.length === 0) return reject('empty host name');

  // ASCII without punycode labels: UTS #46 maps only upper to lower case there, and the LDH check
  // below refuses every ASCII character it would keep but a host name must not have.
  const ascii = ASCII_PRINTABLE.test(name);
  if (ascii) name = name.toLowerCase();
  if (!ascii || PUNYCODE_LABEL.test(name)) {
    const processed = toASCII(name, URL_STANDARD_UTS46);
    if (processed === null) return reject('invalid internationalised host name');
    name = processed;
    // Mapping may produce a trailing dot (U+3002 and other full stops); one is dropped as above.
    if (!trailingDot && name.endsWith('.')) {
      trailingDot = true;
      name = name.slice(0, -1);
    }
  }
  // What the URL standard reads as an IPv4 address (`0x7f.1`, `0177.0.0.1`, `127.1`) is one here,
  // in its dotted-decimal form, or is refused when it is not a valid one.
  const dotted = trailingDot ? `${name}.` : name;
  if (endsInANumber(dotted)) {
    const ip = parseIpv4NumberForm(dotted);
    if (!ip.ok) return reject(ip.reason);
    if (!options.allowIpHosts) return reject('IP literal hosts are not allowed');
    return { ok: true, host: ip.address as CanonicalHost, isIp: true };
  }
  if (name.length > 253) return reject('host name longer than 253 characters');
  if (!HOSTNAME.test(name)) return reject('not a valid host name');
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

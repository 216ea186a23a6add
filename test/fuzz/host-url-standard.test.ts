/**
 * The Host parser against the WHATWG URL standard (whatwg-url, the reference implementation, on the
 * same pinned tr46): on generated hosts — Unicode, punycode (valid and not), full stops that are not
 * ASCII, IPv4 number forms — whatever the parser accepts is exactly the host the URL standard gives,
 * and whatever the URL standard refuses, the parser refuses. The parser may refuse more, only for
 * the documented differences (docs/routing.md#1-host).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { URL as WhatwgURL } from 'whatwg-url';
import { parseHostHeader } from '../../edge/host.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';

const lenient = { allowIpHosts: true };
const strict = { allowIpHosts: false };
const LDH_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The URL standard's host for `raw` as the authority of an http URL, one trailing dot dropped. */
function urlStandardHost(raw: string): string | undefined {
  try {
    const host = new WhatwgURL(`http://${raw}/`).hostname;
    return host.endsWith('.') ? host.slice(0, -1) : host;
  } catch {
    return undefined;
  }
}

/**
 * The documented ways the parser is stricter than the URL standard: it refuses a Host with
 * percent signs (the URL standard decodes them), control characters or spaces (the URL standard
 * strips some), and any name that is not two or more LDH labels within 253 characters.
 */
function documentedStricter(raw: string, standard: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
  if (/[%\x00-\x20\x7f]/.test(raw)) return true;
  return standard.length > 253 || !LDH_NAME.test(standard);
}

const pieces = fc.constantFrom(
  'a',
  'z',
  'A',
  'Z',
  '0',
  '7',
  '9',
  '-',
  '_',
  'x',
  'n',
  'xn--',
  'XN--',
  '0x',
  '0X',
  'f',
  'F',
  'ü',
  'ß',
  'ς',
  'é',
  'e\u0301',
  '\u0301',
  'ı',
  'İ',
  'ﬀ',
  'ℌ',
  'ｅ',
  'Ａ',
  '１',
  '０',
  'ｘ',
  '\u3002',
  '\uff0e',
  '\uff61',
  '\u200c',
  '\u200d',
  '\u00ad',
  '\u2060',
  '\u0627',
  '\u05d0',
  '\u0661',
  '\u0430',
  '\u03bf',
  '\u4e2d',
  '\u{1f600}',
  '\u2488',
  '\u2024',
  '%',
  '%41',
  '*',
  '!',
  '~',
);
const label = fc.array(pieces, { minLength: 0, maxLength: 8 }).map((parts) => parts.join(''));
const punycodeLabel = fc.stringMatching(/^[a-z0-9-]{0,12}$/).map((rest) => `xn--${rest}`);
const numberPart = fc.oneof(
  fc.nat(300).map(String),
  fc.nat(0xffff).map((n) => `0x${n.toString(16)}`),
  fc.nat(0o777).map((n) => `0${n.toString(8)}`),
  fc.constantFrom('0x', '0X', '08', '09', '0xg', '00', '4294967295', '4294967296', ''),
);
const host = fc.oneof(
  fc
    .array(fc.oneof(label, punycodeLabel, numberPart), { minLength: 1, maxLength: 5 })
    .map((l) => l.join('.')),
  fc.array(numberPart, { minLength: 1, maxLength: 5 }).map((l) => l.join('.')),
  fc.tuple(fc.domain(), fc.boolean()).map(([d, dot]) => (dot ? `${d}.` : d)),
  fc.tuple(punycodeLabel, fc.domain()).map(([p, d]) => `${p}.${d}`),
);
// The authority's own delimiters would make the URL parse something other than a host.
const hostOnly = host.filter((h) => h !== '' && !/[:@/?#\\[\]]/.test(h));

describe('parseHostHeader against the WHATWG URL standard', () => {
  it(
    'accepts only what the URL standard accepts, as the same canonical host',
    () => {
      fc.assert(
        fc.property(hostOnly, (raw) => {
          const ours = parseHostHeader([raw], lenient);
          const standard = urlStandardHost(raw);
          if (standard === undefined) {
            expect(ours.ok, `${JSON.stringify(raw)} is invalid for the URL standard`).toBe(false);
            return;
          }
          if (ours.ok) expect(ours.host).toBe(standard);
          else expect(documentedStricter(raw, standard), `${JSON.stringify(raw)}: ${ours.reason}`).toBe(true);
        }),
        fuzzParameters(2),
      );
    },
    fuzzTimeoutMs(2),
  );

  it(
    'treats as an IP literal exactly what the URL standard reads as IPv4, in its dotted form',
    () => {
      fc.assert(
        fc.property(fc.array(numberPart, { minLength: 1, maxLength: 5 }), fc.boolean(), (parts, dot) => {
          const raw = `${parts.join('.')}${dot ? '.' : ''}`;
          const standard = urlStandardHost(raw);
          const ours = parseHostHeader([raw], lenient);
          const isIpv4 = standard !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(standard);
          if (isIpv4) {
            expect(ours).toEqual({ ok: true, host: standard, isIp: true });
            // ...and refused as one when IP hosts are not allowed, never routed as a name.
            expect(parseHostHeader([raw], strict)).toEqual({
              ok: false,
              reason: 'IP literal hosts are not allowed',
            });
          } else if (ours.ok) expect(ours.isIp).toBe(false);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'validates every xn-- label: one the URL standard refuses never reaches the router',
    () => {
      fc.assert(
        fc.property(punycodeLabel, fc.domain(), (puny, parent) => {
          const raw = `${puny}.${parent}`;
          if (urlStandardHost(raw) === undefined) expect(parseHostHeader([raw], lenient).ok).toBe(false);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );
});

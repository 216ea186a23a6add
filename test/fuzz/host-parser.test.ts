import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHostHeader } from '../../edge/host.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';
import { homoglyphHost, hostValue } from './hostile-requests.ts';

const strict = { allowIpHosts: false };
const lenient = { allowIpHosts: true };
const anyText = fc.oneof(hostValue, fc.string({ unit: 'binary', maxLength: 300 }));
const CANONICAL_NAME = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$/;
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/;

describe('parseHostHeader under hostile input', () => {
  it(
    'never throws, and every accepted host is canonical',
    () => {
      fc.assert(
        fc.property(fc.array(anyText, { maxLength: 3 }), fc.boolean(), (values, allowIp) => {
          const parsed = parseHostHeader(values, allowIp ? lenient : strict);
          if (!parsed.ok) {
            expect(parsed.reason).toMatch(/\S/);
            return;
          }
          expect(values).toHaveLength(1);
          const host = parsed.host;
          expect(host.length).toBeLessThanOrEqual(253);
          if (parsed.isIp) {
            expect(allowIp).toBe(true);
            expect(host).toMatch(/^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/);
          } else {
            expect(host).toMatch(CANONICAL_NAME);
            expect(host).not.toMatch(/(?:^|\.)-|-(?:\.|$)/);
            expect(host).not.toMatch(/\.\d+$/);
          }
        }),
        fuzzParameters(2),
      );
    },
    fuzzTimeoutMs(2),
  );

  it(
    'is idempotent: a canonical host parses to itself',
    () => {
      fc.assert(
        fc.property(hostValue, (value) => {
          const first = parseHostHeader([value], lenient);
          if (!first.ok) return;
          const again = parseHostHeader([first.host], lenient);
          expect(again).toEqual(first);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'ignores case, one trailing dot and a valid port',
    () => {
      fc.assert(
        fc.property(fc.domain(), fc.integer({ min: 1, max: 65535 }), fc.boolean(), (domain, port, dot) => {
          const plain = parseHostHeader([domain], strict);
          const decorated = parseHostHeader([`${domain.toUpperCase()}${dot ? '.' : ''}:${port}`], strict);
          expect(decorated).toEqual(plain);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'refuses any value with a control character, space, user info or a second Host header',
    () => {
      const poisoned = fc
        .tuple(
          fc.domain(),
          fc.constantFrom('\r\n', '\n', '\r', '\u0000', ' ', '\t', '\u007f', '@', 'user@'),
          fc.nat(),
        )
        .map(([domain, bad, at]) => {
          const i = at % (domain.length + 1);
          return domain.slice(0, i) + bad + domain.slice(i);
        });
      fc.assert(
        fc.property(poisoned, fc.domain(), (value, other) => {
          expect(parseHostHeader([value], lenient).ok).toBe(false);
          expect(parseHostHeader([other, other], lenient).ok).toBe(false);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'never maps a homoglyph of a known host onto that host',
    () => {
      fc.assert(
        fc.property(homoglyphHost, ({ original, spoofed }) => {
          const parsed = parseHostHeader([spoofed], strict);
          if (parsed.ok) {
            expect(parsed.host).not.toBe(original);
            expect(parsed.host).toMatch(/(?:^|\.)xn--/);
          }
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it('refuses IPv6 literals unless IP hosts are allowed', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        expect(parseHostHeader([`[${ip}]`], strict).ok).toBe(false);
        const lenientResult = parseHostHeader([`[${ip}]`], lenient);
        if (lenientResult.ok) expect(lenientResult.host).toMatch(BRACKETED_IPV6);
      }),
      fuzzParameters(0.5),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHostParser, parseHostHeader } from '../../edge/host.ts';

const strict = { allowIpHosts: false };

describe('parseHostHeader', () => {
  it.each([
    ['shop.acme.com', 'shop.acme.com'],
    ['Shop.ACME.com', 'shop.acme.com'],
    ['shop.acme.com:443', 'shop.acme.com'],
    ['shop.acme.com.', 'shop.acme.com'],
    ['SHOP.acme.com.:8443', 'shop.acme.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['ÄPFEL.example.com', 'xn--pfel-koa.example.com'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['XN--BCHER-KVA.Example', 'xn--bcher-kva.example'],
    ['ｓｈｏｐ.acme.com', 'shop.acme.com'],
    ['shop\u3002acme\u3002com', 'shop.acme.com'],
    ['shop.acme.com\u3002', 'shop.acme.com'],
    ['faß.example', 'xn--fa-hia.example'],
    ['a-b.c-d.example', 'a-b.c-d.example'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(parseHostHeader([raw], strict)).toEqual({ ok: true, host: expected, isIp: false });
  });

  it.each([
    [undefined, 'missing Host header'],
    [[], 'missing Host header'],
    [['a.example', 'b.example'], 'several Host headers'],
    [[''], 'empty Host header'],
    [['.'], 'empty host name'],
    [['localhost'], 'not a valid host name'],
    [['-bad.example.com'], 'not a valid host name'],
    [['bad-.example.com'], 'not a valid host name'],
    [['under_score.example.com'], 'not a valid host name'],
    [['a..example.com'], 'not a valid host name'],
    [['shop.acme.com:0'], 'bad port'],
    [['shop.acme.com:65536'], 'bad port'],
    [['shop.acme.com:'], 'bad port'],
    [['shop.acme.com:80:80'], 'several colons in Host (unbracketed IPv6?)'],
    [['user@shop.acme.com'], 'Host header has user info'],
    [['shop.acme.com\r\nx-evil: 1'], 'Host header has control characters or spaces'],
    [['shop acme.com'], 'Host header has control characters or spaces'],
    [['10.0.0.1'], 'IP literal hosts are not allowed'],
    [['[::1]:8080'], 'IP literal hosts are not allowed'],
    [['1.2.3.999'], 'IPv4 address out of range'],
    [['shop.123'], 'IPv4 address with a part that is not a number'],
    [['shop.0x1f'], 'IPv4 address with a part that is not a number'],
    [['0x7f.1'], 'IP literal hosts are not allowed'],
    [['0177.0.0.1'], 'IP literal hosts are not allowed'],
    [['2130706433'], 'IP literal hosts are not allowed'],
    [['127.1'], 'IP literal hosts are not allowed'],
    [['xn--1ug.wild.example.net'], 'invalid internationalised host name'],
    [['xn--.example.com'], 'invalid internationalised host name'],
    [['xn--a.example.com'], 'invalid internationalised host name'],
    [['shop.xn--zz-.example'], 'invalid internationalised host name'],
    [['a\u200db.example.com'], 'invalid internationalised host name'],
    [[`${'a'.repeat(64)}.example.com`], 'not a valid host name'],
    [[`${'a.'.repeat(127)}com`], 'host name longer than 253 characters'],
  ])('rejects %j (%s)', (values, reason) => {
    expect(parseHostHeader(values as string[] | undefined, strict)).toEqual({ ok: false, reason });
  });

  it('accepts IP literals only when allowed, flagged as IPs', () => {
    const loose = { allowIpHosts: true };
    expect(parseHostHeader(['10.0.0.1:80'], loose)).toEqual({ ok: true, host: '10.0.0.1', isIp: true });
    expect(parseHostHeader(['[::1]:8080'], loose)).toEqual({ ok: true, host: '[::1]', isIp: true });
  });

  it.each([
    ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['1.0x7f', '1.0.0.127'],
    ['１２７.０.０.１', '127.0.0.1'],
    ['[0:0::1]', '[::1]'],
    ['[FE80::1]', '[fe80::1]'],
  ])('reads the URL standard IP form %j as %j', (raw, host) => {
    expect(parseHostHeader([raw], { allowIpHosts: true })).toEqual({ ok: true, host, isIp: true });
  });

  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
  const hostname = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[a-z]{2,10}$/))
    .map(([labels, tld]) => [...labels, tld].join('.'));

  it('accepts every valid lowercase host name unchanged (property)', () => {
    fc.assert(
      fc.property(hostname, (host) => {
        expect(parseHostHeader([host], strict)).toEqual({ ok: true, host, isIp: false });
      }),
    );
  });

  it('ignores case, port and one trailing dot (property)', () => {
    fc.assert(
      fc.property(hostname, fc.integer({ min: 1, max: 65535 }), fc.boolean(), (host, port, dot) => {
        const raw = `${host.toUpperCase()}${dot ? '.' : ''}:${port}`;
        expect(parseHostHeader([raw], strict)).toEqual({ ok: true, host, isIp: false });
      }),
    );
  });

  it('only ever returns canonical names: lowercase ASCII LDH, at most 253 chars (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (raw) => {
        const parsed = parseHostHeader([raw], strict);
        if (parsed.ok) {
          expect(parsed.host).toMatch(/^[a-z0-9.-]+$/);
          expect(parsed.host.length).toBeLessThanOrEqual(253);
          expect(parseHostHeader([parsed.host], strict)).toEqual(parsed);
        } else expect(parsed.reason).not.toBe('');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('createHostParser', () => {
  it('answers like parseHostHeader, from memory the second time', () => {
    const parse = createHostParser(strict, 2);
    for (const raw of [
      'Shop.Acme.com:443',
      'bad_host',
      'shop.acme.com',
      'Shop.Acme.com:443',
      'x.example.org',
    ]) {
      expect(parse([raw])).toEqual(parseHostHeader([raw], strict));
    }
  });

  it('never memoises several or missing Host values', () => {
    const parse = createHostParser(strict);
    expect(parse(['a.example.com', 'b.example.com'])).toEqual({ ok: false, reason: 'several Host headers' });
    expect(parse(undefined)).toEqual({ ok: false, reason: 'missing Host header' });
  });
});

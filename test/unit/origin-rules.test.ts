import { describe, expect, it } from 'vitest';
import type { Origin } from '../../edge/model.ts';
import {
  allowedSuffixProblem,
  isAllowedOrigin,
  isAllowedOriginDomain,
  isValidOriginPath,
  isValidOriginPort,
  parseOrigin,
} from '../../edge/origin-rules.ts';

describe('isAllowedOriginDomain', () => {
  const suffixes = ['.origin.example.com', 'assets.s3.eu-west-1.amazonaws.com'];
  it.each([
    ['pool.us-east-1.origin.example.com', true],
    ['origin.example.com', false],
    ['evilorigin.example.com', false],
    ['origin.example.com.attacker.net', false],
    ['assets.s3.eu-west-1.amazonaws.com', true],
    ['sub.assets.s3.eu-west-1.amazonaws.com', false], // AWS names only exactly: anyone can make that bucket
    ['other.s3.eu-west-1.amazonaws.com', false],
  ])('%j allowed: %s', (domain, allowed) => {
    expect(isAllowedOriginDomain(domain, suffixes)).toBe(allowed);
  });
});

describe('origin field rules', () => {
  it.each([
    [80, true],
    [443, true],
    [1024, true],
    [65535, true],
    [22, false],
    [1023, false],
    [65536, false],
    [443.5, false],
  ])('port %d valid: %s', (port, valid) => {
    expect(isValidOriginPort(port)).toBe(valid);
  });

  it.each([
    ['', true],
    ['/a', true],
    ['/a/b-c_d', true],
    ['/', false],
    ['/a/', false],
    ['a', false],
    ['/a b', false],
    [`/${'a'.repeat(255)}`, false],
  ])('path %j valid: %s', (path, valid) => {
    expect(isValidOriginPath(path)).toBe(valid);
  });
});

describe('parseOrigin', () => {
  it('fills custom-origin defaults', () => {
    expect(parseOrigin({ domainName: 'a.origin.example.com' })).toEqual({
      ok: true,
      origin: { type: 'custom', domainName: 'a.origin.example.com', protocol: 'https', port: 443, path: '' },
    });
    expect(parseOrigin({ domainName: 'a.origin.example.com', protocol: 'http' })).toMatchObject({
      origin: { port: 80 },
    });
  });

  it('reads an S3 origin with its region', () => {
    expect(
      parseOrigin({ type: 's3', domainName: 'bkt.s3.eu-west-1.amazonaws.com', region: 'eu-west-1' }),
    ).toEqual({
      ok: true,
      origin: { type: 's3', domainName: 'bkt.s3.eu-west-1.amazonaws.com', path: '', region: 'eu-west-1' },
    });
  });

  it.each([
    [null, 'origin must be an object'],
    [{ domainName: 'UPPER.example.com' }, 'domainName'],
    [{ domainName: 'a.example.com', port: 8 }, 'port'],
    [{ domainName: 'a.example.com', protocol: 'ftp' }, 'protocol'],
    [{ domainName: 'a.example.com', path: '/x/' }, 'path'],
    [{ domainName: 'a.example.com', type: 'lambda' }, 'type'],
    [{ domainName: 'a.example.com', type: 's3' }, 'region'],
  ])('rejects %j', (value, problem) => {
    const parsed = parseOrigin(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(problem);
  });
});

describe('isAllowedOrigin', () => {
  const suffixes = ['.origin.example.com', 'assets.s3.eu-west-1.amazonaws.com'];
  const custom = (domainName: string, protocol: 'http' | 'https') =>
    ({ type: 'custom', domainName, protocol, port: protocol === 'https' ? 443 : 80, path: '' }) as const;

  it.each([
    [custom('a.origin.example.com', 'http'), true],
    [custom('assets.s3.eu-west-1.amazonaws.com', 'https'), true],
    [custom('assets.s3.eu-west-1.amazonaws.com', 'http'), false],
    [
      { type: 's3', domainName: 'assets.s3.eu-west-1.amazonaws.com', path: '', region: 'eu-west-1' } as const,
      true,
    ],
    [
      { type: 's3', domainName: 'evil.s3.eu-west-1.amazonaws.com', path: '', region: 'eu-west-1' } as const,
      false,
    ],
  ])('%j allowed: %s', (origin, allowed) => {
    expect(isAllowedOrigin(origin as Origin, suffixes)).toBe(allowed);
  });

  it.each([
    ['.s3.eu-west-1.amazonaws.com', true],
    ['.amazonaws.com', true],
    ['.amazonaws.com.cn', true],
    ['assets.s3.eu-west-1.amazonaws.com', false],
    ['.origin.example.com', false],
  ])('sees a problem in the allowed suffix %j: %s', (suffix, problem) => {
    expect(allowedSuffixProblem(suffix) !== undefined).toBe(problem);
  });

  it.each([
    ['a.b.s3.eu-west-1.amazonaws.com', 'no dots in the bucket name'],
    ['bkt.s3-website-eu-west-1.amazonaws.com', 'no dots in the bucket name'],
    ['bkt.s3.amazonaws.com', 'no dots in the bucket name'],
    ['bkt.example.com', 'no dots in the bucket name'],
  ])('refuses the S3 origin %j (%s)', (domainName, problem) => {
    const parsed = parseOrigin({ type: 's3', domainName, region: 'eu-west-1' });
    expect(parsed).toEqual({ ok: false, problem: expect.stringContaining(problem) });
  });

  it('refuses an AWS endpoint over plain HTTP', () => {
    expect(parseOrigin({ domainName: 'bkt.s3.eu-west-1.amazonaws.com', protocol: 'http' })).toEqual({
      ok: false,
      problem: 'origin.protocol must be https for an AWS endpoint (an S3 bucket)',
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { DomainRecord, TenantId } from '../../edge/model.ts';
import { platformTenantOf, tenantForPath, wildcardOf } from '../../edge/resolve-tenant.ts';

const platforms = ['app.example.com', 'sites.example.net'];
const id = (s: string) => s as TenantId;

describe('platformTenantOf', () => {
  it.each([
    ['acme.app.example.com', 'acme'],
    ['globex.sites.example.net', 'globex'],
    ['a1-b2.app.example.com', 'a1-b2'],
  ])('resolves %j to tenant %j by convention', (host, tenant) => {
    expect(platformTenantOf(host, platforms)).toBe(tenant);
  });

  it.each([
    ['app.example.com', 'the platform domain itself'],
    ['shop.acme.app.example.com', 'a deeper subdomain'],
    ['acmeapp.example.com', 'a look-alike without the dot boundary'],
    ['acme.example.com', 'another domain'],
    ['xn--.app.example.com', 'a label that is not a tenant id'],
  ])('does not resolve %j (%s)', (host) => {
    expect(platformTenantOf(host, platforms)).toBeUndefined();
  });
});

describe('wildcardOf', () => {
  it('covers exactly one level', () => {
    expect(wildcardOf('shop.acme.example.net')).toBe('*.acme.example.net');
    expect(wildcardOf('acme.example.net')).toBe('*.example.net');
  });
  it('never produces a wildcard over a top-level domain', () => {
    expect(wildcardOf('example.net')).toBeUndefined();
  });
});

describe('tenantForPath', () => {
  const domain: DomainRecord = {
    host: 'shared.example.com',
    tenantId: id('default'),
    paths: new Map([
      ['/shop', id('shop')],
      ['/shop/eu', id('shop-eu')],
      ['/blog/', id('blog')],
    ]),
  };

  it.each([
    ['/', 'default'],
    ['/shop', 'shop'],
    ['/shop/cart', 'shop'],
    ['/shop/eu', 'shop-eu'],
    ['/shop/eu/cart', 'shop-eu'],
    ['/shopping', 'default'],
    ['/shop/europe', 'shop'],
    ['/blog/post', 'blog'],
    ['/blog', 'blog'], // a trailing '/' in a prefix is insignificant: '/blog/' is '/blog'
  ])('sends %j to %j (longest prefix on a segment boundary)', (uri, tenant) => {
    expect(tenantForPath(domain, { path: uri, matchPath: uri })).toBe(tenant);
  });

  it('uses the domain tenant when there is no path split', () => {
    const at = { path: '/x;y', matchPath: '/x' };
    expect(tenantForPath({ tenantId: id('a') }, at)).toBe('a');
  });

  it.each([
    ['/shop/cart;v=1', '/shop/cart', 'shop'],
    ['/shop/eu/x;lang=fr', '/shop/eu/x', 'shop-eu'],
  ])('matches %j like %j when its parameters change nothing (%s)', (path, matchPath, tenant) => {
    expect(tenantForPath(domain, { path, matchPath })).toBe(tenant);
  });

  it.each([
    ['/shop;v=1', '/shop'],
    ['/shop;v=1/cart', '/shop/cart'],
    ['/shop/eu;x/cart', '/shop/eu/cart'],
  ])('refuses %j: without its parameters (%j) it belongs to another tenant', (path, matchPath) => {
    expect(tenantForPath(domain, { path, matchPath })).toBeUndefined();
  });
});

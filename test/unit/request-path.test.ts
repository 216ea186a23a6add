import { describe, expect, it } from 'vitest';
import { normaliseRequestPath } from '../../edge/request-path.ts';

const reject = { encodedSlashes: 'reject' } as const;
const preserve = { encodedSlashes: 'preserve' } as const;

// The table of docs/routing.md#path: each rule with an example.
describe('normaliseRequestPath', () => {
  it.each([
    ['/shop/cart', '/shop/cart', '/shop/cart'],
    ['/api/../admin', '/admin', '/admin'],
    ['/a/./b/../c', '/a/c', '/a/c'],
    ['/../../etc/passwd', '/etc/passwd', '/etc/passwd'],
    ['/a/b/..', '/a/', '/a/'],
    ['/%61pi/x', '/api/x', '/api/x'],
    ['/%2e%2E/admin', '/admin', '/admin'],
    ['/caf%c3%a9', '/caf%C3%A9', '/caf%C3%A9'],
    ['/a%3bb', '/a%3Bb', '/a%3Bb'],
    ['/api//x', '/api/x', '/api/x'],
    ['//api/x', '/api/x', '/api/x'],
    ['/api;jsessionid=1/x', '/api;jsessionid=1/x', '/api/x'],
    ['/API/x', '/API/x', '/API/x'],
    ['/api/', '/api/', '/api/'],
    ['/a/...', '/a/...', '/a/...'],
  ])('reads %j as %j (matched as %j)', (uri, path, matchPath) => {
    expect(normaliseRequestPath(uri, reject)).toEqual({ ok: true, path, matchPath });
  });

  it.each([
    ['api', "path does not start with '/'"],
    ['/a%2Fb', 'path has an encoded slash (%2F or %5C)'],
    ['/a%5cb', 'path has an encoded slash (%2F or %5C)'],
    ['/a\\b', 'path has a backslash'],
    ['/%zz', 'path has a malformed percent-encoding'],
    ['/a%2', 'path has a malformed percent-encoding'],
    ['/..;/admin', 'path has a dot segment or an empty segment with parameters'],
    ['/;x/admin', 'path has a dot segment or an empty segment with parameters'],
    ['/a b', 'path has spaces, control or non-ASCII characters'],
    ['/caf\u00e9', 'path has spaces, control or non-ASCII characters'],
    [`/${'a'.repeat(8192)}`, 'path longer than 8192 characters'],
  ])('refuses %j: %s', (uri, reason) => {
    expect(normaliseRequestPath(uri, reject)).toEqual({ ok: false, reason });
  });

  it('keeps an encoded slash as data when told to preserve it, unless it hides a dot segment', () => {
    expect(normaliseRequestPath('/group%2fproject/x', preserve)).toEqual({
      ok: true,
      path: '/group%2Fproject/x',
      matchPath: '/group%2Fproject/x',
    });
    expect(normaliseRequestPath('/a%2F..%2Fadmin', preserve)).toEqual({
      ok: false,
      reason: 'path has a dot segment behind an encoded slash',
    });
  });
});

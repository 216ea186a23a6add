/**
 * "The origin sees exactly what was routed": for every generated path, the path forwarded is in
 * normal form, and origins that read paths in each of the usual ways (RFC 3986 normalisation,
 * nginx-style decoding and slash merging, servlet-style `;` parameter stripping, Windows-style
 * backslashes) all resolve it to the prefix the router chose, and never out of an origin path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainRecord, TenantId } from '../../edge/model.ts';
import { type EncodedSlashPolicy, normaliseRequestPath } from '../../edge/request-path.ts';
import { tenantForPath } from '../../edge/resolve-tenant.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';
import { trickyPath } from './hostile-requests.ts';

const PREFIXES = ['/api', '/api/v2', '/shop', '/a'];
/** One host split between tenants by path prefix: each prefix's tenant is named after it. */
const SPLIT: DomainRecord = {
  host: 'shared.example.com',
  tenantId: 'rest' as TenantId,
  paths: new Map(PREFIXES.map((p) => [p, p as TenantId])),
};

/** RFC 3986 section 5.2.4, as written: the reference implementation, not the router's. */
function removeDotSegments(input: string): string {
  let rest = input;
  let out = '';
  while (rest !== '') {
    if (rest.startsWith('../')) rest = rest.slice(3);
    else if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('/./')) rest = rest.slice(2);
    else if (rest === '/.') rest = '/';
    else if (rest.startsWith('/../')) {
      rest = rest.slice(3);
      out = out.slice(0, Math.max(0, out.lastIndexOf('/')));
    } else if (rest === '/..') {
      rest = '/';
      out = out.slice(0, Math.max(0, out.lastIndexOf('/')));
    } else if (rest === '.' || rest === '..') rest = '';
    else {
      const next = rest.indexOf('/', 1);
      const end = next < 0 ? rest.length : next;
      out += rest.slice(0, end);
      rest = rest.slice(end);
    }
  }
  return out;
}

const decodeUnreserved = (p: string) =>
  p.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : encoded;
  });
const decodeAll = (p: string) => {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
};

/** How some origins read a path (the query is not part of it). */
const ORIGIN_READINGS: Record<string, (path: string) => string> = {
  rfc3986: (p) => removeDotSegments(decodeUnreserved(p)),
  nginx: (p) => removeDotSegments(decodeAll(p).replace(/\/{2,}/g, '/')),
  servlet: (p) => removeDotSegments(decodeAll(p.replace(/;[^/]*/g, '')).replace(/\/{2,}/g, '/')),
  windows: (p) =>
    removeDotSegments(
      decodeAll(p)
        .replaceAll('\\', '/')
        .replace(/\/{2,}/g, '/'),
    ),
};
/** Readings that decode `%2F` into a separator: they disagree with `preserve` by design. */
const DECODES_SLASHES = new Set(['nginx', 'servlet', 'windows']);

/** The prefix an origin's reading of a path falls under (an independent longest-prefix match). */
function prefixOf(path: string): string {
  let best = 'rest';
  for (const prefix of PREFIXES) {
    if (
      (path === prefix || path.startsWith(`${prefix}/`)) &&
      (best === 'rest' || prefix.length > best.length)
    )
      best = prefix;
  }
  return best;
}

const policies: EncodedSlashPolicy[] = ['reject', 'preserve'];
const paths = fc.oneof(
  trickyPath(['api', 'v2', 'shop', 'a', 'admin']),
  fc.webPath().map((p) => `/${p}`),
);

describe.each(policies)('normaliseRequestPath, encoded slashes %s', (encodedSlashes) => {
  const options = { encodedSlashes };

  it(
    'forwards a normal form: normalising it again changes nothing',
    () => {
      fc.assert(
        fc.property(paths, (uri) => {
          const first = normaliseRequestPath(uri, options);
          if (!first.ok) return;
          expect(normaliseRequestPath(first.path, options)).toEqual(first);
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'every origin reading of the forwarded path lands on the prefix the router matched',
    () => {
      fc.assert(
        fc.property(paths, (uri) => {
          const normal = normaliseRequestPath(uri, options);
          if (!normal.ok) return;
          // The router's own choice (undefined: refused as ambiguous, a 400, nothing forwarded).
          const routed = tenantForPath(SPLIT, normal);
          if (routed === undefined) return;
          for (const [name, read] of Object.entries(ORIGIN_READINGS)) {
            if (encodedSlashes === 'preserve' && DECODES_SLASHES.has(name) && /%2F|%5C/.test(normal.path))
              continue;
            expect(prefixOf(read(normal.path)), `${name} reads ${normal.path}`).toBe(routed);
          }
        }),
        fuzzParameters(2),
      );
    },
    fuzzTimeoutMs(2),
  );

  it(
    'never lets an origin read the forwarded path outside a dedicated origin path',
    () => {
      fc.assert(
        fc.property(paths, fc.constantFrom('/tenant-a', '/t/a'), (uri, originPath) => {
          const normal = normaliseRequestPath(uri, options);
          if (!normal.ok) return;
          // CloudFront prepends the origin path to the path the function returns.
          const sent = `${originPath}${normal.path}`;
          for (const [name, read] of Object.entries(ORIGIN_READINGS)) {
            if (encodedSlashes === 'preserve' && DECODES_SLASHES.has(name) && /%2F|%5C/.test(normal.path))
              continue;
            const seen = read(sent);
            expect(seen === originPath || seen.startsWith(`${originPath}/`), `${name} reads ${seen}`).toBe(
              true,
            );
          }
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );
});

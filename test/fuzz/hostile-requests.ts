/**
 * fast-check arbitraries of hostile viewer requests as CloudFront would hand them to the
 * origin-request function: Host values (unicode, homoglyphs, CRLF, user info, ports, long labels,
 * several Host headers), header sets with spoofed router headers, URIs and query strings.
 */
import type { CloudFrontHeaders, CloudFrontRequestEvent } from 'aws-lambda';
import fc from 'fast-check';
import { anOriginRequestEvent } from '../../scripts/lib/origin-request-event.ts';
import { DISALLOWED_HEADER_PREFIXES, DISALLOWED_HEADERS } from '../../scripts/local-edge/cloudfront-rules.ts';
import { FUZZ_SECRET_HEADER, KNOWN_HOSTS, KNOWN_URIS, ROUTABLE_HOSTS } from './fuzz-tenants.ts';

/**
 * Latin letters and look-alikes from other scripts (Cyrillic, Greek, Armenian). None of these is
 * mapped to ASCII by IDNA, so a host using one must never be treated as the original.
 */
export const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430', '\u03b1'],
  c: ['\u0441', '\u03f2'],
  e: ['\u0435'],
  h: ['\u04bb', '\u0570'],
  i: ['\u0456', '\u0131', '\u03b9'],
  j: ['\u0458'],
  m: ['\u043c'],
  n: ['\u0578'],
  o: ['\u043e', '\u03bf', '\u0585'],
  p: ['\u0440', '\u03c1'],
  s: ['\u0455'],
  x: ['\u0445', '\u03c7'],
  y: ['\u0443'],
};

/** A known host with at least one letter replaced by a look-alike from another script. */
export const homoglyphHost: fc.Arbitrary<{ original: string; spoofed: string }> = fc
  .constantFrom(...KNOWN_HOSTS.filter((h) => [...h].some((ch) => HOMOGLYPHS[ch] !== undefined)))
  .chain((original) => {
    const positions = [...original].flatMap((ch, i) => (HOMOGLYPHS[ch] === undefined ? [] : [i]));
    return fc
      .uniqueArray(fc.constantFrom(...positions), { minLength: 1, maxLength: positions.length })
      .chain((chosen) =>
        fc
          .tuple(...chosen.map((i) => fc.constantFrom(...(HOMOGLYPHS[original[i] as string] as string[]))))
          .map((replacements) => {
            const chars = [...original];
            chosen.forEach((i, k) => {
              chars[i] = replacements[k] as string;
            });
            return { original, spoofed: chars.join('') };
          }),
      );
  });

const portText = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 65535 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('0', '65536', '99999', '', '443abc', '-1', ' 443', '0x1bb', '443:443', '٤٤٣'),
  },
);

/** A known host dressed as a browser or an attacker might send it: case, trailing dot, port. */
const decoratedKnownHost = fc
  .record({
    host: fc.mixedCase(fc.oneof(fc.constantFrom(...KNOWN_HOSTS), fc.constantFrom(...ROUTABLE_HOSTS))),
    trailingDot: fc.boolean(),
    port: fc.option(portText, { nil: undefined, freq: 3 }),
  })
  .map(
    ({ host, trailingDot, port }) =>
      `${host}${trailingDot ? '.' : ''}${port === undefined ? '' : `:${port}`}`,
  );

/** Injections around a known host: CRLF header smuggling, user info, spaces, NUL, other hosts. */
const injectedHost = fc
  .record({
    host: fc.constantFrom(...KNOWN_HOSTS),
    other: fc.constantFrom('attacker.example.org', 'evil.origin.example.com', 'acme.app.example.com'),
    form: fc.integer({ min: 0, max: 13 }),
  })
  .map(({ host, other, form }) => {
    switch (form) {
      case 0:
        return `${host}\r\nx-tenant-id: evil`;
      case 1:
        return `${host}\r\nHost: ${other}`;
      case 2:
        return `${other}@${host}`;
      case 3:
        return `${host}@${other}`;
      case 4:
        return `user:pass@${host}:443`;
      case 5:
        return `${host} ${other}`;
      case 6:
        return `${host}\u0000.${other}`;
      case 7:
        return `${host}\t`;
      case 8:
        return `${host}/${other}`;
      case 9:
        return `${host}#${other}`;
      case 10:
        return `${host}\\${other}`;
      case 11:
        return `${host}..`;
      case 12:
        return `.${host}`;
      default:
        return `${host}%2f${other}`;
    }
  });

const label = (min: number, max: number) => fc.stringMatching(new RegExp(`^[a-z0-9]{${min},${max}}$`));

/** Names with labels just over and under 63 characters, and names over 253. */
const longHost = fc.oneof(
  fc.tuple(label(60, 70), fc.constantFrom('.app.example.com', '.example.com')).map(([l, rest]) => l + rest),
  fc.array(label(30, 63), { minLength: 4, maxLength: 9 }).map((labels) => `${labels.join('.')}.example.com`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'a'.repeat(n)}.example.com`),
);

/** IP literals, which the router refuses unless `allowIpHosts`. */
const ipHost = fc.oneof(
  fc.ipV4(),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.tuple(fc.ipV4(), portText).map(([ip, port]) => `${ip}:${port}`),
  fc.ipV6(),
  fc.constantFrom('127.1', '0x7f.0.0.1', '2130706433', '169.254.169.254', 'localhost', '[::1]:443'),
);

/** Arbitrary text: ASCII with controls, full unicode, graphemes under the platform domain. */
const junkHost = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => `${s}.app.example.com`),
  fc.domain(),
  fc.constantFrom(
    '\u3002acme\u3002app\u3002example\u3002com',
    'ａｃｍｅ.app.example.com',
    'acme\u200d.app.example.com',
  ),
);

/** One Host header value. */
export const hostValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: decoratedKnownHost },
  { weight: 2, arbitrary: homoglyphHost.map((h) => h.spoofed) },
  { weight: 2, arbitrary: injectedHost },
  { weight: 1, arbitrary: longHost },
  { weight: 1, arbitrary: ipHost },
  { weight: 2, arbitrary: junkHost },
);

/** The Host header as CloudFront passes it: usually one value, sometimes none or several. */
export const hostValues: fc.Arbitrary<string[] | null> = fc.oneof(
  { weight: 12, arbitrary: hostValue.map((h) => [h]) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant<string[]>([]) },
  { weight: 1, arbitrary: fc.array(hostValue, { minLength: 2, maxLength: 3 }) },
);

const isDisallowed = (name: string) =>
  DISALLOWED_HEADERS.includes(name) || DISALLOWED_HEADER_PREFIXES.some((p) => name.startsWith(p));

/** Header names, with the ones the router sets and the origin secret over-represented. */
const headerName = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'x-tenant-id',
        'x-forwarded-host',
        FUZZ_SECRET_HEADER,
        // Underscore spellings, which CGI-style origins read as the same variable.
        'x_tenant_id',
        'x_forwarded_host',
        FUZZ_SECRET_HEADER.replaceAll('-', '_'),
        'x-tenant_id',
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'accept',
        'accept-encoding',
        'accept-language',
        'authorization',
        'cookie',
        'content-length',
        'content-type',
        'forwarded',
        'if-modified-since',
        'if-none-match',
        'origin',
        'referer',
        'user-agent',
        'via',
        'x-forwarded-for',
        'x-original-url',
        'x-rewrite-url',
        'x-forwarded-server',
      ),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9!#$%&'*+.^_`|~-]{0,24}$/) },
  )
  // CloudFront never shows a function the disallowed headers; Host is generated on its own.
  .filter((name) => name !== 'host' && !isDisallowed(name));

/** Header values as an HTTP parser would pass them: no CR, LF or NUL, but anything else. */
const headerText = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom(
      'attacker.example.org',
      'evil',
      'acme',
      'pool.us-east-1.origin.example.com',
      'stolen-secret',
    ),
  )
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  .map((s) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''));

/** A set of viewer headers: name -> one or more values, with the `key` in the case the client used. */
export const viewerHeaders: fc.Arbitrary<CloudFrontHeaders> = fc
  .array(fc.tuple(headerName, fc.array(headerText, { minLength: 1, maxLength: 3 }), fc.boolean()), {
    maxLength: 8,
  })
  .map((entries) => {
    const headers: CloudFrontHeaders = {};
    for (const [name, values, upper] of entries) {
      const key = upper ? name.toUpperCase() : name;
      headers[name] = values.map((value) => ({ key, value }));
    }
    return headers;
  });

/** URL path characters a viewer can send unencoded (RFC 3986 pchar without `%`). */
const pathChar = fc.constantFrom(..."abcxyzABC019-._~!$&'()*+,;=:@/".split(''));

/**
 * Paths built to be read differently by different servers: dot segments plain and encoded,
 * encoded prefix letters, duplicate slashes, `;` parameters, encoded and raw (back)slashes, case.
 */
export function trickyPath(
  prefixes: readonly string[] = ['globex', 'hooli', 'evil', 'api'],
): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...prefixes),
    fc.constantFrom(...prefixes).map((p) => `%${p.charCodeAt(0).toString(16)}${p.slice(1)}`),
    fc.constantFrom(...prefixes).map((p) => p.toUpperCase()),
    fc.constantFrom('', '.', '..', '%2e', '%2E%2e', '.%2e', '...', 'x', 'cart', 'a.b'),
    fc.constantFrom(';', ';x=1', '..;', '.;', 'x;y', '%3b', '%2f', '%2F', '%5c', '\\', '%25', '%zz', '%'),
  );
  const segment = fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
  return fc
    .array(segment, { minLength: 0, maxLength: 6 })
    .chain((segments) => fc.boolean().map((slash) => `/${segments.join('/')}${slash ? '/' : ''}`));
}

/** URIs: the path-split fixtures, percent-encoded unicode, dot segments, very long paths. */
export const uri: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_URIS) },
  { weight: 3, arbitrary: fc.string({ unit: pathChar, maxLength: 60 }).map((p) => `/${p}`) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 5 })
      .map((segments) => `/${segments.map(encodeURIComponent).join('/')}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/../../etc/passwd', '//evil.example.org/x', '/%2e%2e/%2f', '/%00', '/.'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 8000 }).map((n) => `/${'a'.repeat(n)}`) },
  { weight: 3, arbitrary: trickyPath() },
);

/** Query strings (without the `?`), percent-encoded as CloudFront passes them. */
export const querystring: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(fc.string({ unit: 'binary', maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 20 })),
      {
        maxLength: 6,
      },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.constantFrom('host=attacker.example.org', 'x-tenant-id=evil&x-tenant-id=acme', 'a=%0d%0aHost:%20evil'),
);

/** The distribution's origin, as the event carries it: custom (with or without the secret) or S3. */
const distributionOrigin = fc.constantFrom('custom-with-secret', 'custom-no-headers', 's3');

/** A viewer request, before it becomes an event. */
export interface HostileRequest {
  readonly hosts: string[] | null;
  readonly headers: CloudFrontHeaders;
  readonly uri: string;
  readonly querystring: string;
  readonly origin: 'custom-with-secret' | 'custom-no-headers' | 's3';
}

/** A hostile viewer request whose URI and query string together stay under CloudFront's 8192. */
export const hostileRequest: fc.Arbitrary<HostileRequest> = fc
  .record({ hosts: hostValues, headers: viewerHeaders, uri, querystring, origin: distributionOrigin })
  .filter((r) => r.uri.length + r.querystring.length + 1 < 8192);

/** The origin-request event CloudFront would build for a request. */
export function eventOf(request: HostileRequest): CloudFrontRequestEvent {
  const event = anOriginRequestEvent({
    hosts: request.hosts,
    uri: request.uri,
    querystring: request.querystring,
    customHeaders:
      request.origin === 'custom-with-secret' ? { 'X-Origin-Secret': 'distribution-secret' } : {},
  });
  const cfRequest = (event.Records[0] as CloudFrontRequestEvent['Records'][number]).cf.request;
  const host = cfRequest.headers.host;
  cfRequest.headers = structuredClone(request.headers);
  if (host !== undefined) cfRequest.headers.host = host;
  if (request.origin === 's3') {
    cfRequest.origin = {
      s3: {
        authMethod: 'origin-access-identity',
        customHeaders: {},
        domainName: 'default-bucket.s3.amazonaws.com',
        path: '',
        region: 'us-east-1',
      },
    };
  }
  return event;
}

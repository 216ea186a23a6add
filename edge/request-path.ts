/**
 * Request path normalisation: the one reading of a path that the router matches prefixes on and
 * the origin receives, so no origin can read a path as something other than what was routed (RFC
 * 3986 section 6.2.2 syntax-based normalisation, plus the rules origins disagree on: `%2F`, `\`,
 * `;` parameters, empty segments). Pure. Every rule, with examples: docs/routing.md#path.
 */

/** How an encoded slash (`%2F`, `%5C`) in a path is treated. */
export type EncodedSlashPolicy = 'reject' | 'preserve';

/** Options of {@link normaliseRequestPath}. */
export interface PathOptions {
  /**
   * `reject`: a path with `%2F` or `%5C` is a 400 (origins disagree on whether it separates
   * segments). `preserve`: kept encoded, as data inside its segment, and never matched as a
   * separator; still a 400 when decoding it would make a dot segment (`..%2F`).
   */
  readonly encodedSlashes: EncodedSlashPolicy;
}

/** Result of {@link normaliseRequestPath}. */
export type NormalisedPath =
  | {
      readonly ok: true;
      /** The path the origin gets: the normal form of the request's path. */
      readonly path: string;
      /** What path prefixes are matched against: {@link path} without `;` segment parameters. */
      readonly matchPath: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * A path that needs no work: `/`-led segments of unreserved and sub-delimiter characters, `:` and
 * `@`, with no empty, `.` or `..` segment. The warm path tests this one expression and is done.
 */
const NORMAL_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,=:@]+)*\/?$/;
const HEX = /^[0-9A-Fa-f]{2}$/;
const MAX_PATH_LENGTH = 8192;

/**
 * Whether `uri` is already in normal form with nothing to strip for matching: then it is its own
 * `path` and `matchPath`, and the warm path allocates nothing for it (one expression test; a
 * hand-written loop measured slower).
 */
export function isNormalPath(uri: string): boolean {
  return uri.length <= MAX_PATH_LENGTH && NORMAL_PATH.test(uri);
}
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Printable ASCII but space: CloudFront hands the function a path in this range. */
const PRINTABLE = /^[\x21-\x7e]*$/;

function refuse(reason: string): NormalisedPath {
  return { ok: false, reason };
}

/**
 * The normal form of a request path, or why it is refused (a 400):
 *
 * - percent-encoded unreserved characters are decoded (`%61` -> `a`, `%2E` -> `.`), other
 *   encodings get upper-case hex (`%2f` -> `%2F`); a `%` not followed by two hex digits is refused;
 * - `%2F` / `%5C` follow {@link PathOptions.encodedSlashes}; a raw `\` is refused (browsers and
 *   some servers read it as `/`);
 * - empty segments are dropped (`//` -> `/`), then dot segments removed as RFC 3986 section 5.2.4
 *   does (`/a/./b/../c` -> `/a/c`, never above the root);
 * - `;` parameters stay in the path but are not part of a segment's name for prefix matching
 *   (servlet containers strip them); a dot segment or an empty name with parameters (`..;x`,
 *   `;x`) is refused;
 * - case and a trailing slash are kept (paths are case-sensitive).
 *
 * @example
 * normaliseRequestPath('/API/../%61pi//x', { encodedSlashes: 'reject' })
 * // => { ok: true, path: '/api/x', matchPath: '/api/x' }
 */
export function normaliseRequestPath(uri: string, options: PathOptions): NormalisedPath {
  if (isNormalPath(uri)) return { ok: true, path: uri, matchPath: uri };
  if (!uri.startsWith('/')) return refuse("path does not start with '/'");
  if (uri.length > MAX_PATH_LENGTH) return refuse(`path longer than ${MAX_PATH_LENGTH} characters`);
  if (!PRINTABLE.test(uri)) return refuse('path has spaces, control or non-ASCII characters');
  if (uri.includes('\\')) return refuse('path has a backslash');

  const segments: string[] = [];
  const names: string[] = [];
  const raw = uri.slice(1).split('/');
  for (const [i, rawSegment] of raw.entries()) {
    const decoded = decodeUnreserved(rawSegment, options);
    if (typeof decoded !== 'string') return refuse(decoded.reason);
    const semicolon = decoded.indexOf(';');
    const name = semicolon < 0 ? decoded : decoded.slice(0, semicolon);
    const last = i === raw.length - 1;
    if (semicolon >= 0 && (name === '' || name === '.' || name === '..')) {
      return refuse('path has a dot segment or an empty segment with parameters');
    }
    if (decoded === '..') {
      segments.pop();
      names.pop();
    }
    if (decoded === '' || decoded === '.' || decoded === '..') {
      // A trailing `/`, `/.` or `/..` ends the path with a slash; elsewhere the segment is dropped.
      if (last) {
        segments.push('');
        names.push('');
      }
      continue;
    }
    segments.push(decoded);
    names.push(name);
  }
  // A trailing empty segment after a pop of everything is just the root.
  const path = `/${segments.join('/')}`.replace(/^\/\/$/, '/');
  const matchPath = `/${names.join('/')}`.replace(/^\/\/$/, '/');
  return { ok: true, path, matchPath };
}

/** One segment with unreserved characters decoded and other escapes in upper case. */
function decodeUnreserved(segment: string, options: PathOptions): string | { reason: string } {
  if (!segment.includes('%')) return segment;
  let out = '';
  let encodedSlash = false;
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return { reason: 'path has a malformed percent-encoding' };
    i += 2;
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    if (UNRESERVED.test(char)) {
      out += char;
      continue;
    }
    if (char === '/' || char === '\\') {
      if (options.encodedSlashes === 'reject') return { reason: 'path has an encoded slash (%2F or %5C)' };
      encodedSlash = true;
    }
    out += `%${hex.toUpperCase()}`;
  }
  // Kept as data, an encoded slash must not hide a dot segment from the router: an origin that
  // decodes it before resolving `..` would climb out of the segment.
  if (encodedSlash && out.split(/%2F|%5C/).some((piece) => piece === '.' || piece === '..')) {
    return { reason: 'path has a dot segment behind an encoded slash' };
  }
  return out;
}

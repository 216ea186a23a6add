/**
 * Public suffixes (`co.uk`, `github.io`, `s3.eu-west-1.amazonaws.com`): names under which anyone
 * can register, so a tenant that claims one, or a wildcard directly over one, would capture every
 * unclaimed host under it. Checked against the Public Suffix List (ICANN and private sections) of
 * the pinned `tldts` package, updated with the lockfile. For writers (the operator tools) only:
 * the edge bundle never imports this module. Pure.
 */
import { parse } from 'tldts';

/**
 * Why a domain (`shop.acme.com`) or wildcard (`*.acme.com`) may not be claimed, or undefined:
 * the domain is a public suffix, or the wildcard is directly over one (`*.co.uk`, `*.github.io`).
 *
 * @example
 * publicSuffixProblem('*.co.uk') // => '*.co.uk is a wildcard directly over the public suffix co.uk'
 */
export function publicSuffixProblem(domain: string): string | undefined {
  const wildcard = domain.startsWith('*.');
  const name = wildcard ? domain.slice(2) : domain;
  // No registrable domain: the name itself is a public suffix (the PSL's `*` rule makes any
  // unknown top-level label one too).
  if (parse(name, { allowPrivateDomains: true }).domain !== null) return undefined;
  return wildcard
    ? `${domain} is a wildcard directly over the public suffix ${name}`
    : `${name} is a public suffix (anyone can register names under it)`;
}

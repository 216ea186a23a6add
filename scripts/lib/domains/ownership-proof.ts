/**
 * The ownership challenge: the customer publishes a DNS TXT record `_etr-challenge.<host>` with
 * the value `etr-verify=<token>` (chosen over an HTTP token through the router: it can be proven
 * before the domain's traffic moves, needs no distribution tenant to exist first, and works for an
 * apex name). Read with node:dns: the system's resolvers, or `ETR_DNS_SERVER` (the local DNS).
 */
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';

/** The DNS name of the ownership proof of `host`. */
export function challengeName(host: string): string {
  return `_etr-challenge.${host}`;
}

/** The TXT value proving ownership with `token`. */
export function challengeValue(token: string): string {
  return `etr-verify=${token}`;
}

/** A fresh challenge token (128 bits). */
export function newChallengeToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Whether `host`'s proof with `token` is published. */
export type OwnershipCheck = (host: string, token: string) => Promise<boolean>;

/** DNS failures meaning "no such record" rather than "DNS is broken". */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

/** The check over DNS; `server` (`host:port`) replaces the system's resolvers. */
export function dnsOwnershipCheck(server?: string): OwnershipCheck {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (server !== undefined) resolver.setServers([server]);
  return async (host, token) => {
    try {
      const records = await resolver.resolveTxt(challengeName(host));
      return records.some((chunks) => chunks.join('') === challengeValue(token));
    } catch (error) {
      if (NO_RECORD.has((error as { code?: string }).code ?? '')) return false;
      throw error;
    }
  };
}

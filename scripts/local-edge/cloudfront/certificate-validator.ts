/**
 * The local stand-in for ACM's HTTP validation of CloudFront-managed certificates: for each
 * domain of a pending certificate, the customer's CNAME must point at the tenant's connection
 * group (the local DNS), and the validation token must come back over HTTP through the CloudFront
 * emulator with the domain as Host (CloudFront answers the token itself when ValidationTokenHost is
 * `cloudfront`). All domains pass: issued, the domains active. Past the validation window:
 * `validation-timed-out`. A domain marked to fail: `failed`.
 */

import type { ControlPlaneModel, TenantState } from './control-plane-model.ts';
import type { LocalDnsTable } from './local-dns.ts';

/** Path prefix of ACM's HTTP validation tokens. */
export const VALIDATION_PATH_PREFIX = '/.well-known/pki-validation/';

/** Options of {@link createCertificateValidator}. */
export interface CertificateValidatorOptions {
  readonly model: ControlPlaneModel;
  readonly dns: LocalDnsTable;
  /** Fetches `path` through the CloudFront emulator with `host` as Host; resolves status and body. */
  readonly fetchThroughEdge: (host: string, path: string) => Promise<{ status: number; body: string }>;
  /** How long a certificate may stay pending before `validation-timed-out`. @default 72 h (ACM's window) */
  readonly validationTimeoutMs?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** Validates pending managed certificates, one attempt at a time per tenant. */
export interface CertificateValidator {
  /** One validation attempt for the tenant's certificate, if it is pending. */
  validate(tenant: TenantState): Promise<void>;
  /** Domains whose certificate is to fail (`failed`), e.g. a CAA record forbidding Amazon. */
  readonly failingDomains: Set<string>;
  /** Attempts made, and certificates issued, failed, timed out. */
  readonly counts: { attempts: number; issued: number; failed: number; timedOut: number };
}

/** Creates the validator. */
export function createCertificateValidator(options: CertificateValidatorOptions): CertificateValidator {
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.validationTimeoutMs ?? 72 * 3600_000;
  const inFlight = new Map<string, Promise<void>>();
  const failingDomains = new Set<string>();
  const counts = { attempts: 0, issued: 0, failed: 0, timedOut: 0 };

  const domainPasses = async (tenant: TenantState, domain: string): Promise<boolean> => {
    const token = tenant.managedCertificate?.tokens.get(domain);
    const endpoint = options.model.connectionGroup(tenant.connectionGroupId).routingEndpoint;
    if (token === undefined || options.dns.lookup(domain, 'CNAME')[0] !== endpoint) return false;
    try {
      const answer = await options.fetchThroughEdge(domain, token.path);
      return answer.status === 200 && answer.body.trim() === token.content;
    } catch {
      return false;
    }
  };

  const attempt = async (tenant: TenantState): Promise<void> => {
    const certificate = tenant.managedCertificate;
    if (certificate?.status !== 'pending-validation') return;
    certificate.attempts++;
    counts.attempts++;
    if (tenant.domains.some((d) => failingDomains.has(d))) {
      certificate.status = 'failed';
      counts.failed++;
      return;
    }
    const results = await Promise.all(tenant.domains.map((d) => domainPasses(tenant, d)));
    if (results.every(Boolean)) {
      certificate.status = 'issued';
      tenant.activeDomains = new Set(tenant.domains);
      counts.issued++;
    } else if (clock() - certificate.requestedAt > timeoutMs) {
      certificate.status = 'validation-timed-out';
      counts.timedOut++;
    }
  };

  return {
    failingDomains,
    counts,
    validate(tenant) {
      const running = inFlight.get(tenant.id);
      if (running !== undefined) return running;
      const run = attempt(tenant).finally(() => inFlight.delete(tenant.id));
      inFlight.set(tenant.id, run);
      return run;
    },
  };
}

/**
 * The onboarding state machine, pure: from a record and what was observed (the ownership proof,
 * who holds the `DOMAIN#` item, the distribution tenant and its certificate), the next action.
 *
 *   pending-ownership --proof seen--> claim DOMAIN# (claim protocol) --> pending-certificate
 *   pending-certificate --tenant created, certificate issued, domain active--> active
 *   any --refusal (held by another tenant, CNAME elsewhere, certificate failed)--> failed (reason)
 *   failed --verify --retry--> the failed step again;   any --remove--> removing --> (gone)
 *
 * Consent and routes: the `DOMAIN#` item is written only once the proof is seen, and CloudFront
 * serves the host only after it exists, so a served host always has a route and a route always
 * has the owner's consent (removal undoes them in the opposite order: onboarding.ts).
 */
import type { ManagedCertificateStatus } from '@aws-sdk/client-cloudfront';
import type { TenantId } from '../../../edge/model.ts';
import type { FailedStep, OnboardingRecord } from './onboarding-record.ts';

/** A distribution tenant as the machine needs it. */
export interface CdnTenantView {
  readonly id: string;
  readonly etag: string;
  readonly enabled: boolean;
  /** CloudFront's `Deployed`. */
  readonly deployed: boolean;
  /** The host's DomainResult is `active` (its certificate covers it). */
  readonly domainActive: boolean;
}

/** A managed certificate's status (GetManagedCertificateDetails), as the SDK's model names them. */
export type CertificateState = ManagedCertificateStatus;

/** What was observed for a record. */
export interface OnboardingFacts {
  /** The ownership proof is published (the DNS TXT record). */
  readonly ownershipProven?: boolean;
  /** Who the `DOMAIN#` item names (undefined: nobody). */
  readonly holder?: TenantId | undefined;
  /**
   * The tenant item still holds this host's claim as pending: a run was cut short between the
   * claim protocol's writes. The `DOMAIN#` item may already name the tenant; the claim is driven
   * through (settled) before ownership is recorded, so no pending claim is left behind.
   */
  readonly claimPending?: boolean;
  /** The distribution tenant, undefined when there is none. */
  readonly cdn?: CdnTenantView | undefined;
  readonly certificate?: CertificateState | undefined;
}

/** The next thing to do. */
export type OnboardingAction =
  | { readonly kind: 'wait-ownership' }
  | { readonly kind: 'claim' }
  | { readonly kind: 'record-ownership' }
  | { readonly kind: 'create-cdn-tenant' }
  | { readonly kind: 'wait-certificate'; readonly certificate: CertificateState | undefined }
  | { readonly kind: 'activate' }
  | { readonly kind: 'fail'; readonly step: FailedStep; readonly reason: string }
  | { readonly kind: 'done' };

/** Certificate states that will not become `issued` by waiting. */
export const FAILED_CERTIFICATE_STATES: ReadonlySet<CertificateState> = new Set([
  'failed',
  'validation-timed-out',
  'revoked',
  'expired',
  'inactive',
]);

/** The facts a state needs, so the runner reads no more than that. */
export function factsNeeded(record: OnboardingRecord): ReadonlySet<keyof OnboardingFacts> {
  switch (record.state) {
    case 'pending-ownership':
      return new Set(['ownershipProven', 'holder', 'claimPending']);
    case 'pending-certificate':
    case 'active':
      return new Set(['holder', 'cdn', 'certificate']);
    default:
      return new Set();
  }
}

/** Decides the next action of a record in `pending-ownership` or `pending-certificate`. */
export function nextAction(record: OnboardingRecord, facts: OnboardingFacts): OnboardingAction {
  const heldElsewhere = facts.holder !== undefined && facts.holder !== record.tenantId;
  switch (record.state) {
    case 'pending-ownership':
      if (heldElsewhere)
        return { kind: 'fail', step: 'claim', reason: `${record.host} is claimed by tenant ${facts.holder}` };
      if (facts.ownershipProven !== true) return { kind: 'wait-ownership' };
      return facts.holder === record.tenantId && facts.claimPending !== true
        ? { kind: 'record-ownership' }
        : { kind: 'claim' };
    case 'pending-certificate': {
      if (facts.holder !== record.tenantId)
        return {
          kind: 'fail',
          step: 'claim',
          reason:
            facts.holder === undefined
              ? `the DOMAIN item of ${record.host} was removed while onboarding`
              : `${record.host} is claimed by tenant ${facts.holder}`,
        };
      if (facts.cdn === undefined) return { kind: 'create-cdn-tenant' };
      if (facts.cdn.enabled && facts.cdn.deployed && facts.cdn.domainActive) return { kind: 'activate' };
      if (facts.certificate !== undefined && FAILED_CERTIFICATE_STATES.has(facts.certificate))
        return {
          kind: 'fail',
          step: 'certificate',
          reason: `the managed certificate is ${facts.certificate}: check the CNAME and any CAA record, then verify --retry`,
        };
      return { kind: 'wait-certificate', certificate: facts.certificate };
    }
    default:
      return { kind: 'done' };
  }
}

/** The state a `verify --retry` of a failed record starts again from. */
export function retryState(record: OnboardingRecord): 'pending-ownership' | 'pending-certificate' {
  return record.failedStep === 'claim' || record.ownershipProvenAt === undefined
    ? 'pending-ownership'
    : 'pending-certificate';
}

/**
 * The onboarding record of one customer domain (`ONBOARD#<host>`, tools only: the router never
 * reads it): which tenant asked for the host, the ownership challenge, where onboarding stands and
 * why it failed. Conditional on `version` like every tool write. The `DOMAIN#` claim itself is
 * made through the claim protocol once ownership is proven (docs/custom-domains.md).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { asTenantId, type TenantId } from '../../../edge/model.ts';

/** Partition key prefix of onboarding records. */
export const ONBOARDING_PREFIX = 'ONBOARD#';

/** Where onboarding of a domain stands. */
export type OnboardingState = 'pending-ownership' | 'pending-certificate' | 'active' | 'failed' | 'removing';

/** Every state, in onboarding order. */
export const ONBOARDING_STATES: readonly OnboardingState[] = [
  'pending-ownership',
  'pending-certificate',
  'active',
  'failed',
  'removing',
];

/** The step a failure happened at: what a retry of `verify` starts again from. */
export type FailedStep = 'claim' | 'cloudfront' | 'certificate';

/** One domain's onboarding. */
export interface OnboardingRecord {
  /** Canonical host (the `DOMAIN#` key). */
  readonly host: string;
  readonly tenantId: TenantId;
  readonly state: OnboardingState;
  /** The ownership challenge token the customer publishes (docs/custom-domains.md#ownership). */
  readonly token: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** +1 on every write; writes are conditional on it. */
  readonly version: number;
  /** When ownership was proven. */
  readonly ownershipProvenAt?: string | undefined;
  /** The distribution tenant's id, once created. */
  readonly distributionTenantId?: string | undefined;
  /** Why onboarding failed (state `failed`), for a person. */
  readonly reason?: string | undefined;
  readonly failedStep?: FailedStep | undefined;
}

/** The item key of a host's record. */
export function onboardingKey(host: string): string {
  return `${ONBOARDING_PREFIX}${host}`;
}

/** The record as a DynamoDB item. */
export function onboardingItem(record: OnboardingRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: onboardingKey(record.host) },
    kind: { S: 'onboarding' },
    host: { S: record.host },
    tenantId: { S: record.tenantId },
    state: { S: record.state },
    token: { S: record.token },
    createdAt: { S: record.createdAt },
    updatedAt: { S: record.updatedAt },
    version: { N: String(record.version) },
  };
  if (record.ownershipProvenAt !== undefined) item.ownershipProvenAt = { S: record.ownershipProvenAt };
  if (record.distributionTenantId !== undefined)
    item.distributionTenantId = { S: record.distributionTenantId };
  if (record.reason !== undefined) item.reason = { S: record.reason };
  if (record.failedStep !== undefined) item.failedStep = { S: record.failedStep };
  return item;
}

/** An item back into a record; throws on an item no tool wrote. */
export function onboardingRecordOf(item: Record<string, AttributeValue>): OnboardingRecord {
  const s = (name: string): string | undefined => item[name]?.S;
  const need = (name: string): string => {
    const value = s(name);
    if (value === undefined) throw new TypeError(`onboarding item ${s('pk') ?? '?'} has no ${name}`);
    return value;
  };
  const state = need('state') as OnboardingState;
  if (!ONBOARDING_STATES.includes(state))
    throw new TypeError(`onboarding item ${need('pk')}: unknown state ${state}`);
  const tenantId = asTenantId(need('tenantId'));
  if (tenantId === undefined) throw new TypeError(`onboarding item ${need('pk')}: bad tenantId`);
  const version = Number(item.version?.N);
  if (!Number.isInteger(version) || version < 1)
    throw new TypeError(`onboarding item ${need('pk')}: bad version`);
  return {
    host: need('host'),
    tenantId,
    state,
    token: need('token'),
    createdAt: need('createdAt'),
    updatedAt: need('updatedAt'),
    version,
    ownershipProvenAt: s('ownershipProvenAt'),
    distributionTenantId: s('distributionTenantId'),
    reason: s('reason'),
    failedStep: s('failedStep') as FailedStep | undefined,
  };
}

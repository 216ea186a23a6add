/** The onboarding machine's decisions while ownership is pending (the pure core of `npm run domains`). */
import { describe, expect, it } from 'vitest';
import type { TenantId } from '../../edge/model.ts';
import { factsNeeded, nextAction } from '../../scripts/lib/domains/onboarding-machine.ts';
import type { OnboardingRecord } from '../../scripts/lib/domains/onboarding-record.ts';

const shopco = 'shopco' as TenantId;
const record: OnboardingRecord = {
  host: 'shop.example.com',
  tenantId: shopco,
  state: 'pending-ownership',
  token: 't0ken',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
  version: 1,
};

describe('onboarding machine, pending ownership', () => {
  it('waits for the proof, then claims, then records ownership once the claim is settled', () => {
    expect(nextAction(record, { ownershipProven: false })).toEqual({ kind: 'wait-ownership' });
    expect(nextAction(record, { ownershipProven: true })).toEqual({ kind: 'claim' });
    expect(nextAction(record, { ownershipProven: true, holder: shopco, claimPending: false })).toEqual({
      kind: 'record-ownership',
    });
  });

  it('drives a claim cut short between its writes through before going on (no pending claim left behind)', () => {
    expect(nextAction(record, { ownershipProven: true, holder: shopco, claimPending: true })).toEqual({
      kind: 'claim',
    });
    expect(factsNeeded(record).has('claimPending')).toBe(true);
  });

  it('fails when another tenant holds the host', () => {
    expect(nextAction(record, { ownershipProven: true, holder: 'rival' as TenantId })).toMatchObject({
      kind: 'fail',
      step: 'claim',
    });
  });
});

/**
 * The migration state kept in the tenant item: the router's {@link MigrationRecord} (`migration`
 * map) plus attributes only the scripts read, stored in the same map (the router ignores unknown
 * keys): the lease (`owner`, `leaseUntil`), when the phase was entered (`phaseAt`) and whether the
 * migration freezes the tenant (`freeze`). So any machine can resume from the item alone.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { migrationToAttribute } from '../../../edge/items.ts';
import type { MigrationRecord } from '../../../edge/model.ts';
import type { TenantSnapshot } from '../tenants/tenant-table.ts';

/** A migration as the scripts see it. */
export interface MigrationState extends MigrationRecord {
  /** Who runs it (`user@host:pid:nonce`); others may not while the lease is live. */
  readonly owner: string;
  /** Epoch ms until which {@link owner} holds the migration. */
  readonly leaseUntil: number;
  /** Epoch ms when {@link phase} was entered, so a resumed wait only waits the remainder. */
  readonly phaseAt: number;
  /** Whether the tenant is put in maintenance around the switch. */
  readonly freeze: boolean;
}

function timeOf(value: AttributeValue | undefined): number {
  const ms = value?.S === undefined ? Number.NaN : Date.parse(value.S);
  return Number.isFinite(ms) ? ms : 0;
}

/** The migration state of a tenant snapshot, or undefined when none is in progress. */
export function migrationStateOf(snapshot: TenantSnapshot): MigrationState | undefined {
  const record = snapshot.record.migration;
  if (record === undefined) return undefined;
  const extra = snapshot.item.migration?.M ?? {};
  return {
    ...record,
    owner: extra.owner?.S ?? '',
    leaseUntil: timeOf(extra.leaseUntil),
    phaseAt: timeOf(extra.phaseAt),
    freeze: extra.freeze?.BOOL === true,
  };
}

/** The `migration` attribute of a state. */
export function migrationStateToAttribute(state: MigrationState): AttributeValue {
  const base = migrationToAttribute(state).M ?? {};
  return {
    M: {
      ...base,
      owner: { S: state.owner },
      leaseUntil: { S: new Date(state.leaseUntil).toISOString() },
      phaseAt: { S: new Date(state.phaseAt).toISOString() },
      freeze: { BOOL: state.freeze },
    },
  };
}

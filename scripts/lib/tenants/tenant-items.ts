/**
 * The items of the router table as the operator tools read and write them: the router's layout
 * and checks (`edge/items.ts`) plus the migration lease the tools keep in the tenant's `migration`
 * map, and the audit entries. Pure: records to items and back, and the change of a tenant record.
 */

import { MalformedItemError } from '../../../edge/errors.ts';
import {
  auditKey,
  checkedDomainItem,
  checkedRegionsItem,
  checkedTenantItem,
  type Item,
  parseTenantItem,
} from '../../../edge/items.ts';
import type { DomainRecord, MigrationRecord, RegionsRecord, TenantRecord } from '../../../edge/model.ts';
import { publicSuffixProblem } from '../../../edge/public-suffix.ts';
import type { ClaimKey, PendingClaim } from './claims.ts';
import { UnroutableRecordError } from './tenant-errors.ts';
import type {
  AuditEntry,
  MigrationState,
  RemovalState,
  TenantChange,
  TenantSnapshot,
} from './tenant-table.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Tool-only attribute: the pending claims (`claim key -> {intent, op, until}`). */
const PENDING_ATTRIBUTE = 'pendingClaims';
/** Tool-only attribute: a removal in progress. */
const REMOVAL_ATTRIBUTE = 'removal';

/** A tenant item as the tools see it. Throws MalformedItemError for an item the router refuses. */
export function tenantSnapshotOf(item: Item): TenantSnapshot {
  const record = parseTenantItem(item);
  const tools = { pendingClaims: pendingClaimsOf(item), removal: removalOf(item) };
  const migration = record.migration;
  if (migration === undefined) return { record, migration: undefined, ...tools };
  const lease = item.migration?.M ?? {};
  return {
    record,
    migration: {
      ...migration,
      owner: lease.owner?.S ?? '',
      leaseUntil: epochMsOf(lease.leaseUntil?.S),
      phaseAt: epochMsOf(lease.phaseAt?.S),
      freeze: lease.freeze?.BOOL === true,
    },
    ...tools,
  };
}

/**
 * The pending claims of a tenant item. An entry of the wrong shape is read as a claim expired long
 * ago, so it is still listed (a removal releases it) and `tenants check` settles it.
 */
function pendingClaimsOf(item: Item): ReadonlyMap<ClaimKey, PendingClaim> | undefined {
  if (item[PENDING_ATTRIBUTE]?.M === undefined) return undefined;
  const out = new Map<ClaimKey, PendingClaim>();
  for (const [key, value] of Object.entries(item[PENDING_ATTRIBUTE]?.M ?? {})) {
    const m = value.M ?? {};
    const intent = m.intent?.S === 'release' ? 'release' : 'claim';
    out.set(key, { intent, op: m.op?.S ?? '', until: epochMsOf(m.until?.S) });
  }
  return out;
}

function removalOf(item: Item): RemovalState | undefined {
  const m = item[REMOVAL_ATTRIBUTE]?.M;
  if (m === undefined) return undefined;
  return { op: m.op?.S ?? '', startedAt: m.startedAt?.S ?? '' };
}

/** The tool-only attributes of a snapshot (absent when empty). */
function toolAttributes(snapshot: TenantSnapshot): Item {
  const out: Item = {};
  const pending = snapshot.pendingClaims;
  if (pending !== undefined && pending.size > 0) {
    const entries: Item = {};
    for (const [key, p] of [...pending].sort(([a], [b]) => a.localeCompare(b))) {
      entries[key] = {
        M: { intent: { S: p.intent }, op: { S: p.op }, until: { S: new Date(p.until).toISOString() } },
      };
    }
    out[PENDING_ATTRIBUTE] = { M: entries };
  }
  if (snapshot.removal !== undefined) {
    out[REMOVAL_ATTRIBUTE] = {
      M: { op: { S: snapshot.removal.op }, startedAt: { S: snapshot.removal.startedAt } },
    };
  }
  return out;
}

/** The item of a tenant snapshot, checked by the router's parser; {@link UnroutableRecordError} if refused. */
export function tenantItemOf(snapshot: TenantSnapshot): Item {
  const { migration } = snapshot;
  const record: Mutable<TenantRecord> = { ...snapshot.record };
  if (migration === undefined) delete record.migration;
  else record.migration = routerMigration(migration);
  const item = refuseUnroutable(() =>
    checkedTenantItem(record, migration === undefined ? {} : leaseAttributes(migration)),
  );
  return { ...item, ...toolAttributes(snapshot) };
}

/** The tenant after `change`: the next version, stamped `updatedAt`. */
export function changedTenant(
  current: TenantSnapshot,
  change: TenantChange,
  updatedAt: string,
): TenantSnapshot {
  const record: Mutable<TenantRecord> = { ...current.record, version: current.record.version + 1, updatedAt };
  if (change.status !== undefined) record.status = change.status;
  if (change.region !== undefined) record.region = change.region;
  if (change.domains !== undefined) record.domains = change.domains;
  if (change.origin === null) delete record.origin;
  else if (change.origin !== undefined) record.origin = change.origin;
  if (change.failoverRegion === null) delete record.failoverRegion;
  else if (change.failoverRegion !== undefined) record.failoverRegion = change.failoverRegion;
  for (const name of ['originSecret', 'nextOriginSecret'] as const) {
    const value = change[name];
    if (value === null) delete record[name];
    else if (value !== undefined) record[name] = value;
  }
  const migration = change.migration === undefined ? current.migration : (change.migration ?? undefined);
  if (migration === undefined) delete record.migration;
  else record.migration = routerMigration(migration);
  const pendingClaims =
    change.pendingClaims === undefined ? current.pendingClaims : (change.pendingClaims ?? undefined);
  const removal = change.removal === undefined ? current.removal : (change.removal ?? undefined);
  return { record, migration, pendingClaims, removal };
}

/**
 * The item of a domain record, checked by the router's parser and refused for a public suffix or a
 * wildcard directly over one (`edge/public-suffix.ts`); {@link UnroutableRecordError} if refused.
 */
export function domainItemOf(record: DomainRecord, updatedAt: string): Item {
  const problem = publicSuffixProblem(record.host);
  if (problem !== undefined) throw new UnroutableRecordError(`refused before writing: ${problem}`);
  return refuseUnroutable(() => checkedDomainItem(record, updatedAt));
}

/** The item of the regions record, checked by the router's parser; {@link UnroutableRecordError} if refused. */
export function regionsItemOf(record: RegionsRecord, updatedAt: string): Item {
  return refuseUnroutable(() => checkedRegionsItem(record, updatedAt));
}

/** The item of an audit entry (the router never reads these). */
export function auditItemOf(entry: AuditEntry): Item {
  const details: Item = {};
  for (const [k, v] of Object.entries(entry.details)) details[k] = { S: v };
  return {
    pk: { S: auditKey(entry.tenantId, entry.at, entry.id) },
    kind: { S: 'audit' },
    tenantId: { S: entry.tenantId },
    action: { S: entry.action },
    actor: { S: entry.actor },
    at: { S: entry.at },
    details: { M: details },
  };
}

/** The router's part of a migration state (what `TenantRecord.migration` holds). */
function routerMigration(state: MigrationState): MigrationRecord {
  return {
    id: state.id,
    from: state.from,
    to: state.to,
    phase: state.phase,
    startedAt: state.startedAt,
    ...(state.priorStatus === undefined ? {} : { priorStatus: state.priorStatus }),
  };
}

/** The tools' part of a migration state, stored in the same map as ISO times and a flag. */
function leaseAttributes(state: MigrationState): Item {
  return {
    owner: { S: state.owner },
    leaseUntil: { S: new Date(state.leaseUntil).toISOString() },
    phaseAt: { S: new Date(state.phaseAt).toISOString() },
    freeze: { BOOL: state.freeze },
  };
}

function epochMsOf(iso: string | undefined): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : 0;
}

function refuseUnroutable(encode: () => Item): Item {
  try {
    return encode();
  } catch (error) {
    if (!(error instanceof MalformedItemError)) throw error;
    throw new UnroutableRecordError(`refused before writing: the router would reject it (${error.message})`, {
      cause: error,
    });
  }
}

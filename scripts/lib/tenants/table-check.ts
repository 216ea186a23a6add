/**
 * The table's invariants, checked over a snapshot of every item (`tenants check`). Pure: items in,
 * findings out. A finding is a violation (something routes wrong, or could) or an operation in
 * flight (a live lease: not a violation); a violation carries the repair that is safe to make, or
 * none when it needs a person (then its message says what to run).
 *
 * The invariants (docs/data-model.md#invariants):
 * 1. every `DOMAIN#` item and path prefix names a tenant that exists and lists it (settled or
 *    pending), so removing the tenant releases it;
 * 2. every claim a tenant lists as settled is held by it;
 * 3. no pending claim, migration or removal outlives its lease;
 * 4. every item is one the router (or the tools) can read;
 * 5. every region a tenant or region names is declared in `REGIONS`.
 */
import { MalformedItemError } from '../../../edge/errors.ts';
import { type Item, parseDomainItem, parseRegionsItem, REGIONS_KEY } from '../../../edge/items.ts';
import type { DomainRecord, Region, RegionsRecord, TenantId } from '../../../edge/model.ts';
import { type ClaimKey, claimKey, claimOf, isExpired } from './claims.ts';
import { tenantSnapshotOf } from './tenant-items.ts';
import type { TenantSnapshot } from './tenant-table.ts';

/** A change `--repair` may make, re-verified against the table right before it is made. */
export type Repair =
  /** A host or prefix naming a tenant that does not exist: released. */
  | { readonly kind: 'release-orphan'; readonly tenantId: TenantId; readonly key: ClaimKey }
  /** A claim the tenant holds but does not list: listed (it keeps routing as it does). */
  | { readonly kind: 'list-claim'; readonly tenantId: TenantId; readonly key: ClaimKey }
  /** A listed claim nobody holds: claimed again for the tenant (it routes as the tenant says). */
  | { readonly kind: 'reclaim'; readonly tenantId: TenantId; readonly key: ClaimKey }
  /** A pending claim past its lease: settled by the holder rule. */
  | { readonly kind: 'settle-pending'; readonly tenantId: TenantId; readonly key: ClaimKey };

/** Kinds of finding, stable names for `--json` and the docs. */
export type FindingKind =
  | 'malformed-item'
  | 'unknown-item'
  | 'claim-of-missing-tenant'
  | 'unlisted-claim'
  | 'listed-not-claimed'
  | 'listed-claimed-by-other'
  | 'pending-claim-expired'
  | 'migration-lease-expired'
  | 'removal-unfinished'
  | 'undeclared-region'
  | 'no-regions-item'
  | 'in-flight';

/** One finding. */
export interface Finding {
  readonly kind: FindingKind;
  /** The item it is about. */
  readonly pk: string;
  readonly message: string;
  /** `in-flight` findings are operations holding a live lease, not violations. */
  readonly violation: boolean;
  /** What `--repair` does; undefined: it needs a person (the message says what to run). */
  readonly repair?: Repair | undefined;
}

/** What the snapshot held. */
export interface CheckCounts {
  readonly items: number;
  readonly tenants: number;
  readonly domains: number;
  readonly audits: number;
}

/** The result of a check. */
export interface CheckReport {
  readonly counts: CheckCounts;
  readonly findings: readonly Finding[];
}

/** Options of {@link checkItems}. */
export interface CheckOptions {
  /** Epoch ms the leases are judged at. */
  readonly now: number;
  /** A removal with no claim in flight is unfinished after this long. @default 60000 */
  readonly removalGraceMs?: number;
}

interface Snapshot {
  readonly tenants: Map<TenantId, TenantSnapshot>;
  /** Tenant ids whose item is malformed: they exist, so nothing naming them is an orphan. */
  readonly brokenTenants: Set<string>;
  readonly domains: DomainRecord[];
  readonly regions: RegionsRecord | undefined;
  readonly findings: Finding[];
  audits: number;
}

/** Checks every invariant over the items of a whole-table scan. */
export function checkItems(items: Iterable<Item>, options: CheckOptions): CheckReport {
  const snap = readItems(items);
  checkDomains(snap);
  for (const tenant of snap.tenants.values()) checkTenant(snap, tenant, options);
  checkRegions(snap);
  return {
    counts: {
      items: snap.tenants.size + snap.brokenTenants.size + snap.domains.length + snap.audits,
      tenants: snap.tenants.size + snap.brokenTenants.size,
      domains: snap.domains.length,
      audits: snap.audits,
    },
    findings: snap.findings,
  };
}

function readItems(items: Iterable<Item>): Snapshot {
  const snap: Snapshot = {
    tenants: new Map(),
    brokenTenants: new Set(),
    domains: [],
    regions: undefined,
    findings: [],
    audits: 0,
  };
  const malformed = (pk: string, error: unknown) => {
    if (!(error instanceof MalformedItemError)) throw error;
    snap.findings.push({
      kind: 'malformed-item',
      pk,
      message: `${error.message}: the router answers 502 for what it routes; fix or rewrite the item`,
      violation: true,
    });
  };
  for (const item of items) {
    const pk = item.pk?.S ?? '(no pk)';
    try {
      if (pk.startsWith('TENANT#')) {
        const tenant = tenantSnapshotOf(item);
        snap.tenants.set(tenant.record.tenantId, tenant);
      } else if (pk.startsWith('DOMAIN#')) snap.domains.push(parseDomainItem(item));
      else if (pk === REGIONS_KEY)
        (snap as { regions: RegionsRecord | undefined }).regions = parseRegionsItem(item);
      else if (pk.startsWith('AUDIT#')) snap.audits++;
      // Customer-domain onboarding records (scripts/lib/domains): the tools' own, never routed.
      else if (pk.startsWith('ONBOARD#')) continue;
      else
        snap.findings.push({
          kind: 'unknown-item',
          pk,
          message: 'not an item of the router table',
          violation: true,
        });
    } catch (error) {
      if (pk.startsWith('TENANT#')) snap.brokenTenants.add(pk.slice('TENANT#'.length));
      malformed(pk, error);
    }
  }
  return snap;
}

/** Whether the tenant lists the claim, settled or pending. */
function lists(tenant: TenantSnapshot, key: ClaimKey): boolean {
  return tenant.record.domains?.includes(key) === true || tenant.pendingClaims?.has(key) === true;
}

/** Invariant 1, from the `DOMAIN#` side. */
function checkDomains(snap: Snapshot): void {
  for (const domain of snap.domains) {
    const pk = `DOMAIN#${domain.host}`;
    const named: [ClaimKey, TenantId][] = [
      [domain.host, domain.tenantId],
      ...[...(domain.paths ?? [])].map(([path, id]): [ClaimKey, TenantId] => [
        claimKey({ host: domain.host, path }),
        id,
      ]),
    ];
    for (const [key, tenantId] of named) {
      if (snap.brokenTenants.has(tenantId)) continue;
      const tenant = snap.tenants.get(tenantId);
      if (tenant === undefined) {
        const isHost = key === domain.host;
        const foreignPaths = [...(domain.paths ?? [])].filter(([, id]) => id !== tenantId);
        snap.findings.push({
          kind: 'claim-of-missing-tenant',
          pk,
          message: `${key} routes to tenant ${tenantId}, which does not exist (a new tenant ${tenantId} would inherit it)${isHost && foreignPaths.length > 0 ? `; the host also routes ${foreignPaths.map(([p, id]) => `${p} to ${id}`).join(', ')}: give the host to a tenant with \`tenants add-domain\` after removing those prefixes` : ''}`,
          violation: true,
          repair: isHost && foreignPaths.length > 0 ? undefined : { kind: 'release-orphan', tenantId, key },
        });
      } else if (!lists(tenant, key)) {
        snap.findings.push({
          kind: 'unlisted-claim',
          pk,
          message: `${key} routes to tenant ${tenantId}, which does not list it (removing the tenant would leave it behind)`,
          violation: true,
          repair:
            tenant.removal === undefined
              ? { kind: 'list-claim', tenantId, key }
              : { kind: 'release-orphan', tenantId, key },
        });
      }
    }
  }
}

/** The tenant holding a claim in the snapshot. */
function holderIn(snap: Snapshot, key: ClaimKey): TenantId | undefined {
  const { host, path } = claimOf(key);
  const domain = snap.domains.find((d) => d.host === host);
  if (domain === undefined) return undefined;
  return path === undefined ? domain.tenantId : domain.paths?.get(path);
}

/** Invariants 2 and 3, and the regions a tenant names. */
function checkTenant(snap: Snapshot, tenant: TenantSnapshot, options: CheckOptions): void {
  const { tenantId } = tenant.record;
  const pk = `TENANT#${tenantId}`;
  const add = (f: Omit<Finding, 'pk'>) => snap.findings.push({ pk, ...f });
  for (const key of tenant.record.domains ?? []) {
    if (tenant.pendingClaims?.has(key) === true) continue;
    const holder = holderIn(snap, key);
    if (holder === tenantId) continue;
    if (holder === undefined) {
      add({
        kind: 'listed-not-claimed',
        message: `tenant ${tenantId} lists ${key}, which routes to no tenant (404)`,
        violation: true,
        repair: { kind: 'reclaim', tenantId, key },
      });
    } else {
      add({
        kind: 'listed-claimed-by-other',
        message: `tenant ${tenantId} lists ${key}, which routes to tenant ${holder}: decide, then \`tenants remove-domain ${tenantId} ${key}\` or \`tenants remove-domain ${holder} ${key}\``,
        violation: true,
      });
    }
  }
  for (const [key, pending] of tenant.pendingClaims ?? []) {
    if (!isExpired(pending, options.now)) {
      add({
        kind: 'in-flight',
        message: `${pending.op} is changing ${key} (${pending.intent})`,
        violation: false,
      });
      continue;
    }
    add({
      kind: 'pending-claim-expired',
      message: `a ${pending.intent} of ${key} by ${pending.op} was cut short (lease ended ${new Date(pending.until).toISOString()})`,
      violation: true,
      repair: { kind: 'settle-pending', tenantId, key },
    });
  }
  checkLeases(tenant, options, add);
  const named: [string, Region | undefined][] = [
    ['home region', tenant.record.region],
    ['failover region', tenant.record.failoverRegion],
    ['migration target', tenant.record.migration?.to],
    ['migration source', tenant.record.migration?.from],
  ];
  for (const [what, region] of named) {
    if (region === undefined || snap.regions?.regions.has(region) === true) continue;
    add({
      kind: 'undeclared-region',
      message: `tenant ${tenantId}'s ${what} ${region} is not declared: \`tenants region set ${region} --origin URL\``,
      violation: true,
    });
  }
}

/** A migration or removal whose lease has passed needs its operator to finish it. */
function checkLeases(
  tenant: TenantSnapshot,
  options: CheckOptions,
  add: (f: Omit<Finding, 'pk'>) => void,
): void {
  const { tenantId } = tenant.record;
  const migration = tenant.migration;
  if (migration !== undefined) {
    if (migration.leaseUntil > options.now) {
      add({
        kind: 'in-flight',
        message: `${migration.owner} is migrating it to ${migration.to}`,
        violation: false,
      });
    } else {
      add({
        kind: 'migration-lease-expired',
        message: `the migration ${migration.from} -> ${migration.to} stopped in phase ${migration.phase} (lease ended ${new Date(migration.leaseUntil).toISOString()}): resume with \`npm run migrate -- ${tenantId} --to ${migration.to}\` or undo with \`npm run migrate -- ${tenantId} --rollback\``,
        violation: true,
      });
    }
  }
  const removal = tenant.removal;
  if (removal === undefined) return;
  const started = Date.parse(removal.startedAt);
  const live = [...(tenant.pendingClaims?.values() ?? [])].some((p) => !isExpired(p, options.now));
  if (live || (Number.isFinite(started) && options.now - started < (options.removalGraceMs ?? 60_000))) {
    add({ kind: 'in-flight', message: `${removal.op} is removing it`, violation: false });
    return;
  }
  add({
    kind: 'removal-unfinished',
    message: `a removal started ${removal.startedAt} by ${removal.op} was cut short: finish it with \`tenants remove ${tenantId}\``,
    violation: true,
  });
}

/** Invariant 5 for the regions item itself, and its presence. */
function checkRegions(snap: Snapshot): void {
  if (snap.regions === undefined) {
    if (snap.tenants.size > 0)
      snap.findings.push({
        kind: 'no-regions-item',
        pk: REGIONS_KEY,
        message: 'tenants exist but no region is declared: `tenants region set <region> --origin URL`',
        violation: true,
      });
    return;
  }
  for (const [name, region] of snap.regions.regions) {
    if (region.failover === undefined || snap.regions.regions.has(region.failover)) continue;
    snap.findings.push({
      kind: 'undeclared-region',
      pk: REGIONS_KEY,
      message: `region ${name} fails over to ${region.failover}, which is not declared`,
      violation: true,
    });
  }
}

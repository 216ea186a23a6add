/**
 * Human and JSON forms of tenants and regions for the admin tool's output.
 */
import { propagationWaitMs, type RouterConfig } from '../../../edge/config.ts';
import type { RegionRecord, RegionsRecord, TenantRecord } from '../../../edge/model.ts';
import { formatOrigin } from './input-validation.ts';

/** The JSON form of a tenant record. */
export function tenantToJson(record: TenantRecord): Record<string, unknown> {
  return {
    tenantId: record.tenantId,
    region: record.region,
    status: record.status,
    domains: record.domains ?? [],
    origin: record.origin === undefined ? null : formatOrigin(record.origin),
    failoverRegion: record.failoverRegion ?? null,
    // Whether there is one, never the value: `origin-secret stage` shows a new value once.
    originSecret: record.originSecret !== undefined,
    nextOriginSecretStaged: record.nextOriginSecret !== undefined,
    version: record.version,
    updatedAt: record.updatedAt,
    migration: record.migration ?? null,
  };
}

/** A multi-line description of a tenant. */
export function describeTenant(record: TenantRecord): string {
  const lines = [
    `tenant    ${record.tenantId}`,
    `region    ${record.region}`,
    `status    ${record.status}`,
    `domains   ${(record.domains ?? []).join(', ') || '(none)'}`,
    `origin    ${record.origin === undefined ? '(region pool)' : formatOrigin(record.origin)}`,
    `failover  ${record.failoverRegion ?? '(region default)'}`,
    `secret    ${record.originSecret === undefined ? '(none)' : 'own'}${record.nextOriginSecret === undefined ? '' : ', next staged'}`,
    `version   ${record.version} (updated ${record.updatedAt})`,
  ];
  const m = record.migration;
  if (m !== undefined) {
    lines.push(`migration ${m.from} -> ${m.to}, phase ${m.phase}, started ${m.startedAt} (id ${m.id})`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line per tenant for `list`. */
export function tenantListLine(record: TenantRecord): string {
  const migrating = record.migration === undefined ? '' : `  migrating->${record.migration.to}`;
  const domains = (record.domains ?? []).join(',');
  return `${record.tenantId.padEnd(24)} ${record.region.padEnd(16)} ${record.status.padEnd(12)} ${domains}${migrating}`;
}

/** The JSON form of one region. */
export function regionToJson(name: string, region: RegionRecord): Record<string, unknown> {
  return {
    region: name,
    origin: formatOrigin(region.origin),
    status: region.status,
    failover: region.failover ?? null,
    healthUrl: region.healthUrl ?? null,
  };
}

/** The JSON form of the entries the router could not read (`tenants regions`). */
export function malformedRegionsToJson(regions: RegionsRecord | undefined): Record<string, unknown>[] {
  return [...(regions?.malformed ?? [])].map(([region, problem]) => ({ region, problem }));
}

/** One line per region; a malformed entry says so, with the fix. */
export function describeRegions(regions: RegionsRecord | undefined): string {
  const malformed = [...(regions?.malformed ?? [])];
  if ((regions === undefined || regions.regions.size === 0) && malformed.length === 0)
    return 'no regions declared\n';
  const good = [...(regions?.regions ?? [])].map(
    ([name, r]) =>
      [
        name,
        `${name.padEnd(16)} ${r.status.padEnd(9)} ${formatOrigin(r.origin)}  failover ${r.failover ?? '-'}  health ${r.healthUrl ?? '-'}\n`,
      ] as const,
  );
  const bad = malformed.map(
    ([name, problem]) =>
      [
        name,
        `${name.padEnd(16)} MALFORMED ${problem}; its tenants get 502: repair with \`tenants region set ${name} --origin URL\`\n`,
      ] as const,
  );
  return [...good, ...bad]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, line]) => line)
    .join('');
}

/**
 * When a change reaches the edge: the router caches each record for the TTL and replicas lag by up
 * to the allowance, so a viewer may see the old answer that long (longer only while replicas are
 * unreachable and stale entries are served).
 */
export function visibilityNote(config: RouterConfig): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `visible at every edge within ${s(propagationWaitMs(config))} (cache TTL ${s(config.cache.ttlMs)} + replication lag allowance ${s(config.replicationLagAllowanceMs)})`;
}

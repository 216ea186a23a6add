/**
 * The races of issue 13, reproduced and closed: operations run concurrently in-process against
 * dynalite, then the table's invariants are checked with `tenants check`'s own checker. A refused
 * operation leaves every claim in place; nothing ever routes to a tenant that does not list it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propagationWaitMs } from '../../edge/config.ts';
import type { Region } from '../../edge/model.ts';
import type { MigrationEffects } from '../../scripts/lib/migration/migration-effects.ts';
import { runMigration } from '../../scripts/lib/migration/migration-machine.ts';
import { addDomain, removeDomain } from '../../scripts/lib/tenants/domain-claims.ts';
import type { OperationContext } from '../../scripts/lib/tenants/operation-context.ts';
import { addTenant } from '../../scripts/lib/tenants/tenant-lifecycle.ts';
import { removeTenant } from '../../scripts/lib/tenants/tenant-removal.ts';
import type { TenantTable } from '../../scripts/lib/tenants/tenant-table.ts';
import { type OpsHarness, startOpsHarness } from '../support/ops-harness.ts';
import { tenantId } from '../support/records.ts';
import { violations } from '../support/table-invariants.ts';

const EU = 'eu-west-1' as Region;
const US = 'us-east-1' as Region;
let h: OpsHarness;
let ctx: OperationContext;

/** Settles a promise into its outcome, so racing operations can be compared. */
async function outcome(work: Promise<unknown>): Promise<'ok' | string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

function migrationEffects(table: TenantTable): MigrationEffects {
  return {
    table,
    checkHealth: async () => ({ healthy: true, detail: '200' }),
    runHook: async () => {},
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
    now: Date.now,
    newId: randomUUID,
    onEvent: () => {},
  };
}

function hosts(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `d${i}.${prefix}.example.org`);
}

async function claimedCount(names: readonly string[], owner: string): Promise<number> {
  let n = 0;
  for (const host of names) if ((await h.table.getDomain(host))?.tenantId === owner) n++;
  return n;
}

beforeAll(async () => {
  h = await startOpsHarness();
  await h.declareRegions([EU, US]);
  ctx = { table: h.table, config: h.config, actor: 'test@races' };
});

afterAll(async () => {
  await h?.close();
});

describe('remove racing migrate', () => {
  it('never leaves a tenant listing domains nobody claims (10 rounds, 30 domains each)', async () => {
    const tally = { removed: 0, migrated: 0 };
    for (let round = 0; round < 10; round++) {
      const id = `racer-${round}`;
      const domains = hosts(id, 30);
      await addTenant(ctx, { tenantId: tenantId(id), region: EU, domains });
      const [removed, migrated] = await Promise.all([
        outcome(removeTenant(ctx, tenantId(id))),
        outcome(
          runMigration(
            {
              tenantId: tenantId(id),
              to: US,
              owner: `mover-${round}`,
              actor: 'test@races',
              propagationWaitMs: propagationWaitMs(h.config),
            },
            migrationEffects(h.table),
          ),
        ),
      ]);
      const tenant = await h.tenant(id);
      if (tenant === undefined) {
        expect(removed).toBe('ok');
        expect(await claimedCount(domains, id)).toBe(0);
        tally.removed++;
      } else {
        // The removal was refused (or came after): every claim is still in place and listed.
        expect(removed).not.toBe('ok');
        expect(tenant.removal).toBeUndefined();
        expect(await claimedCount(domains, id)).toBe(30);
        expect(tenant.record.domains).toHaveLength(30);
        tally.migrated++;
      }
      if (migrated === 'ok') expect(tenant?.record.region ?? US).toBe(US);
    }
    expect(tally.removed + tally.migrated).toBe(10);
    expect(await violations(h.table)).toEqual([]);
  });

  it('refuses to start a migration of a tenant being removed, and the removal finishes', async () => {
    await addTenant(ctx, { tenantId: tenantId('going'), region: EU, domains: ['going.example.org'] });
    const marked = await h.table.getTenant(tenantId('going'));
    if (marked === undefined) throw new Error('not added');
    await h.table.updateTenant(marked, { removal: { op: 'someone', startedAt: h.table.now() } });
    const refused = await outcome(
      runMigration(
        { tenantId: tenantId('going'), to: US, owner: 'o', actor: 'a', propagationWaitMs: 0 },
        migrationEffects(h.table),
      ),
    );
    expect(refused).toBe('MigrationRefusedError');
    await removeTenant(ctx, tenantId('going'));
    expect(await h.table.getDomain('going.example.org')).toBeUndefined();
  });
});

describe('concurrent add of one tenant id', () => {
  it('claims only the winner domains: the loser writes nothing (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const id = tenantId(`twin-${round}`);
      const [a, b] = await Promise.all([
        outcome(addTenant(ctx, { tenantId: id, region: EU, domains: [`a.twin-${round}.example.org`] })),
        outcome(addTenant(ctx, { tenantId: id, region: US, domains: [`b.twin-${round}.example.org`] })),
      ]);
      expect([a, b].sort()).toEqual(['OperationRefusedError', 'ok']);
      const tenant = await h.tenant(id);
      const winner = tenant?.record.region === EU ? 'a' : 'b';
      const loser = winner === 'a' ? 'b' : 'a';
      expect(tenant?.record.domains).toEqual([`${winner}.twin-${round}.example.org`]);
      expect(await h.table.getDomain(`${loser}.twin-${round}.example.org`)).toBeUndefined();
    }
    expect(await violations(h.table)).toEqual([]);
  });
});

describe('a host split by path prefix', () => {
  it('keeps the other tenants prefixes when one is released, and refuses to drop the host under them', async () => {
    await addTenant(ctx, { tenantId: tenantId('mall'), region: EU, domains: ['mall.example.org'] });
    await addTenant(ctx, { tenantId: tenantId('shop1'), region: EU, domains: [] });
    await addTenant(ctx, { tenantId: tenantId('shop2'), region: US, domains: [] });
    await addDomain(ctx, tenantId('shop1'), { host: 'mall.example.org', path: '/one' });
    await addDomain(ctx, tenantId('shop2'), { host: 'mall.example.org', path: '/two' });

    await expect(removeDomain(ctx, tenantId('mall'), { host: 'mall.example.org' })).rejects.toThrow(
      /also routes \/one to shop1, \/two to shop2: remove those path claims first; nothing was changed/,
    );
    expect((await h.tenant('mall'))?.record.domains).toEqual(['mall.example.org']);

    await removeDomain(ctx, tenantId('shop1'), { host: 'mall.example.org', path: '/one' });
    const item = await h.table.getDomain('mall.example.org');
    expect(item?.tenantId).toBe('mall');
    expect([...(item?.paths ?? [])]).toEqual([['/two', 'shop2']]);
    expect((await h.tenant('shop1'))?.record.domains).toEqual([]);
    expect(await violations(h.table)).toEqual([]);
  });

  it('releases a removed tenant prefixes, so a new tenant reusing the id inherits nothing', async () => {
    await removeTenant(ctx, tenantId('shop2'));
    expect((await h.table.getDomain('mall.example.org'))?.paths?.size ?? 0).toBe(0);
    await addTenant(ctx, { tenantId: tenantId('shop2'), region: US, domains: [] });
    expect((await h.table.getDomain('mall.example.org'))?.paths?.get('/two')).toBeUndefined();
    expect(await violations(h.table)).toEqual([]);
  });

  it('refuses the removal of a host that still routes prefixes, changing nothing', async () => {
    await addTenant(ctx, { tenantId: tenantId('mall'), region: EU, domains: ['mall2.example.org'] });
    await addDomain(ctx, tenantId('mall'), { host: 'mall.example.org' });
    await addDomain(ctx, tenantId('shop1'), { host: 'mall.example.org', path: '/one' });
    await expect(removeTenant(ctx, tenantId('mall'))).rejects.toThrow(
      /cannot remove tenant mall: mall\.example\.org \(still routes \/one to shop1\): remove those path claims first; nothing was changed/,
    );
    const mall = await h.tenant('mall');
    expect([...(mall?.record.domains ?? [])].sort()).toEqual(['mall.example.org', 'mall2.example.org']);
    expect(await h.table.getDomain('mall2.example.org')).toBeDefined();
    expect(mall?.removal).toBeUndefined();
    await removeDomain(ctx, tenantId('shop1'), { host: 'mall.example.org', path: '/one' });
    await removeTenant(ctx, tenantId('mall'));
    expect(await h.table.getDomain('mall.example.org')).toBeUndefined();
    expect(await violations(h.table)).toEqual([]);
  });
});

describe('add-domain racing remove', () => {
  it('never leaves a domain routing to a removed tenant (10 rounds)', async () => {
    const fast: OperationContext = { ...ctx, claimLeaseMs: 300 };
    for (let round = 0; round < 10; round++) {
      const id = tenantId(`brief-${round}`);
      await addTenant(fast, { tenantId: id, region: EU, domains: [] });
      const host = `late.brief-${round}.example.org`;
      await Promise.all([outcome(addDomain(fast, id, { host })), outcome(removeTenant(fast, id))]);
      const tenant = await h.tenant(id);
      const holder = (await h.table.getDomain(host))?.tenantId;
      if (tenant === undefined) expect(holder).toBeUndefined();
      else expect(holder === undefined || tenant.record.domains?.includes(host) === true).toBe(true);
      if (tenant !== undefined) await removeTenant(fast, id);
    }
    expect(await violations(h.table)).toEqual([]);
  });
});

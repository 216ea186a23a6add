/**
 * `tenants check` and `--repair` over a table seeded with every kind of broken state an operator
 * (or a crash, or a hand edit) can leave; and pending claims of a crashed operation settled by a
 * rerun, by the repair and by a removal.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainToItem, type Item, tenantKey } from '../../edge/items.ts';
import type { Region, TenantId } from '../../edge/model.ts';
import { addDomain } from '../../scripts/lib/tenants/domain-claims.ts';
import type { OperationContext } from '../../scripts/lib/tenants/operation-context.ts';
import { addTenant } from '../../scripts/lib/tenants/tenant-lifecycle.ts';
import { removeTenant } from '../../scripts/lib/tenants/tenant-removal.ts';
import type { TenantTable } from '../../scripts/lib/tenants/tenant-table.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type OpsHarness, startOpsHarness } from '../support/ops-harness.ts';
import { tenantId } from '../support/records.ts';
import { violations } from '../support/table-invariants.ts';

const EU = 'eu-west-1' as Region;
let h: OpsHarness;
let ctx: OperationContext;
const tenants = (...argv: string[]) => h.run(runTenantsCli, argv);
const now = () => new Date().toISOString();

async function audits(): Promise<Item[]> {
  const out = await h.local.client.send(new ScanCommand({ TableName: h.local.tableName }));
  return (out.Items ?? []).filter((i) => i.pk?.S?.startsWith('AUDIT#') && i.action?.S === 'check-repair');
}

/** A table whose `call`-th call of `method` fails: an operation killed right there. */
function killedAt(table: TenantTable, method: 'claimDomain' | 'updateTenant', call: number): TenantTable {
  let calls = 0;
  const crash = () => {
    if (++calls === call) throw new Error('killed');
  };
  if (method === 'claimDomain') {
    return {
      ...table,
      claimDomain: async (claim, id) => {
        crash();
        return table.claimDomain(claim, id);
      },
    };
  }
  return {
    ...table,
    updateTenant: async (t, change) => {
      crash();
      return table.updateTenant(t, change);
    },
  };
}

beforeAll(async () => {
  h = await startOpsHarness();
  await h.declareRegions([EU, 'us-east-1']);
  ctx = { table: h.table, config: h.config, actor: 'test@check' };
});

afterAll(async () => {
  await h?.close();
});

describe('tenants check', () => {
  it('finds nothing wrong in a table the tools wrote, and says so with exit 0', async () => {
    await addTenant(ctx, { tenantId: tenantId('clean'), region: EU, domains: ['clean.example.org'] });
    const r = await tenants('check');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 violation\(s\), 0 operation\(s\) in flight/);
  });

  it('reports every violation, names the item and field, and exits 1', async () => {
    await h.local.seed([
      domainToItem({ host: 'orphan.example.org', tenantId: 'ghost' as TenantId }, now()),
      domainToItem({ host: 'unlisted.example.org', tenantId: 'clean' as TenantId }, now()),
      { pk: { S: 'DOMAIN#broken.example.org' }, kind: { S: 'domain' } },
    ]);
    const clean = await h.tenant('clean');
    if (clean === undefined) throw new Error('missing');
    await h.table.updateTenant(clean, { domains: ['clean.example.org', 'gone.example.org'] });
    const r = await tenants('check', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const kinds = report.violations.map((v: { kind: string; pk: string }) => `${v.kind} ${v.pk}`).sort();
    expect(kinds).toEqual([
      'claim-of-missing-tenant DOMAIN#orphan.example.org',
      'listed-not-claimed TENANT#clean',
      'malformed-item DOMAIN#broken.example.org',
      'unlisted-claim DOMAIN#unlisted.example.org',
    ]);
    const malformed = report.violations.find((v: { kind: string }) => v.kind === 'malformed-item');
    expect(malformed.message).toMatch(/tenantId must be a string/);
    expect(malformed.repair).toBeNull();
  });

  it('prints the repair plan with --dry-run and changes nothing', async () => {
    const before = await violations(h.table);
    const r = await tenants('check', '--repair', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/repair plan: 3 change\(s\)/);
    expect(r.stdout).toMatch(/release orphan\.example\.org from tenant ghost/);
    expect(r.stdout).toMatch(/dry run: nothing changed/);
    expect(await violations(h.table)).toEqual(before);
    expect(await audits()).toHaveLength(0);
  });

  it('repairs what is safe, one audit entry per change, and leaves what needs a person', async () => {
    const r = await tenants('check', '--repair');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/repaired: release orphan\.example\.org/);
    expect(r.stdout).toMatch(/repaired: list unlisted\.example\.org on tenant clean/);
    expect(r.stdout).toMatch(/repaired: claim gone\.example\.org for tenant clean again/);
    expect(r.stdout).toMatch(/needs a person {2}malformed-item {2}DOMAIN#broken\.example\.org/);
    expect(await audits()).toHaveLength(3);
    expect(await h.table.getDomain('orphan.example.org')).toBeUndefined();
    expect([...((await h.tenant('clean'))?.record.domains ?? [])].sort()).toEqual([
      'clean.example.org',
      'gone.example.org',
      'unlisted.example.org',
    ]);
    await h.local.deleteItem('DOMAIN#broken.example.org');
    expect((await tenants('check')).code).toBe(0);
  });

  it('reports an expired migration lease and an undeclared region with the command to run', async () => {
    await addTenant(ctx, { tenantId: tenantId('stuck'), region: EU, domains: [] });
    const stuck = await h.tenant('stuck');
    if (stuck === undefined) throw new Error('missing');
    await h.table.updateTenant(stuck, {
      failoverRegion: 'sa-east-1' as Region,
      migration: {
        id: 'm1',
        from: EU,
        to: 'us-east-1' as Region,
        phase: 'switched',
        startedAt: now(),
        owner: 'dead@host:1:x',
        leaseUntil: Date.now() - 1000,
        phaseAt: Date.now() - 2000,
        freeze: false,
      },
    });
    const r = await tenants('check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /migration-lease-expired {2}TENANT#stuck: .*npm run migrate -- stuck --to us-east-1/,
    );
    expect(r.stdout).toMatch(
      /undeclared-region {2}TENANT#stuck: .*failover region sa-east-1 is not declared/,
    );
    await h.local.deleteItem(tenantKey('stuck'));
  });

  it('refuses a bad --read-rate with exit 2', async () => {
    const r = await tenants('check', '--read-rate', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--read-rate must be a whole number/);
  });
});

describe('pending claims of an operation cut short', () => {
  it('are in flight while the lease lasts, then settled by the repair by who holds the domain', async () => {
    const fast: OperationContext = { ...ctx, claimLeaseMs: 200 };
    await addTenant(ctx, { tenantId: tenantId('cut'), region: EU, domains: [] });
    // Killed after the claim landed and before the settle: the claim is held, still pending.
    await expect(
      addDomain({ ...fast, table: killedAt(h.table, 'updateTenant', 2) }, tenantId('cut'), {
        host: 'a.cut.example.org',
      }),
    ).rejects.toThrow('killed');
    // Killed before its claim: pending, not held.
    await expect(
      addDomain({ ...fast, table: killedAt(h.table, 'claimDomain', 1) }, tenantId('cut'), {
        host: 'b.cut.example.org',
      }),
    ).rejects.toThrow('killed');
    const cut = await h.tenant('cut');
    expect([...(cut?.pendingClaims?.keys() ?? [])].sort()).toEqual([
      'a.cut.example.org',
      'b.cut.example.org',
    ]);
    expect(await violations(h.table)).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    expect((await violations(h.table)).map((v) => v.split(':')[0])).toEqual([
      'pending-claim-expired TENANT#cut',
      'pending-claim-expired TENANT#cut',
    ]);
    expect((await tenants('check', '--repair')).code).toBe(0);
    const settled = await h.tenant('cut');
    expect(settled?.record.domains).toEqual(['a.cut.example.org']);
    expect(settled?.pendingClaims).toBeUndefined();
  });

  it('are released by a removal, which waits out a live lease first', async () => {
    const fast: OperationContext = { ...ctx, claimLeaseMs: 300 };
    await addTenant(ctx, { tenantId: tenantId('cut2'), region: EU, domains: [] });
    await expect(
      addDomain({ ...fast, table: killedAt(h.table, 'updateTenant', 2) }, tenantId('cut2'), {
        host: 'a.cut2.example.org',
      }),
    ).rejects.toThrow('killed');
    const waits: string[] = [];
    await removeTenant({ ...fast, notify: (line) => waits.push(line) }, tenantId('cut2'));
    expect(waits[0]).toMatch(/waiting for an operation in flight on a\.cut2\.example\.org/);
    expect(await h.table.getDomain('a.cut2.example.org')).toBeUndefined();
    expect(await violations(h.table)).toEqual([]);
  });

  it('are settled by a rerun of the same add-domain', async () => {
    const fast: OperationContext = { ...ctx, claimLeaseMs: 200 };
    await addTenant(ctx, { tenantId: tenantId('cut3'), region: EU, domains: [] });
    await expect(
      addDomain({ ...fast, table: killedAt(h.table, 'claimDomain', 1) }, tenantId('cut3'), {
        host: 'a.cut3.example.org',
      }),
    ).rejects.toThrow('killed');
    // The same intent takes the live pending record over: nothing was settled, so it is an add.
    const { change, tenant } = await addDomain(fast, tenantId('cut3'), { host: 'a.cut3.example.org' });
    expect(change).toBe('added');
    expect(tenant.record.domains).toEqual(['a.cut3.example.org']);
    expect(tenant.pendingClaims).toBeUndefined();
  });
});

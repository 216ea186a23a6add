import { writeFile } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainKey, domainToItem, type Item } from '../../edge/items.ts';
import type { TenantId } from '../../edge/model.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type OpsHarness, startOpsHarness } from '../support/ops-harness.ts';

let h: OpsHarness;
const tenants = (...argv: string[]) => h.run(runTenantsCli, argv);
const json = async (...argv: string[]) => {
  const r = await tenants(...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

async function scanAll(): Promise<Item[]> {
  const out = await h.local.client.send(new ScanCommand({ TableName: h.local.tableName }));
  return out.Items ?? [];
}

beforeAll(async () => {
  h = await startOpsHarness();
  for (const run of await h.declareRegions(['eu-west-1', 'us-east-1'])) expect(run.code).toBe(0);
  expect((await tenants('region', 'set', 'eu-west-1', '--failover', 'us-east-1')).code).toBe(0);
  expect((await tenants('region', 'set', 'us-east-1', '--failover', 'eu-west-1')).code).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

describe('tenants (help and usage)', () => {
  it('prints the command list and each command help', async () => {
    const top = await tenants('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('add-domain');
    const add = await tenants('add', '--help');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Usage: npm run tenants -- add');
    expect((await tenants('region', 'set', '--help')).stdout).toContain('draining');
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['add', 'acme'], /expected <tenant> <home-region>/],
    [['add', 'acme', 'eu-west-1', '--bogus'], /Unknown option/],
    [['list', '--limit', '0'], /--limit must be a whole number/],
    [['list', '--next', 'not-a-token'], /not a token/],
    [['maintenance', 'acme', 'sideways'], /on\|off/],
    [['region', 'set', 'eu-west-1', '--status', 'closed'], /active or draining/],
  ])('refuses %j with one line on stderr and exit 2', async (argv, message) => {
    const r = await tenants(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tenants region set / regions', () => {
  it('lists the declared regions', async () => {
    const out = await json('regions');
    expect(out.regions.map((r: { region: string }) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(out.regions[0].healthUrl).toBe(h.healthUrl);
  });

  it.each([
    [['ap-southeast-2'], /--origin is required/],
    [['ap-southeast-2', '--origin', 'https://pool.evil.com'], /outside the allowed origin suffixes/],
    [['ap-southeast-2', '--origin', 'ftp://pool.origin.example.com'], /http or https/],
    [['eu-west-1', '--failover', 'sa-east-1'], /not a known region/],
    [['eu-west-1', '--failover', 'eu-west-1'], /itself/],
    [['eu-west-1', '--health-url', 'nope'], /not an http/],
    [['mars'], /not an AWS region name/],
  ])('refuses region set %j and writes nothing', async (argv, message) => {
    const before = await h.table.getRegions();
    const r = await tenants('region', 'set', ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect((await h.table.getRegions())?.version).toBe(before?.version);
  });
});

describe('tenants add / show / remove', () => {
  it('adds a tenant with domains and a dedicated origin, and shows it', async () => {
    const out = await json(
      'add',
      'acme',
      'eu-west-1',
      '--domain',
      'Shop.Acme.COM',
      '--domain',
      '*.acme.net',
      '--origin',
      'https://acme.origin.example.com:8443/app',
    );
    expect(out.outcome).toBe('created');
    expect(out.tenant).toMatchObject({
      tenantId: 'acme',
      region: 'eu-west-1',
      status: 'active',
      domains: ['shop.acme.com', '*.acme.net'],
      origin: 'https://acme.origin.example.com:8443/app',
      // Created with its domains pending (1), then settled once they were claimed (2).
      version: 2,
    });
    expect((await h.table.getDomain('shop.acme.com'))?.tenantId).toBe('acme');
    expect((await h.table.getDomain('*.acme.net'))?.tenantId).toBe('acme');
    const shown = await tenants('show', 'acme');
    expect(shown.stdout).toContain('domains   shop.acme.com, *.acme.net');
  });

  it('is idempotent: the same add again is unchanged, a different one is refused', async () => {
    const again = await json(
      'add',
      'acme',
      'eu-west-1',
      '--domain',
      'shop.acme.com',
      '--domain',
      '*.acme.net',
      '--origin',
      'https://acme.origin.example.com:8443/app',
    );
    expect(again.outcome).toBe('unchanged');
    expect(again.tenant.version).toBe(2);
    const other = await tenants('add', 'acme', 'us-east-1');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/already exists and differs: region is eu-west-1/);
  });

  it('completes a half-done add (domains claimed, tenant item missing)', async () => {
    // A crash after the claims and before the tenant write leaves exactly this.
    await h.local.seed([
      domainToItem({ host: 'half.example.org', tenantId: 'half' as TenantId }, new Date().toISOString()),
    ]);
    const out = await json(
      'add',
      'half',
      'us-east-1',
      '--domain',
      'half.example.org',
      '--domain',
      'half2.example.org',
    );
    expect(out.outcome).toBe('created');
    expect(out.tenant.domains).toEqual(['half.example.org', 'half2.example.org']);
  });

  it('refuses a domain claimed by another tenant atomically: no tenant, no claims left behind', async () => {
    const r = await tenants(
      'add',
      'intruder',
      'eu-west-1',
      '--domain',
      'fresh.intruder.io',
      '--domain',
      'shop.acme.com',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: domain shop.acme.com is already claimed by tenant acme; nothing was changed\n',
    );
    expect(await h.tenant('intruder')).toBeUndefined();
    expect(await h.table.getDomain('fresh.intruder.io')).toBeUndefined();
    expect((await h.table.getDomain('shop.acme.com'))?.tenantId).toBe('acme');
  });

  it.each([
    [['bad', 'ap-south-1'], /unknown region ap-south-1/],
    [['bad', 'eu-west-1', '--domain', 'not a domain'], /malformed/],
    [['bad', 'eu-west-1', '--domain', 'shop.acme.com:8080'], /malformed/],
    [['bad', 'eu-west-1', '--domain', 'bad.app.example.com'], /platform domain/],
    [['bad', 'eu-west-1', '--origin', 'https://bad.evil.com'], /outside the allowed origin suffixes/],
    [['bad', 'eu-west-1', '--origin', 'https://bad.origin.example.com:22'], /port/],
    [['bad', 'eu-west-1', '--failover', 'sa-east-1'], /unknown region sa-east-1/],
    [['bad-', 'eu-west-1'], /tenant id/],
    [['bad', 'eu-west-1', '--status', 'zombie'], /status/],
  ])('refuses add %j with exit 2 and writes nothing', async (argv, message) => {
    const r = await tenants('add', ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await h.tenant('bad')).toBeUndefined();
  });

  it('refuses a missing or invalid configuration file with exit 2', async () => {
    const r = await tenants('show', 'acme', '--config', '/nonexistent/router.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot read configuration \/nonexistent\/router.json/);
  });

  it('shows a missing tenant as an error', async () => {
    const r = await tenants('show', 'nobody');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: no tenant nobody\n');
  });

  it('removes a tenant after a dry run, releasing its domains and auditing it', async () => {
    await json('add', 'gone', 'us-east-1', '--domain', 'gone.example.org');
    const dry = await json('remove', 'gone', '--dry-run');
    expect(dry).toEqual({ dryRun: true, tenantId: 'gone', domains: ['gone.example.org'] });
    expect(await h.tenant('gone')).toBeDefined();
    const out = await json('remove', 'gone');
    expect(out).toEqual({ removed: 'gone', releasedDomains: ['gone.example.org'] });
    expect(await h.tenant('gone')).toBeUndefined();
    expect(await h.table.getDomain('gone.example.org')).toBeUndefined();
    const audits = (await scanAll()).filter((i) => i.pk?.S?.startsWith('AUDIT#gone#'));
    expect(audits.map((a) => a.action?.S)).toEqual(['remove']);
    expect((await tenants('remove', 'gone')).code).toBe(1);
  });
});

describe('tenants set', () => {
  it('sets and clears the dedicated origin and the failover region, visible to the router', async () => {
    await json('add', 'initech', 'eu-west-1', '--domain', 'initech.example.org');
    const set = await json(
      'set',
      'initech',
      '--origin',
      'https://initech.origin.example.com',
      '--failover',
      'us-east-1',
    );
    expect(set).toMatchObject({
      changed: true,
      tenant: { origin: 'https://initech.origin.example.com', failoverRegion: 'us-east-1', version: 3 },
    });
    expect((await json('resolve', 'initech.example.org')).decision).toMatchObject({ via: 'dedicated' });
    expect((await json('set', 'initech', '--origin', 'https://initech.origin.example.com')).changed).toBe(
      false,
    );
    const cleared = await json('set', 'initech', '--origin', 'none', '--failover', 'none');
    expect(cleared.tenant).toMatchObject({ origin: null, failoverRegion: null, version: 4 });
    expect((await json('resolve', 'initech.example.org')).decision).toMatchObject({
      via: 'home',
      region: 'eu-west-1',
    });
  });

  it.each([
    [['initech'], 2, /give --origin and\/or --failover/],
    [['initech', '--origin', 'https://initech.evil.com'], 2, /outside the allowed origin suffixes/],
    [['initech', '--failover', 'sa-east-1'], 2, /unknown region sa-east-1/],
    [['nobody', '--failover', 'us-east-1'], 1, /no tenant nobody/],
  ])('refuses set %j and writes nothing', async (argv, code, message) => {
    const before = await h.tenant('initech');
    const r = await tenants('set', ...argv);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect((await h.tenant('initech'))?.record.version).toBe(before?.record.version);
  });
});

describe('tenants add-domain / remove-domain', () => {
  it('adds and removes a domain', async () => {
    await json('add', 'globex', 'us-east-1');
    expect((await json('add-domain', 'globex', 'www.globex.com')).change).toBe('added');
    expect((await json('add-domain', 'globex', 'www.globex.com')).change).toBe('unchanged');
    expect((await h.tenant('globex'))?.record.domains).toEqual(['www.globex.com']);
    expect((await json('remove-domain', 'globex', 'www.globex.com')).change).toBe('removed');
    expect(await h.table.getDomain('www.globex.com')).toBeUndefined();
    expect((await h.tenant('globex'))?.record.domains).toEqual([]);
    const again = await tenants('remove-domain', 'globex', 'www.globex.com');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/does not have domain/);
  });

  it('refuses a domain of another tenant and leaves both tenants as they were', async () => {
    const before = await h.tenant('globex');
    const r = await tenants('add-domain', 'globex', 'shop.acme.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already claimed by tenant acme/);
    expect((await h.tenant('globex'))?.record.version).toBe(before?.record.version);
    const steal = await tenants('remove-domain', 'globex', 'shop.acme.com');
    expect(steal.stderr).toMatch(/belongs to tenant acme/);
    expect((await h.table.getDomain('shop.acme.com'))?.tenantId).toBe('acme');
  });

  it('repairs a half-done add (claimed, not listed) and a half-done remove (released, still listed)', async () => {
    await h.local.seed([
      domainToItem({ host: 'cut.globex.com', tenantId: 'globex' as TenantId }, new Date().toISOString()),
    ]);
    expect((await json('add-domain', 'globex', 'cut.globex.com')).change).toBe('repaired');
    expect((await h.tenant('globex'))?.record.domains).toContain('cut.globex.com');
    await h.local.deleteItem(domainKey('cut.globex.com'));
    expect((await json('show', 'globex')).domainClaims).toEqual([
      { host: 'cut.globex.com', claim: 'not claimed' },
    ]);
    expect((await tenants('show', 'globex')).stdout).toContain(
      'warning   domain cut.globex.com is not claimed',
    );
    expect((await json('remove-domain', 'globex', 'cut.globex.com')).change).toBe('repaired');
    expect((await h.tenant('globex'))?.record.domains).not.toContain('cut.globex.com');
  });

  it('gives a contested domain to exactly one of two tenants adding it at once', async () => {
    await json('add', 'rival-a', 'eu-west-1');
    await json('add', 'rival-b', 'eu-west-1');
    const results = await Promise.all([
      tenants('add-domain', 'rival-a', 'contested.example.org'),
      tenants('add-domain', 'rival-b', 'contested.example.org'),
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const winner = (await h.table.getDomain('contested.example.org'))?.tenantId;
    const loser = winner === 'rival-a' ? 'rival-b' : 'rival-a';
    expect((await h.tenant(winner as string))?.record.domains).toEqual(['contested.example.org']);
    expect((await h.tenant(loser))?.record.domains).toEqual([]);
  });
});

describe('tenants suspend / resume / maintenance / resolve', () => {
  it('resolves a host with the router code: home pool, dedicated origin, unknown host', async () => {
    const acme = await json('resolve', 'x.acme.net');
    expect(acme.decision).toMatchObject({
      kind: 'forward',
      tenantId: 'acme',
      via: 'dedicated',
      origin: 'https://acme.origin.example.com:8443/app',
    });
    const globex = await json('resolve', 'globex.app.example.com');
    expect(globex.decision).toMatchObject({
      kind: 'forward',
      tenantId: 'globex',
      region: 'us-east-1',
      via: 'home',
      origin: 'https://pool.us-east-1.origin.example.com',
    });
    const unknown = await json('resolve', 'nobody.example.org');
    expect(unknown.decision).toMatchObject({ kind: 'respond', status: 404 });
    const human = await tenants('resolve', 'SHOP.acme.com.');
    expect(human.stdout).toBe(
      'shop.acme.com: forward to https://acme.origin.example.com:8443/app (tenant acme, region eu-west-1, via dedicated)\n',
    );
  });

  it('suspends, resumes and toggles maintenance, each visible to the router and audited', async () => {
    expect((await json('suspend', 'globex', '--reason', 'abuse')).changed).toBe(true);
    expect((await json('resolve', 'globex.app.example.com')).decision).toMatchObject({ status: 403 });
    expect((await json('suspend', 'globex')).changed).toBe(false);
    const blocked = await tenants('maintenance', 'globex', 'on');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/cannot maintenance-on tenant globex: it is suspended/);
    expect((await json('resume', 'globex')).tenant.status).toBe('active');
    expect((await json('maintenance', 'globex', 'on')).tenant.status).toBe('maintenance');
    expect((await json('resolve', 'globex.app.example.com')).decision).toMatchObject({
      status: 503,
      retryAfter: 30,
    });
    expect((await json('maintenance', 'globex', 'off')).tenant.status).toBe('active');
    const audits = (await scanAll()).filter((i) => i.pk?.S?.startsWith('AUDIT#globex#'));
    expect(audits.map((a) => a.action?.S).sort()).toEqual([
      'maintenance-off',
      'maintenance-on',
      'resume',
      'suspend',
    ]);
    expect(audits.find((a) => a.action?.S === 'suspend')?.details?.M?.reason?.S).toBe('abuse');
  });

  it('sends the tenants of a draining region to the failover region at the edge', async () => {
    await json('region', 'set', 'us-east-1', '--status', 'draining');
    const out = await json('resolve', 'globex.app.example.com');
    expect(out.decision).toMatchObject({ kind: 'forward', region: 'eu-west-1', via: 'failover' });
    await json('region', 'set', 'us-east-1', '--status', 'active');
  });
});

describe('tenants list', () => {
  beforeAll(async () => {
    const lines = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify({
        tenantId: `bulk-${String(i).padStart(2, '0')}`,
        region: i % 2 === 0 ? 'eu-west-1' : 'us-east-1',
        status: i % 5 === 0 ? 'suspended' : 'active',
      }),
    );
    const file = `${h.configPath}.bulk.jsonl`;
    await writeFile(file, `${lines.join('\n')}\n`);
    expect((await tenants('import', file)).code).toBe(0);
  });

  it('pages through every tenant of every region with --next, without duplicates', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const page: { tenants: { tenantId: string }[]; next: string | null } = await json(
        'list',
        '--limit',
        '7',
        ...(next === null ? [] : ['--next', next]),
      );
      expect(page.tenants.length).toBeLessThanOrEqual(7);
      seen.push(...page.tenants.map((t) => t.tenantId));
      next = page.next;
      pages++;
    } while (next !== null && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => id.startsWith('bulk-'))).toHaveLength(25);
    expect(seen).toEqual(expect.arrayContaining(['acme', 'globex', 'half', 'initech']));
  });

  it('filters by home region and status', async () => {
    const eu = await json('list', '--home', 'eu-west-1', '--status', 'suspended', '--limit', '1000');
    expect(eu.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual([
      'bulk-00',
      'bulk-10',
      'bulk-20',
    ]);
    expect(eu.next).toBeNull();
    const all = await tenants('list', '--all', '--json', '--status', 'suspended', '--limit', '2');
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).tenantId),
    ).toEqual(['bulk-00', 'bulk-10', 'bulk-20', 'bulk-05', 'bulk-15']);
  });
});

describe('tenants import / export', () => {
  it('imports JSON lines and CSV idempotently', async () => {
    const jsonl = `${h.configPath}.import.jsonl`;
    await writeFile(
      jsonl,
      [
        JSON.stringify({
          tenantId: 'imp-1',
          region: 'eu-west-1',
          domains: ['imp-1.example.org'],
          origin: 'https://imp.origin.example.com',
        }),
        JSON.stringify({ tenantId: 'imp-2', region: 'us-east-1', domains: [], failoverRegion: 'eu-west-1' }),
      ].join('\n'),
    );
    expect(await json('import', jsonl)).toMatchObject({ total: 2, created: 2, failed: 0 });
    expect(await json('import', jsonl)).toMatchObject({ total: 2, created: 0, unchanged: 2, failed: 0 });
    const csv = `${h.configPath}.import.csv`;
    await writeFile(
      csv,
      'tenantId,region,domains,origin,failoverRegion,status\nimp-3,eu-west-1,a.imp3.org b.imp3.org,,us-east-1,maintenance\n',
    );
    expect(await json('import', csv)).toMatchObject({ created: 1 });
    expect((await h.tenant('imp-3'))?.record).toMatchObject({
      status: 'maintenance',
      domains: ['a.imp3.org', 'b.imp3.org'],
      failoverRegion: 'us-east-1',
    });
  });

  it('writes nothing when any line is invalid, naming each bad line', async () => {
    const file = `${h.configPath}.bad.jsonl`;
    await writeFile(
      file,
      [
        JSON.stringify({ tenantId: 'ok-1', region: 'eu-west-1' }),
        JSON.stringify({ tenantId: 'bad-1', region: 'ap-mars-9' }),
        '{not json',
        JSON.stringify({
          tenantId: 'ok-2',
          region: 'eu-west-1',
          domains: ['imp-1.example.org'],
          origin: 'https://x.evil.com',
        }),
        JSON.stringify({ tenantId: 'ok-1', region: 'eu-west-1' }),
      ].join('\n'),
    );
    const r = await tenants('import', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/:2: unknown region ap-mars-9/);
    expect(r.stderr).toMatch(/:3: not JSON/);
    expect(r.stderr).toMatch(/:4: origin x\.evil\.com is outside/);
    expect(r.stderr).toMatch(/:5: tenant ok-1 is also on line 1/);
    expect(r.stderr).toMatch(/error: 4 invalid line\(s\); nothing was imported/);
    expect(await h.tenant('ok-1')).toBeUndefined();
  });

  it('reports lines that conflict with the table as failed and imports the rest', async () => {
    const file = `${h.configPath}.conflict.jsonl`;
    await writeFile(
      file,
      [
        JSON.stringify({ tenantId: 'imp-4', region: 'eu-west-1', domains: ['shop.acme.com'] }),
        JSON.stringify({ tenantId: 'imp-5', region: 'eu-west-1' }),
      ].join('\n'),
    );
    const r = await tenants('import', file, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      created: 1,
      failed: 1,
      failures: [{ line: 1, tenantId: 'imp-4' }],
    });
    expect(await h.tenant('imp-4')).toBeUndefined();
  });

  it('validates with --dry-run without writing', async () => {
    const file = `${h.configPath}.dry.jsonl`;
    await writeFile(file, `${JSON.stringify({ tenantId: 'dry-1', region: 'eu-west-1' })}\n`);
    expect(await json('import', file, '--dry-run')).toEqual({ dryRun: true, valid: 1 });
    expect(await h.tenant('dry-1')).toBeUndefined();
  });

  it('exports what import reads back unchanged, as JSON lines and CSV', async () => {
    const out = `${h.configPath}.export.jsonl`;
    expect(await json('export', '--out', out)).toMatchObject({ out });
    const reimport = await json('import', out);
    expect(reimport.failed).toBe(0);
    expect(reimport.created).toBe(0);
    expect(reimport.unchanged).toBe(reimport.total);
    const csv = await tenants('export', '--format', 'csv', '--home', 'eu-west-1', '--status', 'maintenance');
    expect(csv.stdout).toBe(
      'tenantId,region,domains,origin,failoverRegion,status\nimp-3,eu-west-1,a.imp3.org b.imp3.org,,us-east-1,maintenance\n',
    );
  });
});

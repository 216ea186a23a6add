/**
 * The operator tools against the hardening rules: a dedicated origin's own secret and its
 * rotation, writes the router would refuse (public suffixes, S3 buckets by exact name over HTTPS,
 * field limits), and showing and repairing a malformed REGIONS entry.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Item, tenantKey } from '../../edge/items.ts';
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
async function rawItem(pk: string): Promise<Item> {
  const out = await h.local.client.send(
    new GetItemCommand({ TableName: h.local.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  return out.Item ?? {};
}
const rawTenant = (id: string) => rawItem(tenantKey(id));

beforeAll(async () => {
  h = await startOpsHarness();
  for (const run of await h.declareRegions(['eu-west-1', 'us-east-1'])) expect(run.code).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

describe('tenants origin-secret', () => {
  it('stages a secret (shown once, not sent), promotes it (sent), and clears it', async () => {
    await json('add', 'wayne', 'eu-west-1', '--origin', 'https://wayne.origin.example.com');
    const staged = await json('origin-secret', 'wayne', 'stage');
    expect(staged.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    let item = await rawTenant('wayne');
    expect(item.nextOriginSecret?.S).toBe(staged.secret);
    expect(item.originSecret).toBeUndefined();
    // Shown as present, never by value.
    const shown = await json('show', 'wayne');
    expect(shown.tenant ?? shown).toMatchObject({ originSecret: false, nextOriginSecretStaged: true });
    expect(JSON.stringify(shown)).not.toContain(staged.secret);

    const promoted = await json('origin-secret', 'wayne', 'promote');
    expect(promoted.oldValueSentForMs).toBeGreaterThan(0);
    item = await rawTenant('wayne');
    expect(item.originSecret?.S).toBe(staged.secret);
    expect(item.nextOriginSecret).toBeUndefined();

    await json('origin-secret', 'wayne', 'clear');
    item = await rawTenant('wayne');
    expect(item.originSecret).toBeUndefined();
  });

  it('refuses a tenant on the pool origin, a promote with nothing staged, and bad usage', async () => {
    await json('add', 'pooled', 'eu-west-1');
    const pooled = await tenants('origin-secret', 'pooled', 'stage');
    expect(pooled.code).toBe(1);
    expect(pooled.stderr).toMatch(/no dedicated custom origin/);
    await json('add', 'fresh', 'eu-west-1', '--origin', 'https://fresh.origin.example.com');
    const early = await tenants('origin-secret', 'fresh', 'promote');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no staged secret/);
    const usage = await tenants('origin-secret', 'fresh', 'rotate');
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tenants and a malformed REGIONS entry', () => {
  it('refuses an over-long health URL at write time, by the router’s own limit', async () => {
    const before = await rawItem('REGIONS');
    const r = await tenants(
      'region',
      'set',
      'eu-west-1',
      '--health-url',
      `https://h.example.com/${'x'.repeat(2100)}`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/longer than 2048/);
    expect(await rawItem('REGIONS')).toEqual(before);
  });

  it('shows a malformed entry, keeps it through other writes, and repairs it with region set', async () => {
    const item = await rawItem('REGIONS');
    const regions = item.regions?.M ?? {};
    await h.local.seed([
      { ...item, regions: { M: { ...regions, 'us-east-1': { M: { status: { S: 'open' } } } } } },
    ]);
    const listed = await json('regions');
    expect(listed.regions.map((r: { region: string }) => r.region)).toEqual(['eu-west-1']);
    expect(listed.malformed).toEqual([{ region: 'us-east-1', problem: expect.stringMatching(/origin/) }]);
    expect((await tenants('regions')).stdout).toMatch(/us-east-1 +MALFORMED .*tenants region set us-east-1/);

    // Another region's write keeps the malformed entry as it was, for an operator to see.
    await json('region', 'set', 'eu-west-1', '--status', 'draining');
    expect((await rawItem('REGIONS')).regions?.M?.['us-east-1']).toEqual({ M: { status: { S: 'open' } } });

    const repaired = await tenants(
      'region',
      'set',
      'us-east-1',
      '--origin',
      'https://pool.us-east-1.origin.example.com',
    );
    expect(repaired.code).toBe(0);
    const after = await json('regions');
    expect(after.malformed).toEqual([]);
    expect(after.regions.map((r: { region: string }) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    await json('region', 'set', 'eu-west-1', '--status', 'active');
  });
});

describe('tenants refuses what would capture or leak other people’s traffic', () => {
  it.each([
    ['*.co.uk', /wildcard directly over the public suffix co\.uk/],
    ['*.github.io', /wildcard directly over the public suffix github\.io/],
    ['co.uk', /co\.uk is a public suffix/],
    ['github.io', /github\.io is a public suffix/],
  ])('refuses the domain %j (a public suffix, or a wildcard over one)', async (domain, message) => {
    const r = await tenants('add', 'greedy', 'eu-west-1', '--domain', domain);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await h.tenant('greedy')).toBeUndefined();
  });

  it('accepts a wildcard over a registrable domain under a public suffix', async () => {
    const out = await json('add', 'uk-shop', 'eu-west-1', '--domain', '*.uk-shop.co.uk');
    expect(out.tenant.domains).toEqual(['*.uk-shop.co.uk']);
  });

  it.each([
    ['http://tenant-assets.s3.eu-west-1.amazonaws.com', /must be https for an AWS endpoint/],
    ['https://attacker.tenant-assets.s3.eu-west-1.amazonaws.com', /outside the allowed origin suffixes/],
    ['https://other-bucket.s3.eu-west-1.amazonaws.com', /outside the allowed origin suffixes/],
  ])('refuses the origin %j (S3 only by exact bucket name, over HTTPS)', async (origin, message) => {
    const r = await tenants('add', 'bucketed', 'eu-west-1', '--origin', origin);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('accepts the allowed bucket over HTTPS', async () => {
    const out = await json(
      'add',
      'bucketed',
      'eu-west-1',
      '--origin',
      'https://tenant-assets.s3.eu-west-1.amazonaws.com',
    );
    expect(out.tenant.origin).toBe('https://tenant-assets.s3.eu-west-1.amazonaws.com');
  });
});

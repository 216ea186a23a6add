/**
 * `tenants export` then `tenants import` round-trips every tenant kind of the demo data (custom
 * domain, platform subdomain, wildcard, suspended, dedicated custom origin, dedicated S3 origin,
 * a path-prefix claim): into the same table (all unchanged) and into an empty one (the same export).
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { demoData, seedDemoData } from '../../scripts/local-edge/demo-data.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';
import { type OpsHarness, runCli, startOpsHarness } from '../support/ops-harness.ts';

let h: OpsHarness;
const tenants = (...argv: string[]) => h.run(runTenantsCli, argv);

beforeAll(async () => {
  h = await startOpsHarness();
  const demo = demoData({
    platformDomain: 'app.example.com',
    regions: h.config.replicaRegions,
    now: new Date().toISOString(),
  });
  await seedDemoData(h.local.client, h.local.tableName, demo);
  expect((await tenants('add-domain', 'globex', 'shop.acme.com', '--path', '/globex')).code).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

describe.each(['jsonl', 'csv'])('export then import (%s)', (format) => {
  it('reimports into the same table as all unchanged', async () => {
    const file = join(tmpdir(), `roundtrip-${process.pid}.${format}`);
    expect((await tenants('export', '--out', file)).code).toBe(0);
    const again = await tenants('import', file, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ total: 6, unchanged: 6, failed: 0 });
  });

  it('rebuilds an empty table that exports the same', async () => {
    const file = join(tmpdir(), `roundtrip-src-${process.pid}.${format}`);
    expect((await tenants('export', '--out', file)).code).toBe(0);
    const empty: LocalTable = await startLocalTable();
    const env = { ...h.env, DYNAMODB_ENDPOINT: empty.endpoint };
    // The regions first (import needs them declared), then every tenant.
    for (const region of h.config.replicaRegions) {
      const origin = `https://pool.${region}.origin.example.com`;
      expect((await runCli(runTenantsCli, ['region', 'set', region, '--origin', origin], env)).code).toBe(0);
    }
    const imported = await runCli(runTenantsCli, ['import', file, '--json'], env);
    expect(imported.stderr).toBe('');
    // globex holds a path prefix of acme's host: the import claims hosts before prefixes.
    expect(JSON.parse(imported.stdout)).toMatchObject({ total: 6, created: 6, failed: 0 });
    const back = join(tmpdir(), `roundtrip-dst-${process.pid}.${format}`);
    expect((await runCli(runTenantsCli, ['export', '--out', back], env)).code).toBe(0);
    const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').sort();
    expect(await lines(back)).toEqual(await lines(file));
    expect((await runCli(runTenantsCli, ['check'], env)).code).toBe(0);
    await empty.close();
  });
});

describe('files that cannot be used', () => {
  it.each([
    [
      ['export', '--out', '/nonexistent/dir/x.jsonl'],
      'error: cannot write /nonexistent/dir/x.jsonl: ENOENT\n',
    ],
    [['import', '/nonexistent/x.jsonl'], 'error: cannot read /nonexistent/x.jsonl: ENOENT\n'],
  ])('%j is bad input, named, exit 2, before any connection', async (argv, stderr) => {
    const r = await tenants(...argv);
    expect(r).toMatchObject({ code: 2, stderr, target: undefined });
  });
});

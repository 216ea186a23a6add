/**
 * The front door: against `npm start`'s local edge as it comes up, the operator tools work out of
 * the box: the demo regions' health URLs answer (so migrate's preflight passes), and every demo
 * tenant kind exports and imports back unchanged.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthCheck } from '../../scripts/lib/migration/health-check.ts';
import { runMigrateCli } from '../../scripts/lib/migration/migrate-cli.ts';
import { createDynamoDBTenantTable } from '../../scripts/lib/tenants/dynamodb-tenant-table.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { runCli } from '../support/ops-harness.ts';

let edge: LocalEdge;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  edge = await startLocalEdge({ echoFunctionOutput: false });
  env = { ...process.env, DYNAMODB_ENDPOINT: edge.dynamodbEndpoint };
  delete env.ETR_CONFIG;
  delete env.AWS_REGION;
});

afterAll(async () => {
  await edge?.stop();
});

describe('the operator tools against the local edge', () => {
  it('find a health URL that answers on every demo region', async () => {
    const table = createDynamoDBTenantTable({ client: edge.client, tableName: edge.config.tableName });
    const regions = (await table.getRegions())?.regions ?? new Map();
    expect([...regions.keys()].sort()).toEqual([...edge.config.replicaRegions].sort());
    const check = createHealthCheck({ timeoutMs: 2000 });
    for (const record of regions.values()) {
      expect(record.healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
      expect((await check(record.healthUrl as string)).healthy).toBe(true);
    }
  });

  it('pass migrate preflight out of the box', async () => {
    const r = await runCli(runMigrateCli, ['acme', '--to', 'eu-west-1', '--dry-run', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'dry-run',
      plan: { from: 'us-east-1', to: 'eu-west-1' },
    });
  });

  it('export every demo tenant kind and import it back unchanged', async () => {
    const file = join(tmpdir(), `local-edge-export-${process.pid}.jsonl`);
    expect((await runCli(runTenantsCli, ['export', '--out', file], env)).code).toBe(0);
    const again = await runCli(runTenantsCli, ['import', file, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      total: edge.demo.tenants.length,
      unchanged: edge.demo.tenants.length,
    });
  });
});

/**
 * Where the tools write: one write region (the configuration's primary), said before the first
 * write; against AWS (no endpoint) the target is printed and must be confirmed, with AWS replaced
 * by stand-ins at the SDK boundary (a DynamoDB client on dynalite, a fixed caller account), so no
 * test calls AWS. And `tenants config`: the router configuration the CDK app bakes, from the
 * deployment configuration, with each setting's source.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInfraConfigFile } from '../../infra/load-infra-config.ts';
import type { CliIO } from '../../scripts/lib/cli-io.ts';
import { localDynamoDBClient } from '../../scripts/lib/local-dynamodb-client.ts';
import type { AwsClients } from '../../scripts/lib/table-client.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type OpsHarness, startOpsHarness } from '../support/ops-harness.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const INFRA_CONFIG = join(ROOT, 'infra/config/example.json');
let h: OpsHarness;

/** AWS stand-ins: DynamoDB is the harness's dynalite; the caller is `account`. */
function standIns(account: string, regions: string[]): AwsClients {
  return {
    dynamodb: (region) => {
      regions.push(region);
      return localDynamoDBClient(h.local.endpoint, region);
    },
    callerAccount: async () => account,
  };
}

/** Runs `tenants` against "AWS" (no endpoint) with the stand-ins and an optional confirmation. */
async function onAws(
  argv: readonly string[],
  options: { account?: string; confirm?: (q: string) => Promise<boolean> } = {},
) {
  let stdout = '';
  let stderr = '';
  const regions: string[] = [];
  const env = { ...h.env };
  delete env.DYNAMODB_ENDPOINT;
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    aws: standIns(options.account ?? '111111111111', regions),
    confirm: options.confirm,
  };
  const code = await runTenantsCli([...argv, '--config', INFRA_CONFIG], io);
  return { code, stdout, stderr, regions };
}

beforeAll(async () => {
  h = await startOpsHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('writes against AWS', () => {
  const declare = ['region', 'set', 'eu-west-1', '--origin', 'https://eu-west-1.origin.example.com'];

  it('print the target and refuse without --yes when nobody can confirm', async () => {
    const r = await onAws(declare);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'target: AWS account 111111111111, region eu-west-1 (the write region), table tenant-routes\nerror: writing to AWS needs --yes (or a terminal to confirm on); nothing was written\n',
    );
    expect(await h.table.getRegions()).toBeUndefined();
  });

  it('go to the primary region of the deployment configuration with --yes', async () => {
    const r = await onAws([...declare, '--yes']);
    expect(r.code).toBe(0);
    expect(r.regions).toEqual(['eu-west-1']);
    expect([...((await h.table.getRegions())?.regions.keys() ?? [])]).toEqual(['eu-west-1']);
  });

  it('ask a person on a terminal, and write nothing when told no', async () => {
    const asked: string[] = [];
    const no = await onAws(['region', 'set', 'eu-west-1', '--status', 'draining'], {
      confirm: async (q) => {
        asked.push(q);
        return false;
      },
    });
    expect(no.code).toBe(1);
    expect(asked).toEqual(['write to table tenant-routes in account 111111111111, region eu-west-1?']);
    expect((await h.table.getRegions())?.regions.get('eu-west-1' as never)?.status).toBe('active');
  });

  it('refuse credentials of another account than the deployment one', async () => {
    const r = await onAws([...declare, '--yes'], { account: '222222222222' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /the credentials are for account 222222222222, but .*example\.json deploys to account 111111111111/,
    );
  });

  it('refuse another region unless forced, and warn when forced', async () => {
    const refused = await onAws([...declare, '--yes', '--region', 'us-east-1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--region us-east-1 is not the write region eu-west-1 .*--force-region/);
    const forced = await onAws([...declare, '--yes', '--region', 'us-east-1', '--force-region']);
    expect(forced.code).toBe(0);
    expect(forced.regions).toEqual(['us-east-1']);
    expect(forced.stderr).toMatch(
      /^warning: writing to us-east-1, not the write region eu-west-1: .*silently lost/,
    );
  });

  it('read without a confirmation (a read changes nothing)', async () => {
    const r = await onAws(['regions']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('tenants config', () => {
  it('derives the router configuration the CDK app bakes, and names each source', async () => {
    const r = await onAws(['config', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.config).toEqual(JSON.parse(JSON.stringify(readInfraConfigFile(INFRA_CONFIG).router)));
    expect(out).toMatchObject({
      source: { kind: 'infra' },
      writeRegion: 'eu-west-1',
      account: '111111111111',
      target: { region: 'eu-west-1', table: 'tenant-routes', endpoint: null },
      propagationWaitMs: 32_000,
      sources: {
        cache: 'derived from routerCache',
        replicationLagAllowanceMs: 'file',
        allowIpHosts: 'default',
      },
    });
  });

  it('reads a router configuration too, writing to its first replica region', async () => {
    const r = await h.run(runTenantsCli, ['config']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^from {9}router configuration .*router\.json/);
    expect(r.stdout).toMatch(/write region us-east-1 \(the first replica region\)/);
    expect(r.stdout).toMatch(/target {7}table tenant-routes in us-east-1 at http:\/\/127\.0\.0\.1:\d+/);
  });
});

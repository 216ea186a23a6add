/**
 * The hardening rules end to end, through the local edge (CloudFront emulator, built router
 * bundle, local DynamoDB, echo origins that show what they received): paths the origin reads as
 * routed, the platform's secret only to pool origins, hosts as the URL standard reads them, no
 * domain over a public suffix, an unknown-host flood that cannot evict a route, a bad REGIONS
 * entry that fails only its own region, and the CloudFront policies the CDK app deploys.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkedDomainItem,
  checkedTenantItem,
  type Item,
  parseTenantItem,
  tenantKey,
} from '../../edge/items.ts';
import type { TenantId } from '../../edge/model.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import type { OriginEcho } from '../../scripts/local-edge/region-origin.ts';
import {
  DEMO_ORIGIN_SECRET,
  type LocalEdge,
  startLocalEdge,
} from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';
import { runCli } from '../support/ops-harness.ts';
import { LISTED_POLICY_SETTINGS } from '../support/policy-settings.ts';
import { invokeRouter } from '../support/router-invoke.ts';

/** Short TTLs so a table write is seen within a test; a long max-stale for the outage test. */
const CONFIG = {
  decisionLogSampleRate: 0,
  cache: {
    ttlMs: 150,
    negativeTtlMs: 150,
    maxStaleMs: 600_000,
    maxTenants: 8,
    maxAbsences: 20,
    errorBackoffMs: 50,
  },
  lookup: { attemptTimeoutMs: 1_000, budgetMs: 3_000 },
};
const TTL_WAIT_MS = 200;

let edge: LocalEdge;
let dir: string;
let env: NodeJS.ProcessEnv;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const get = (host: string, path = '/', headers: Record<string, string> = {}) =>
  viewerRequest(edge.url, { host, path, headers });
const echo = async (host: string, path = '/', headers: Record<string, string> = {}) => {
  const res = await get(host, path, headers);
  expect(res.status, `${host}${path}: ${res.body}`).toBe(200);
  return res.json as OriginEcho;
};
const put = (item: Item) =>
  edge.client.send(new PutItemCommand({ TableName: edge.config.tableName, Item: item }));
const read = async (pk: string) =>
  (await edge.client.send(new GetItemCommand({ TableName: edge.config.tableName, Key: { pk: { S: pk } } })))
    .Item ?? {};

beforeAll(async () => {
  edge = await startLocalEdge({ config: CONFIG, echoFunctionOutput: false });
  dir = await mkdtemp(join(tmpdir(), 'hardening-e2e-'));
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as object;
  await writeFile(join(dir, 'router.json'), JSON.stringify({ ...base, ...CONFIG }));
  env = { ...process.env, DYNAMODB_ENDPOINT: edge.dynamodbEndpoint, ETR_CONFIG: join(dir, 'router.json') };
});

afterAll(async () => {
  await edge?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('paths: the origin sees exactly the path that was routed', () => {
  beforeAll(async () => {
    // shop.acme.com split: /api to globex, the rest to acme.
    await put(
      checkedDomainItem(
        {
          host: 'shop.acme.com',
          tenantId: 'acme' as TenantId,
          paths: new Map([['/api', 'globex' as TenantId]]),
        },
        new Date().toISOString(),
      ),
    );
    await sleep(TTL_WAIT_MS);
  });

  it.each([
    ['/api/../admin', 'acme', '/admin'],
    ['/%61pi/x', 'globex', '/api/x'],
    ['/api//x', 'globex', '/api/x'],
    ['/x/%2e%2e/api/y', 'globex', '/api/y'],
    ['/api/x;jsessionid=1', 'globex', '/api/x;jsessionid=1'],
  ])('routes %j to %s, and the origin receives %j', async (path, tenant, received) => {
    const seen = await echo('shop.acme.com', path);
    expect(seen.xTenantId).toBe(tenant);
    expect(seen.path).toBe(received);
  });

  it.each(['/a%2Fb', '/..;/admin', '/api;v=1/x', '/a\\\\b', '/%zz'])(
    'answers %j with a clear 400',
    async (path) => {
      const res = await get('shop.acme.com', path);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: 'bad-path' });
    },
  );

  it('never lets a path climb out of a dedicated origin path', async () => {
    const hooli = edge.demo.hosts.find((h) => h.tenantId === 'hooli')?.host as string;
    const seen = await echo(hooli, '/%2e%2e/%2E%2e/other-tenant/secret');
    expect(seen.path).toBe('/site/other-tenant/secret');
  });
});

describe('origin secrets: the platform secret goes to pool origins only', () => {
  it('sends the platform secret to a pool origin, none to a dedicated or S3 origin', async () => {
    for (const demo of edge.demo.hosts.filter((h) => h.status === 200)) {
      const seen = await echo(demo.host);
      const pool = demo.originDomain?.startsWith('pool.') === true;
      expect(seen.customHeaders['x-origin-secret'], demo.host).toBe(pool ? DEMO_ORIGIN_SECRET : null);
    }
  });

  it('sends a dedicated origin its own secret once promoted, and never a staged one', async () => {
    const hooli = edge.demo.hosts.find((h) => h.tenantId === 'hooli')?.host as string;
    const staged = await runCli(runTenantsCli, ['origin-secret', 'hooli', 'stage', '--json'], env);
    expect(staged.code, staged.stderr).toBe(0);
    const secret = JSON.parse(staged.stdout).secret as string;
    await sleep(TTL_WAIT_MS);
    expect((await echo(hooli)).customHeaders['x-origin-secret']).toBeNull();
    expect((await runCli(runTenantsCli, ['origin-secret', 'hooli', 'promote'], env)).code).toBe(0);
    await sleep(TTL_WAIT_MS);
    expect((await echo(hooli)).customHeaders['x-origin-secret']).toBe(secret);
    expect(secret).not.toBe(DEMO_ORIGIN_SECRET);
  });

  it('refuses an S3 origin outside the exact allowed bucket, or over plain http (read time)', async () => {
    const item = await read(tenantKey('piedpiper'));
    const record = parseTenantItem(item);
    for (const domainName of [
      'attacker.tenant-assets.s3.eu-west-1.amazonaws.com',
      'other.s3.eu-west-1.amazonaws.com',
    ]) {
      await put({
        ...item,
        origin: {
          M: {
            type: { S: 's3' },
            domainName: { S: domainName },
            path: { S: '' },
            region: { S: 'eu-west-1' },
          },
        },
      });
      await sleep(TTL_WAIT_MS);
      expect((await get('assets.piedpiper.example.com')).status, domainName).toBe(502);
    }
    await put(checkedTenantItem(record));
    await sleep(TTL_WAIT_MS);
    const seen = await echo('assets.piedpiper.example.com');
    expect(seen.domainName).toBe('tenant-assets.s3.eu-west-1.amazonaws.com');
  });
});

describe('hosts: one canonical form, as the URL standard reads it', () => {
  it.each([
    ['xn--1ug.initech.example.net', 'an invalid punycode label under a wildcard'],
    ['xn--a.initech.example.net', 'punycode that does not decode'],
    ['0x7f.1', 'a hex IPv4 number form'],
    ['0177.0.0.1', 'an octal IPv4 number form'],
    ['2130706433', 'a single-number IPv4 form'],
  ])('answers %j (%s) with 400, never a tenant', async (host) => {
    // Under a demo wildcard CloudFront passes the host and the router answers; an IP number form
    // is no domain of any tenant, so CloudFront refuses it first and only /invoke reaches the router.
    if (edge.cloudFront.servingTenant(host) !== undefined) expect((await get(host)).status).toBe(400);
    else expect((await get(host)).headers['x-cache']).toBe('Error from cloudfront');
    expect(await invokeRouter(edge.controlUrl, host)).toMatchObject({ kind: 'response', status: 400 });
  });

  it('routes a valid punycode label and upper-case XN-- to the wildcard tenant', async () => {
    expect((await echo('xn--bcher-kva.initech.example.net')).xTenantId).toBe('initech');
    expect((await echo('XN--BCHER-KVA.initech.example.net')).xForwardedHost).toBe(
      'xn--bcher-kva.initech.example.net',
    );
  });
});

describe('public suffixes: no tenant captures every unclaimed host under one', () => {
  it('refuses *.co.uk and github.io through the tools, so such hosts stay unknown', async () => {
    for (const domain of ['*.co.uk', '*.github.io', 'github.io']) {
      const r = await runCli(runTenantsCli, ['add', 'greedy', 'us-east-1', '--domain', domain], env);
      expect(r.code, domain).toBe(2);
    }
    // Even with CloudFront serving such a host, no tenant routes it.
    edge.cloudFront.activate(['anything.co.uk']);
    expect((await get('anything.co.uk')).status).toBe(404);
  });
});

describe('an unknown-host flood cannot evict a route that stale-if-error needs', () => {
  it('serves every cached tenant through a replica outage right after 300 unknown hosts', async () => {
    const known = edge.demo.hosts.filter((h) => h.status === 200).map((h) => h.host);
    for (const host of known) await echo(host);
    // A wildcard tenant on CloudFront passes the flood on to the router, which knows none of them.
    edge.cloudFront.activate(['*.flood.example.org']);
    for (let i = 0; i < 300; i++) expect((await get(`u${i}.flood.example.org`)).status).toBe(404);
    await sleep(TTL_WAIT_MS);
    for (const region of edge.config.replicaRegions) await edge.setFault(region, { mode: 'refuse' });
    try {
      for (const host of known) expect((await get(host)).status, host).toBe(200);
    } finally {
      await edge.clearFaults();
    }
  });
});

describe('one bad REGIONS entry fails only its own region', () => {
  it('answers 502 for the bad region’s tenants and routes every other region', async () => {
    const original = await read('REGIONS');
    const [east] = edge.config.replicaRegions;
    await put({
      ...original,
      regions: { M: { ...original.regions?.M, [east as string]: { M: { status: { S: 'open' } } } } },
    });
    await sleep(TTL_WAIT_MS);
    try {
      for (const demo of edge.demo.hosts.filter(
        (h) => h.status === 200 && h.originDomain?.startsWith('pool.'),
      )) {
        const res = await get(demo.host);
        expect(res.status, demo.host).toBe(demo.region === east ? 502 : 200);
      }
    } finally {
      await put(original);
      await sleep(TTL_WAIT_MS);
    }
  });
});

describe('CloudFront policies: the local edge passes what the deployed policies pass', () => {
  it('passes every viewer header, cookie and query string by default, but not Authorization', async () => {
    const seen = await echo('globex.app.example.com', '/p?utm=1', {
      'Accept-Language': 'fr',
      Referer: 'https://globex.app.example.com/',
      Origin: 'https://globex.app.example.com',
      Authorization: 'Bearer t0ken',
      Cookie: 'session=abc',
    });
    expect(seen.headers['accept-language']).toBe('fr');
    expect(seen.headers.referer).toBe('https://globex.app.example.com/');
    expect(seen.headers.origin).toBe('https://globex.app.example.com');
    expect(seen.headers.cookie).toBe('session=abc');
    expect(seen.query).toBe('utm=1');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('applies a deployment configuration’s policies: Authorization through the cache key, listed cookies', async () => {
    const example = JSON.parse(await readFile('infra/config/example.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const file = join(dir, 'infra.json');
    await writeFile(
      file,
      JSON.stringify({
        ...example,
        ...LISTED_POLICY_SETTINGS,
      }),
    );
    const other = await startLocalEdge({ config: CONFIG, infraConfigFile: file, echoFunctionOutput: false });
    try {
      const res = await viewerRequest(other.url, {
        host: 'globex.app.example.com',
        path: '/p?utm=1',
        headers: {
          'Accept-Language': 'fr',
          Referer: 'x',
          Authorization: 'Bearer t0ken',
          Cookie: 'session=abc; theme=dark',
        },
      });
      const seen = res.json as OriginEcho;
      expect(seen.headers.authorization).toBe('Bearer t0ken');
      expect(seen.headers['accept-language']).toBe('fr');
      expect(seen.headers.referer).toBeUndefined();
      expect(seen.headers.cookie).toBe('session=abc');
      expect(seen.query).toBe('');
      expect(seen.headers['cloudfront-viewer-country']).toBe('US');
    } finally {
      await other.stop();
    }
  });
});

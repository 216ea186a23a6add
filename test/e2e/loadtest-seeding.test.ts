/**
 * The load test's seeding of a running local edge with CloudFront's gate on (as `npm start` has
 * it): the generated custom-domain and wildcard hosts become distribution tenants, so they reach
 * the function and are routed; a host nobody seeded still gets CloudFront's 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedHost } from '../../scripts/lib/generated-hosts.ts';
import { loadRouterConfig } from '../../scripts/lib/router-config-file.ts';
import { seedThroughControl } from '../../scripts/loadtest/prepare-target.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';

describe('seeding generated hosts into a local edge behind the CloudFront gate', () => {
  let edge: LocalEdge;
  const config = loadRouterConfig();
  const platformDomain = config.platformDomains[0] as string;

  beforeAll(async () => {
    edge = await startLocalEdge({ echoFunctionOutput: false });
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
  });

  it('makes every generated kind reach the router, and nothing else', async () => {
    const unseeded = generatedHost(0, 'custom', platformDomain).host;
    expect((await viewerRequest(edge.url, { host: unseeded })).status).toBe(403);

    await seedThroughControl(new URL(edge.controlUrl), { tenants: 10, hostsKind: 'mixed' }, config, () => {});

    for (const index of [0, 1, 3]) {
      const { host, kind } = generatedHost(index, 'mixed', platformDomain);
      const res = await viewerRequest(edge.url, { host });
      expect({ kind, status: res.status }).toEqual({ kind, status: 200 });
      expect((res.json as { xTenantId?: string }).xTenantId).toBe(
        generatedHost(index, 'mixed', platformDomain).tenantId,
      );
    }
    expect((await viewerRequest(edge.url, { host: 'www.lt-000011.example.com' })).status).toBe(403);
  }, 60_000);
});

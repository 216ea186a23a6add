/**
 * The local edge as a world with distance and replication lag: every regional edge cache region
 * reads its replicas through endpoints at (scaled) real distance, over TLS checked against the
 * generated CA; writes go to the write region's endpoint and reach the other replicas after the
 * lag, or not while replication into a region is paused. Assertions count round trips and reads;
 * none measures time.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tenantToItem } from '../../edge/items.ts';
import type { Region, TenantId } from '../../edge/model.ts';
import { regionRoundTrip } from '../../edge/region-geography.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import type { OriginEcho } from '../../scripts/local-edge/region-origin.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';

/** A tenth of the real round trips: tens of ms, with the real order between regions. */
const SCALE = 0.1;

let edge: LocalEdge;

beforeAll(async () => {
  edge = await startLocalEdge({
    latency: { scale: SCALE },
    config: {
      // Every request reads its replicas, and no scaled distance comes near a timeout or a hedge:
      // this test is about what the world does, not about the router's timeouts.
      cache: { ttlMs: 1, negativeTtlMs: 1 },
      lookup: { attemptTimeoutMs: 5_000, budgetMs: 10_000, hedgeAfterMs: 5_000 },
      decisionLogSampleRate: 0,
    },
  });
});

afterAll(() => edge?.stop());

const get = (host: string, edgeRegion: string) => viewerRequest(edge.url, { host, edgeRegion });
const control = (path: string, init?: RequestInit) => fetch(new URL(path, edge.controlUrl), init);

describe('distance between edge regions and replicas', () => {
  it('gives every regional edge cache region its own endpoint of each replica, at its round trip', () => {
    expect(edge.edgeRegions).toHaveLength(13);
    for (const replica of Object.values(edge.replicas)) {
      expect(Object.keys(replica.edgeEndpoints).sort()).toEqual([...edge.edgeRegions].sort());
      for (const edgeRegion of edge.edgeRegions) {
        expect(replica.edgeEndpoints[edgeRegion]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const rtt = regionRoundTrip(edgeRegion, replica.region)?.ms as number;
        expect(replica.links[edgeRegion]?.rttMs).toBeCloseTo(rtt * SCALE, 6);
      }
    }
    expect(edge.config.edgeEndpoints['sa-east-1']?.['us-east-1']).toBe(
      edge.replicas['us-east-1']?.edgeEndpoints['sa-east-1'],
    );
    expect(edge.config.endpointCaCertificate).toBe(edge.caCertificate);
  });

  it('makes the router pay a TLS handshake per connection and one round trip per read, to its nearest replica', async () => {
    const edgeRegion = 'sa-east-1';
    const nearest = replicaOrderFor(edgeRegion, edge.config)[0] as string;
    const replica = edge.replicas[nearest];
    const link = () => replica?.links[edgeRegion];
    const readsBefore = replica?.counters.byEdgeRegion[edgeRegion] ?? 0;
    const res = await get('shop.acme.com', edgeRegion);
    expect(res.status).toBe(200);
    expect((res.json as OriginEcho).xTenantId).toBe('acme');
    const reads = (replica?.counters.byEdgeRegion[edgeRegion] ?? 0) - readsBefore;
    expect(reads).toBeGreaterThanOrEqual(2); // the domain, then its tenant
    // TLS 1.3: one handshake round trip per connection, plus one per request.
    expect(link()?.roundTrips).toBe((link()?.connections ?? 0) + reads);
    // The next lookup reuses the kept connection: one round trip per read, no handshake.
    const connections = link()?.connections;
    const roundTrips = link()?.roundTrips ?? 0;
    const again = replica?.counters.byEdgeRegion[edgeRegion] ?? 0;
    expect((await get('shop.acme.com', edgeRegion)).status).toBe(200);
    const moreReads = (replica?.counters.byEdgeRegion[edgeRegion] ?? 0) - again;
    expect(link()?.connections).toBe(connections);
    expect(link()?.roundTrips).toBe(roundTrips + moreReads);
  });

  it('reads only the nearest replica from each edge region while it answers', async () => {
    for (const edgeRegion of ['eu-central-1', 'ap-northeast-1']) {
      const [nearest, ...others] = replicaOrderFor(edgeRegion, edge.config);
      const readsOf = (r: string) => edge.replicas[r]?.counters.byEdgeRegion[edgeRegion] ?? 0;
      // The container's first request has it warm its connections: one read of the second replica.
      const secondBefore = readsOf(others[0] as string);
      expect((await get('globex.app.example.com', edgeRegion)).status).toBe(200);
      await vi.waitFor(() => expect(readsOf(others[0] as string)).toBe(secondBefore + 1));
      const counts = Object.fromEntries([nearest, ...others].map((r) => [r, readsOf(r as string)]));
      expect((await get('globex.app.example.com', edgeRegion)).status).toBe(200);
      expect(readsOf(nearest as string)).toBeGreaterThan(counts[nearest as string] as number);
      for (const other of others) expect(readsOf(other)).toBe(counts[other]);
    }
  });

  it('runs the function only in regional edge cache regions', async () => {
    const res = await get('shop.acme.com', 'eu-north-1');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'BadEdgeRegion' });
    const invoke = await control('/invoke?edgeRegion=eu-north-1', { method: 'POST', body: '{"Records":[]}' });
    expect(invoke.status).toBe(400);
  });
});

describe('replication between the replicas', () => {
  const tenant = (id: string) =>
    tenantToItem({
      tenantId: id as TenantId,
      region: 'us-east-1' as Region,
      status: 'active',
      version: 1,
      updatedAt: new Date().toISOString(),
    });

  it('keeps a write made in the write region from a paused region until replication resumes', async () => {
    const paused = await control('/replication/ap-southeast-2', {
      method: 'PUT',
      body: JSON.stringify({ paused: true }),
    });
    expect(await paused.json()).toMatchObject({ region: 'ap-southeast-2', paused: true });
    await edge.client.send(new PutItemCommand({ TableName: edge.config.tableName, Item: tenant('geonew') }));
    await edge.replication.drained(); // every replica but the paused one has it
    const host = 'geonew.app.example.com';
    expect((await get(host, 'us-east-1')).status).toBe(200);
    expect((await get(host, 'eu-west-1')).status).toBe(200);
    // Sydney's edge reads its own replica first: the tenant is not there yet.
    expect((await get(host, 'ap-southeast-2')).status).toBe(404);
    const status = (await (await control('/replication')).json()) as Record<string, { pending: number }>;
    expect(status['ap-southeast-2']?.pending).toBe(1);
    await control('/replication/ap-southeast-2', { method: 'DELETE' });
    await edge.replication.drained();
    expect((await get(host, 'ap-southeast-2')).status).toBe(200);
  });

  it('refuses a bad replication setting and an unknown region', async () => {
    const bad = await control('/replication/eu-west-1', { method: 'PUT', body: '{"paused":"yes"}' });
    expect(bad.status).toBe(400);
    const unknown = await control('/replication/mars-north-1', { method: 'PUT', body: '{"paused":true}' });
    expect(unknown.status).toBe(404);
  });

  it('reports the world in /status', async () => {
    const status = (await (await control('/status')).json()) as Record<string, Record<string, unknown>>;
    expect(status.world).toMatchObject({ latency: 'scaled:0.1', replicationLag: '0' });
    expect(status.dynamodb).toMatchObject({ endpoint: edge.dynamodbEndpoint, writeRegion: 'us-east-1' });
    expect(Object.keys(status.replication ?? {})).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
  });
});

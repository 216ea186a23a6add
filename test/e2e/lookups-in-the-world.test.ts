/**
 * The router's lookups in the local world at scaled real distances: a TLS handshake longer than
 * the request timeout completes and serves the next lookup; a new container warms its connections
 * beside its first request, not in front of it; a slow nearest replica is hedged to the next one,
 * a fast one is not, and one that stays slow is demoted behind it. Assertions count connections,
 * reads and what the decision log says answered; none measures time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replicaTiming } from '../../edge/lookup-timing.ts';
import type { Region } from '../../edge/model.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';

const get = (edge: LocalEdge, host: string, edgeRegion: string) =>
  viewerRequest(edge.url, { host, edgeRegion });

function readsFrom(edge: LocalEdge, replica: string, edgeRegion: string): number {
  return edge.replicas[replica]?.counters.byEdgeRegion[edgeRegion] ?? 0;
}

function linkOf(edge: LocalEdge, replica: string, edgeRegion: string) {
  return edge.replicas[replica]?.links[edgeRegion];
}

/** The decision log lines of `host` in `edgeRegion` (every decision is logged in these edges). */
function decisions(edge: LocalEdge, edgeRegion: string, host: string) {
  return edge.functionLog
    .lines()
    .filter(
      (line) => line.edgeRegion === edgeRegion && line.entry?.msg === 'route' && line.entry.host === host,
    )
    .map((line) => line.entry as Record<string, unknown>);
}

describe('a connection set-up longer than the request timeout', () => {
  let edge: LocalEdge;
  const edgeRegion = 'ap-northeast-2';

  beforeAll(async () => {
    edge = await startLocalEdge({
      // Twice the real distances: Seoul's nearest replica (Sydney) is 290 ms away.
      latency: { scale: 2 },
      echoFunctionOutput: false,
      config: {
        // 100 ms at zero distance: from Seoul the derived request timeout (100 ms + 1.5 round trips)
        // is shorter than the TLS set-up to Sydney (two round trips), with room for the request.
        lookup: { attemptTimeoutMs: 100, hedging: false, warmReplicas: 0 },
        decisionLogSampleRate: 1,
      },
    });
  });
  afterAll(() => edge?.stop());

  it('completes, and its connection serves the next lookup', async () => {
    const nearest = replicaOrderFor(edgeRegion, edge.config)[0] as Region;
    const link = () => linkOf(edge, nearest, edgeRegion);
    const timing = replicaTiming(edge.config, edgeRegion, nearest);
    expect(timing.requestTimeoutMs).toBeLessThan(2 * (link()?.rttMs ?? 0));

    expect((await get(edge, 'globex.app.example.com', edgeRegion)).status).toBe(200);
    expect(link()?.connections).toBe(1);
    expect((await get(edge, 'shop.acme.com', edgeRegion)).status).toBe(200);
    expect(link()?.connections).toBe(1);
    const failures = edge.functionLog
      .lines()
      .filter((line) => line.edgeRegion === edgeRegion && line.entry?.msg === 'tenant store attempt failed');
    expect(failures).toEqual([]);
  });
});

describe('warm-up and hedged reads', () => {
  let edge: LocalEdge;

  beforeAll(async () => {
    edge = await startLocalEdge({
      latency: { scale: 0.2 },
      echoFunctionOutput: false,
      config: {
        // A second before hedging and far longer before a request times out: a hedge here is the
        // slow replica's, never a loaded machine's.
        lookup: { attemptTimeoutMs: 5_000, hedgeAfterMs: 1_000, budgetMs: 10_000 },
        decisionLogSampleRate: 1,
      },
    });
  });
  afterAll(() => edge?.stop());

  /** A first request from `edgeRegion`, and its container's warm-up read of the second replica done. */
  async function warmed(edgeRegion: string) {
    const [nearest, second] = replicaOrderFor(edgeRegion, edge.config) as [Region, Region];
    const before = readsFrom(edge, second, edgeRegion);
    expect((await get(edge, 'globex.app.example.com', edgeRegion)).status).toBe(200);
    await vi.waitFor(() => expect(readsFrom(edge, second, edgeRegion)).toBe(before + 1));
    return { nearest, second };
  }

  it('opens the second replica’s connection beside the first request, which costs the nearest one request', async () => {
    const edgeRegion = 'eu-west-2';
    const { nearest, second } = await warmed(edgeRegion);
    // The tenant, REGIONS and the warm-up's REGIONS went as one request on one new connection.
    expect(readsFrom(edge, nearest, edgeRegion)).toBe(1);
    expect(linkOf(edge, nearest, edgeRegion)).toMatchObject({ connections: 1, roundTrips: 2 });
    expect(linkOf(edge, second, edgeRegion)?.connections).toBe(1);

    // The nearest replica failing, the failover finds the second's connection open.
    await edge.setFault(nearest, { mode: 'error-500' });
    try {
      expect((await get(edge, 'shop.acme.com', edgeRegion)).status).toBe(200);
    } finally {
      await edge.clearFaults();
    }
    expect(readsFrom(edge, second, edgeRegion)).toBeGreaterThan(1);
    expect(linkOf(edge, second, edgeRegion)?.connections).toBe(1);
  });

  it('hedges a read the nearest replica is slow to answer and takes the second replica’s answer', async () => {
    const edgeRegion = 'us-east-2';
    const { nearest, second } = await warmed(edgeRegion);
    const secondReads = readsFrom(edge, second, edgeRegion);
    await edge.setFault(nearest, { mode: 'slow', delayMs: 3_000 });
    try {
      expect((await get(edge, 'shop.acme.com', edgeRegion)).status).toBe(200);
    } finally {
      await edge.clearFaults();
    }
    const [decision] = decisions(edge, edgeRegion, 'shop.acme.com');
    expect(decision?.replicas).toEqual([second, second]); // the domain, then its tenant
    expect(decision?.hedged).toBe(2);
    expect(readsFrom(edge, second, edgeRegion)).toBe(secondReads + 2);
  });

  it('demotes a nearest replica that stays slow after three hedged reads, and then reads the second one alone', async () => {
    const edgeRegion = 'us-west-1';
    const { nearest, second } = await warmed(edgeRegion);
    const demoted = () =>
      edge.functionLog
        .lines()
        .filter((line) => line.edgeRegion === edgeRegion && line.entry?.msg === 'replica demoted')
        .map((line) => line.entry);
    await edge.setFault(nearest, { mode: 'slow', delayMs: 3_000 });
    try {
      // Unknown platform tenants: each request reads one item the cache has never held.
      for (let i = 1; i <= 3; i++)
        expect((await get(edge, `nobody-${i}.app.example.com`, edgeRegion)).status).toBe(404);
      // Judged as each slow attempt ends, after the hedges answered the viewers.
      await vi.waitFor(() => expect(demoted()).toHaveLength(1), { timeout: 10_000 });
      expect(demoted()[0]).toMatchObject({ region: nearest, reason: 'slow', slowReads: 3 });

      const [nearReads, secondReads] = [
        readsFrom(edge, nearest, edgeRegion),
        readsFrom(edge, second, edgeRegion),
      ];
      expect((await get(edge, 'nobody-4.app.example.com', edgeRegion)).status).toBe(404);
      expect(readsFrom(edge, second, edgeRegion)).toBe(secondReads + 1);
      expect(readsFrom(edge, nearest, edgeRegion)).toBe(nearReads);
    } finally {
      await edge.clearFaults();
    }
  });

  it('does not hedge a read the nearest replica answers in time', async () => {
    const edgeRegion = 'eu-central-1';
    const { nearest, second } = await warmed(edgeRegion);
    const secondReads = readsFrom(edge, second, edgeRegion);
    expect((await get(edge, 'shop.acme.com', edgeRegion)).status).toBe(200);
    const [decision] = decisions(edge, edgeRegion, 'shop.acme.com');
    expect(decision?.replicas).toEqual([nearest, nearest]);
    expect(decision?.hedged).toBe(0);
    expect(readsFrom(edge, second, edgeRegion)).toBe(secondReads);
  });
});

/**
 * Child-process entry of the chaos scenario's local edge, so the load generator and the system
 * under test do not share one event loop, and the router's JSON log lines (its stdout) reach the
 * scenario as data. Reads its settings as JSON from argv[2], starts the local edge with a short
 * cache TTL, seeds the generated tenants, prints one handshake line on stdout, then passes the
 * router's log lines through; stops when stdin closes or on SIGTERM.
 */
import { propagationWaitMs } from '../../edge/config.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import { generatedTenantDomain } from '../lib/generated-tenants.ts';
import { serveInChild } from '../local-edge/serve-in-child.ts';
import { startLocalEdge } from '../local-edge/start-local-edge.ts';
import type { ChaosEdgeHandshake, ChaosEdgeSettings } from './chaos-edge.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as ChaosEdgeSettings;
const edge = await startLocalEdge({
  edgeRegion: settings.edgeRegion,
  latency: settings.latency,
  replicationLag: settings.replicationLag,
  config: {
    // Errors are always logged; sampled decision lines would only add noise.
    decisionLogSampleRate: 0,
    cache: { ttlMs: settings.ttlMs, negativeTtlMs: settings.ttlMs, maxStaleMs: settings.maxStaleMs },
    lookup: { attemptTimeoutMs: settings.attemptTimeoutMs, budgetMs: settings.budgetMs },
    replicationLagAllowanceMs: settings.replicationLagMs,
  },
  log: (line) => process.stderr.write(`emulator: ${line}\n`),
});
await serveInChild(edge, {
  tenants: settings.tenants,
  handshake: (e): ChaosEdgeHandshake => ({
    url: e.url,
    controlUrl: e.controlUrl,
    dynamodbEndpoint: e.dynamodbEndpoint,
    replicas: Object.fromEntries(Object.values(e.replicas).map((r) => [r.region, r.endpoint])),
    origins: Object.fromEntries(Object.values(e.origins).map((o) => [o.domainName, o.url])),
    tableName: e.config.tableName,
    replicaRegions: [...e.config.replicaRegions],
    platformDomain: generatedTenantDomain(e.config),
    propagationWaitMs: propagationWaitMs(e.config),
    nearestReplica: replicaOrderFor(settings.edgeRegion, e.config)[0] as string,
  }),
});

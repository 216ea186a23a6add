/**
 * Child-process entry of the chaos scenario's local edge, so the load generator and the system
 * under test do not share one event loop, and the router's JSON log lines (its stdout) reach the
 * scenario as data. Reads its settings as JSON from argv[2], starts the local edge with a short
 * cache TTL, seeds the generated tenants, prints one handshake line on stdout, then passes the
 * router's log lines through; stops when stdin closes or on SIGTERM.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { propagationWaitMs } from '../../edge/config.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import { defaultRegionsRecord, seedLoadTestTenants } from '../loadtest/tenant-seeder.ts';
import { startLocalEdge } from '../local-edge/start-local-edge.ts';
import type { ChaosEdgeHandshake, ChaosEdgeSettings } from './chaos-edge.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as ChaosEdgeSettings;
const edge = await startLocalEdge({
  edgeRegion: settings.edgeRegion,
  config: {
    // Errors are always logged; sampled decision lines would only add noise.
    decisionLogSampleRate: 0,
    cache: { ttlMs: settings.ttlMs, negativeTtlMs: settings.ttlMs, maxStaleMs: settings.maxStaleMs },
    lookup: { attemptTimeoutMs: settings.attemptTimeoutMs, budgetMs: settings.lookupBudgetMs },
    replicationLagAllowanceMs: settings.replicationLagMs,
  },
  log: (line) => process.stderr.write(`emulator: ${line}\n`),
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await edge.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
try {
  const suffix = edge.config.allowedOriginSuffixes.find((s) => s.startsWith('.')) ?? '.origin.example.com';
  await seedLoadTestTenants({
    client: edge.client,
    tableName: edge.config.tableName,
    tenants: settings.tenants,
    fallbackRegions: defaultRegionsRecord(edge.config.replicaRegions, suffix),
  });
  const handshake: ChaosEdgeHandshake = {
    url: edge.url,
    controlUrl: edge.controlUrl,
    dynamodbEndpoint: edge.dynamodbEndpoint,
    replicas: Object.fromEntries(Object.values(edge.replicas).map((r) => [r.region, r.endpoint])),
    origins: Object.fromEntries(Object.values(edge.origins).map((o) => [o.domainName, o.url])),
    tableName: edge.config.tableName,
    replicaRegions: [...edge.config.replicaRegions],
    platformDomain: edge.config.platformDomains[0] ?? 'app.example.com',
    propagationWaitMs: propagationWaitMs(edge.config),
    nearestReplica: replicaOrderFor(settings.edgeRegion, edge.config)[0] as string,
  };
  process.stdout.write(`${JSON.stringify(handshake)}\n`);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  await stop();
}

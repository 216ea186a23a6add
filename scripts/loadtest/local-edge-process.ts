/**
 * Child-process entry of the load test's own local edge, so the load generator and the system
 * under test do not share one event loop. Reads its settings as JSON from argv[2], starts the
 * local edge, creates the generated tenants, prints one JSON line `{url, controlUrl}` on stdout,
 * and stops when stdin closes or on SIGTERM.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { startLocalEdge } from '../local-edge/start-local-edge.ts';
import type { LocalEdgeChildSettings } from './local-edge-child.ts';
import { defaultRegionsRecord, seedLoadTestTenants } from './tenant-seeder.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as LocalEdgeChildSettings;
const edge = await startLocalEdge({
  edgeRegion: settings.edgeRegion,
  config: {
    // Decision logs would go to this process's stdout, which carries the handshake line.
    decisionLogSampleRate: 0,
    cache: {
      ...(settings.cacheTtlMs !== undefined && { ttlMs: settings.cacheTtlMs }),
      ...(settings.cacheMaxEntries !== undefined && { maxEntries: settings.cacheMaxEntries }),
    },
  },
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
    onProgress: (written) => process.stderr.write(`seeded ${written}\n`),
  });
  process.stdout.write(`${JSON.stringify({ url: edge.url, controlUrl: edge.controlUrl })}\n`);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  await stop();
}

/**
 * Child-process entry of the load test's own local edge, so the load generator and the system
 * under test do not share one event loop. Reads its settings as JSON from argv[2], starts the
 * local edge, creates the generated tenants (`seeded N` progress lines on stderr), prints one JSON
 * line `{url, controlUrl}` on stdout, and stops when stdin closes or on SIGTERM.
 */
import { serveInChild } from '../local-edge/serve-in-child.ts';
import { startLocalEdge } from '../local-edge/start-local-edge.ts';
import type { LocalEdgeChildSettings } from './local-edge-child.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as LocalEdgeChildSettings;
const edge = await startLocalEdge({
  edgeRegion: settings.edgeRegion,
  // CloudFront's gate (on in every local edge): only hosts of distribution tenants reach the
  // function; the generated ones are made tenants once seeded (serve-in-child.ts).
  ...(settings.latency !== undefined && { latency: settings.latency }),
  config: {
    // Decision logs would go to this process's stdout, which carries the handshake line.
    decisionLogSampleRate: 0,
    cache: {
      ...(settings.cacheTtlMs !== undefined && { ttlMs: settings.cacheTtlMs }),
      ...(settings.cacheMaxEntries !== undefined && { maxTenants: settings.cacheMaxEntries }),
    },
  },
});
await serveInChild(edge, {
  tenants: settings.tenants,
  ...(settings.hostsKind !== undefined && { hostsKind: settings.hostsKind }),
  handshake: (e) => ({ url: e.url, controlUrl: e.controlUrl }),
  onSeedProgress: (written) => process.stderr.write(`seeded ${written}\n`),
});

/**
 * The life of a local edge run as a child process (the load test's, the chaos scenario's): seed
 * the generated tenants into every replica, print one JSON handshake line on stdout for the parent, and stop the edge
 * when the parent closes stdin or sends SIGTERM. A failure before the handshake is printed on
 * stderr (`error: ...`) and the process exits, which the parent reports.
 */
import { exitWithParent } from '../lib/exit-with-parent.ts';
import { generatedDomainHosts, type HostsKindChoice } from '../lib/generated-hosts.ts';
import { defaultRegionsRecord } from '../lib/generated-tenants.ts';
import { seedLoadTestTenants } from '../lib/seed-generated-tenants.ts';
import type { LocalEdge } from './start-local-edge.ts';

/** What {@link serveInChild} seeds and reports. */
export interface ServeInChildOptions<H> {
  /** Generated `lt-` tenants to seed before the handshake. */
  readonly tenants: number;
  /** Kind of their hosts (generated-hosts.ts). @default 'platform' */
  readonly hostsKind?: HostsKindChoice;
  /** The handshake line's object, built once the tenants exist. */
  readonly handshake: (edge: LocalEdge) => H;
  /** Called after each seeded batch with the number of tenants written so far. @default none */
  readonly onSeedProgress?: (written: number) => void;
}

/**
 * Serves a started edge to the parent process until the parent lets go (stdin closes, SIGTERM),
 * then stops it and exits.
 *
 * @example
 * const edge = await startLocalEdge({ edgeRegion: 'eu-west-1' });
 * await serveInChild(edge, { tenants: 1000, handshake: (e) => ({ url: e.url }) });
 */
export async function serveInChild<H>(edge: LocalEdge, options: ServeInChildOptions<H>): Promise<void> {
  // Listen before seeding, so a parent that gives up meanwhile still stops the edge.
  const stop = exitWithParent(() => edge.stop());
  try {
    // Initial data, the same in every replica: the run starts from a table that has its tenants.
    await edge.writeInitialData((client, region) =>
      seedLoadTestTenants({
        client,
        tableName: edge.config.tableName,
        tenants: options.tenants,
        hostsKind: options.hostsKind ?? 'platform',
        fallbackRegions: defaultRegionsRecord(edge.config),
        onProgress: region === edge.writeRegion ? options.onSeedProgress : undefined,
      }),
    );
    // Behind the CloudFront gate, the generated custom and wildcard hosts are distribution tenants
    // created before the run, like the demo hosts.
    edge.cloudFront.activate(generatedDomainHosts(options.tenants, options.hostsKind ?? 'platform'));
    process.stdout.write(`${JSON.stringify(options.handshake(edge))}\n`);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    await stop();
  }
}

/**
 * `tenants resolve <host>`: what the router would do for a host, computed by the router's own
 * code (`routeRequest` over the DynamoDB tenant store, uncached).
 */
import type { RouterConfig } from '../../../../edge/config.ts';
import { createDynamoDBTenantStore } from '../../../../edge/dynamodb-tenant-store.ts';
import type { Logger } from '../../../../edge/logger.ts';
import type { RouteDecision } from '../../../../edge/model.ts';
import { routeRequest } from '../../../../edge/resolve-route.ts';
import { uncachedTenantStore } from '../../../../edge/tenant-store.ts';
import { parseArguments, UsageError } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { readLocalEdgeWorld } from '../../local-edge-world.ts';
import { formatOrigin } from '../input-validation.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, openConnection } from '../table-connection.ts';
import type { TenantsCommand } from './command.ts';

const USAGE = `Usage: npm run tenants -- resolve <host> [--path /uri] [--edge-region REGION] [options]

Prints what the router would do for a request to <host>: forward (tenant, region, origin, and why:
home, dedicated, failover of a draining region, fallback) or answer itself (status and reason).
Runs the router's own resolution code against the table, without a cache.

Options:
  --path URI          request path, for hosts split between tenants by path prefix (default /)
  --edge-region R     the edge region to read replicas from, nearest first (default: --region's)
  --local-edge URL    a running local edge's control API (default $LOCAL_EDGE_CONTROL): read its
                      replicas as the function in --edge-region does (its endpoints, at their
                      distance, with their replication lag and faults)
${CONNECTION_HELP}`;

/** The JSON form of a routing decision. */
function decisionToJson(decision: RouteDecision): Record<string, unknown> {
  if (decision.kind === 'respond') return { ...decision };
  return { ...decision, origin: formatOrigin(decision.origin) };
}

function describeDecision(host: string, decision: RouteDecision): string {
  if (decision.kind === 'respond') {
    const retry = decision.retryAfter === undefined ? '' : `, Retry-After ${decision.retryAfter}s`;
    const tenant = decision.tenantId === undefined ? '' : ` (tenant ${decision.tenantId})`;
    return `${host}: answered at the edge: ${decision.status} ${decision.reason}${tenant}${retry}\n`;
  }
  return `${host}: forward to ${formatOrigin(decision.origin)} (tenant ${decision.tenantId ?? '-'}, region ${decision.region ?? '-'}, via ${decision.via})\n`;
}

/** `tenants resolve`. */
export const resolveCommand: TenantsCommand = {
  name: 'resolve',
  summary: 'what the router would do for a host (uses the router code)',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants resolve',
        usage: USAGE,
        allowPositionals: true,
        options: {
          ...CONNECTION_OPTIONS,
          path: { type: 'string' },
          'edge-region': { type: 'string' },
          'local-edge': { type: 'string' },
        },
      },
      argv,
    );
    if (positionals.length !== 1) throw new UsageError('tenants resolve: expected <host> (see --help)');
    const host = positionals[0] as string;
    const uri = values.path ?? '/';
    if (!uri.startsWith('/')) throw new UsageError(`--path must start with '/', got ${JSON.stringify(uri)}`);
    const connection = await openConnection(values, io);
    try {
      const { target } = connection;
      const localEdge = values['local-edge'] ?? io.env.LOCAL_EDGE_CONTROL;
      const world = localEdge === undefined ? undefined : await readLocalEdgeWorld(localEdge);
      const config: RouterConfig = {
        ...connection.config,
        tableName: target.tableName,
        // The local edge's own endpoints: each replica at the edge region's distance, over TLS.
        ...(world !== undefined && {
          endpoints: world.endpoints,
          edgeEndpoints: world.edgeEndpoints,
          endpointCaCertificate: world.caCertificate,
        }),
      };
      // Lookup failures are part of the answer; the store's per-attempt warnings go to stderr.
      const logger: Logger = { log: (entry) => io.stderr.write(`${JSON.stringify(entry)}\n`) };
      const store = createDynamoDBTenantStore({
        config,
        edgeRegion: values['edge-region'] ?? target.region,
        logger,
        // Without the local edge's world, an explicit endpoint serves every replica region.
        ...(world === undefined && target.endpoint !== undefined && { clientForRegion: () => target.client }),
      });
      const result = await routeRequest(
        { hostValues: [host], uri },
        { store: uncachedTenantStore(store), config },
      );
      if (values.json) {
        printJson(io, {
          host: result.host ?? host,
          uri,
          decision: decisionToJson(result.decision),
          ...(result.error === undefined ? {} : { error: String(result.error) }),
        });
      } else {
        io.stdout.write(describeDecision(result.host ?? host, result.decision));
        if (result.error !== undefined) io.stdout.write(`  problem: ${String(result.error)}\n`);
      }
      return 0;
    } finally {
      connection.close();
    }
  },
};

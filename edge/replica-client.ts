/**
 * The DynamoDB client of one replica for a function in one edge region: where it connects
 * (`replicaEndpointFor`) and how (`createReplicaClient`: one attempt, kept-alive connections,
 * set-up and request timed apart with that pair's timing).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from './config.ts';
import { replicaTiming } from './lookup-timing.ts';
import type { Region } from './model.ts';
import { ReplicaRequestHandler } from './replica-request-handler.ts';

/**
 * Credentials for `config.endpoints`: those exist only for the local edge and tests, whose
 * DynamoDB-compatible servers accept any key, and there is no credential chain to consult there.
 */
const LOCAL_ENDPOINT_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The endpoint a function in `edgeRegion` reads `region`'s replica at, when the configuration
 * names one (the local edge and tests): `edgeEndpoints[edgeRegion][region]`, else
 * `endpoints[region]`; undefined means the regional AWS endpoint.
 */
export function replicaEndpointFor(
  config: RouterConfig,
  region: Region,
  edgeRegion?: string,
): string | undefined {
  const perEdge = edgeRegion === undefined ? undefined : config.edgeEndpoints[edgeRegion];
  return perEdge?.[region] ?? config.endpoints[region];
}

/**
 * The default client of one replica, for a function running in `edgeRegion`. `maxAttempts: 1`
 * because a hedge or a failover to the next replica is a better retry than the SDK's backoff
 * against the same one. Requests go through a {@link ReplicaRequestHandler} with the pair's
 * timing (`replicaTiming`): a new connection's set-up and each request have their own timeout,
 * connections are kept alive (a warm container reuses its TLS session) and a dead kept-alive one
 * costs a resend, not a timeout. A configured endpoint is signed with local credentials, and its
 * TLS is checked against `config.endpointCaCertificate` when one is given (never unchecked).
 * Exported so the load test and benchmarks can wrap (meter) exactly the client the router uses.
 */
export function createReplicaClient(
  config: RouterConfig,
  region: Region,
  edgeRegion?: string,
): DynamoDBClient {
  const endpoint = replicaEndpointFor(config, region, edgeRegion);
  const ca = endpoint === undefined ? undefined : config.endpointCaCertificate;
  const timing = replicaTiming(config, edgeRegion ?? '', region);
  return new DynamoDBClient({
    region,
    maxAttempts: 1,
    requestHandler: new ReplicaRequestHandler({
      connectTimeoutMs: timing.connectTimeoutMs,
      requestTimeoutMs: timing.requestTimeoutMs,
      maxIdleConnectionMs: config.lookup.maxIdleConnectionMs,
      ca,
    }),
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_ENDPOINT_CREDENTIALS }),
  });
}

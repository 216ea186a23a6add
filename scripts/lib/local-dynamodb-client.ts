/**
 * Clients of the local DynamoDB-compatible servers (dynalite, DynamoDB Local, the local edge's
 * replica endpoints): the endpoint and the local credentials given explicitly, so nothing is read
 * from, or written to, the environment.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';

/** Settings of a local client beyond its endpoint and region (timeouts, attempts). */
export type LocalClientSettings = Omit<DynamoDBClientConfig, 'endpoint' | 'region' | 'credentials'>;

/**
 * A client of the local server at `endpoint`, signing for `region`.
 *
 * @example
 * const admin = localDynamoDBClient(dynalite.endpoint, 'us-east-1');
 */
export function localDynamoDBClient(
  endpoint: string,
  region: string,
  settings: LocalClientSettings = {},
): DynamoDBClient {
  return new DynamoDBClient({ ...settings, endpoint, region, credentials: LOCAL_CREDENTIALS });
}

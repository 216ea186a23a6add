/**
 * Connects the operator scripts to the router table: the local edge's DynamoDB (an endpoint URL and
 * static local credentials) or AWS (the default credential chain).
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from '../../edge/config.ts';
import { asRegion, type Region } from '../../edge/model.ts';
import { UsageError } from './cli.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';

/** Where the table is and how to reach it. */
export interface TableTarget {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The region written to (the global table replicates to the others). */
  readonly region: Region;
  /** The endpoint URL when talking to a local server, else undefined (AWS). */
  readonly endpoint: string | undefined;
}

/** Options of {@link connectTable}; command-line values win over the environment and the config. */
export interface ConnectOptions {
  readonly config: RouterConfig;
  /** `--endpoint`, else `DYNAMODB_ENDPOINT`, else the config's endpoint for the region. */
  readonly endpoint?: string | undefined;
  /** `--region`. @default AWS_REGION, else the config's first replica region */
  readonly region?: string | undefined;
  /** `--table`. @default config.tableName */
  readonly table?: string | undefined;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Builds the DynamoDB client the scripts write through. Bad values are a {@link UsageError}. */
export function connectTable(options: ConnectOptions): TableTarget {
  const env = options.env ?? process.env;
  const regionText = options.region ?? env.AWS_REGION ?? options.config.replicaRegions[0];
  const region = regionText === undefined ? undefined : asRegion(regionText);
  if (region === undefined)
    throw new UsageError(`--region ${JSON.stringify(regionText)} is not an AWS region`);
  const endpoint = options.endpoint ?? env.DYNAMODB_ENDPOINT ?? options.config.endpoints[region];
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new UsageError(`--endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  const tableName = options.table ?? options.config.tableName;
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) {
    throw new UsageError(`--table ${JSON.stringify(tableName)} is not a DynamoDB table name`);
  }
  const client =
    endpoint === undefined
      ? new DynamoDBClient({ region })
      : new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
  return { client, tableName, region, endpoint };
}

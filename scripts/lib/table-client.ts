/**
 * Connects the operator scripts to the router table: the local edge's DynamoDB (an endpoint URL and
 * static local credentials) or AWS (the default credential chain). AWS is reached through
 * {@link AwsClients}, which tests replace with stand-ins: no test calls AWS.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Region } from '../../edge/model.ts';
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

/** The AWS side of the tools: a DynamoDB client and who the credentials are. */
export interface AwsClients {
  /** A DynamoDB client of AWS in `region`, with the default credential chain. */
  dynamodb(region: Region): DynamoDBClient;
  /** The account the credentials belong to (STS GetCallerIdentity). */
  callerAccount(region: Region): Promise<string>;
}

/** The real AWS clients. */
export const SDK_AWS_CLIENTS: AwsClients = {
  dynamodb: (region) => new DynamoDBClient({ region }),
  async callerAccount(region) {
    const sts = new STSClient({ region });
    try {
      const { Account } = await sts.send(new GetCallerIdentityCommand({}));
      if (Account === undefined) throw new Error('STS GetCallerIdentity returned no account');
      return Account;
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      error.message = `AWS STS in ${region} (who the credentials are): ${error.message}${error.name === 'CredentialsProviderError' ? NO_CREDENTIALS_HINT : ''}`;
      throw error;
    } finally {
      sts.destroy();
    }
  },
};

/** Options of {@link connectTable}. */
export interface ConnectOptions {
  readonly region: Region;
  /** A local endpoint URL, or undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly tableName: string;
  /** @default SDK_AWS_CLIENTS */
  readonly aws?: AwsClients | undefined;
}

/** Builds the DynamoDB client the scripts write through. Bad values are a {@link UsageError}. */
export function connectTable(options: ConnectOptions): TableTarget {
  const { endpoint, region, tableName } = options;
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new UsageError(`--endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) {
    throw new UsageError(`--table ${JSON.stringify(tableName)} is not a DynamoDB table name`);
  }
  const client =
    endpoint === undefined
      ? (options.aws ?? SDK_AWS_CLIENTS).dynamodb(region)
      : new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
  nameTheTarget(client, describeTarget({ endpoint, region, tableName }), tableName);
  return { client, tableName, region, endpoint };
}

/** What to do when there are no AWS credentials: most often, the local edge's endpoint was meant. */
export const NO_CREDENTIALS_HINT =
  ' (no AWS credentials; for the local edge, export DYNAMODB_ENDPOINT as `npm start` prints it)';

/** `DynamoDB at <endpoint> (table T, region R)` or `AWS DynamoDB in R (table T)`. */
export function describeTarget(target: Pick<TableTarget, 'endpoint' | 'region' | 'tableName'>): string {
  return target.endpoint === undefined
    ? `AWS DynamoDB in ${target.region} (table ${target.tableName})`
    : `DynamoDB at ${target.endpoint} (table ${target.tableName}, region ${target.region})`;
}

/**
 * Prefixes every error of the client but a failed condition (an expected outcome the tools read)
 * with the target, so "connect ECONNREFUSED", "UnknownError" or "Requested resource not found"
 * says which endpoint and table. The error object is kept (its class and `$metadata`).
 */
function nameTheTarget(client: DynamoDBClient, where: string, tableName: string): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || !(error instanceof Error)) throw error;
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const reason =
          error.name === 'ResourceNotFoundException'
            ? `table ${tableName} not found`
            : error.name === 'UnknownError'
              ? `no DynamoDB answer${status === undefined ? '' : ` (HTTP ${status})`}: is it a DynamoDB endpoint?`
              : `${error.message}${error.name === 'CredentialsProviderError' ? NO_CREDENTIALS_HINT : ''}`;
        error.message = `${where}: ${reason}`;
        throw error;
      }
    },
    { step: 'initialize', name: 'nameTheTableTarget' },
  );
}

/**
 * The connection options every table-touching command shares (`--config`, `--endpoint`,
 * `--region`, `--table`, `--json`), and opening the table they name.
 */
import type { RouterConfig } from '../../../edge/config.ts';
import type { CliIO } from '../cli-io.ts';
import { UsageError } from '../errors.ts';
import { loadRouterConfig } from '../router-config-file.ts';
import { connectTable, type TableTarget } from '../table-client.ts';
import { createDynamoDBTenantTable } from './dynamodb-tenant-table.ts';
import type { TenantTable } from './tenant-table.ts';

/** parseArgs options every table-touching command accepts. */
export const CONNECTION_OPTIONS = {
  config: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Help text for {@link CONNECTION_OPTIONS}. */
export const CONNECTION_HELP = `Connection:
  --config FILE     router configuration (default config/local.json)
  --endpoint URL    DynamoDB endpoint, e.g. the local edge's (default $DYNAMODB_ENDPOINT, else AWS)
  --region REGION   region of the table replica written to (default $AWS_REGION, else the first replica)
  --table NAME      table name (default: the configuration's tableName)
  --json            machine-readable output on stdout`;

/** The values of {@link CONNECTION_OPTIONS} as parsed. */
export interface ConnectionValues {
  readonly config?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly table?: string | undefined;
}

/** An open connection: the configuration and the table. */
export interface Connection {
  readonly config: RouterConfig;
  readonly table: TenantTable;
  /** The client, region and endpoint behind {@link table}. */
  readonly target: TableTarget;
  close(): void;
}

/** Loads the configuration and connects to the table named by the shared options. */
export async function openConnection(values: ConnectionValues, io: CliIO): Promise<Connection> {
  let config: RouterConfig;
  try {
    config = loadRouterConfig(values.config ?? io.env.ETR_CONFIG ?? undefined);
  } catch (error) {
    // A missing or invalid configuration file is bad input, like a bad option.
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const target = connectTable({
    config,
    endpoint: values.endpoint,
    region: values.region,
    table: values.table,
    env: io.env,
  });
  return {
    config,
    table: createDynamoDBTenantTable({ client: target.client, tableName: target.tableName }),
    target,
    close: () => target.client.destroy(),
  };
}

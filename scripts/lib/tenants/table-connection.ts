/**
 * The connection options every table-touching command shares (`--config`, `--endpoint`,
 * `--region`, `--table`, `--json`, `--yes`, `--force-region`), and opening the table they name:
 * always in the configuration's one write region (a condition holds only in the region written
 * to), said on stderr before the first write, and against AWS only once the target (account,
 * region, table) was shown and confirmed.
 */
import type { RouterConfig } from '../../../edge/config.ts';
import { asRegion, type Region } from '../../../edge/model.ts';
import type { CliIO } from '../cli-io.ts';
import { UsageError } from '../errors.ts';
import { connectTable, SDK_AWS_CLIENTS, type TableTarget } from '../table-client.ts';
import { loadToolConfig, type ToolConfig } from '../tool-config.ts';
import { createDynamoDBTenantTable } from './dynamodb-tenant-table.ts';
import { currentActor, type OperationContext } from './operation-context.ts';
import { OperationRefusedError } from './tenant-errors.ts';
import type { TenantTable } from './tenant-table.ts';

/** parseArgs options every table-touching command accepts. */
export const CONNECTION_OPTIONS = {
  config: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  'force-region': { type: 'boolean' },
} as const;

/** Help text for {@link CONNECTION_OPTIONS}. */
export const CONNECTION_HELP = `Connection:
  --config FILE     router configuration (config/local.json) or the CDK app's deployment
                    configuration (infra/config/*.json), from which the router configuration is
                    derived as the CDK app bakes it (default $ETR_CONFIG, else config/local.json)
  --endpoint URL    DynamoDB endpoint, e.g. the local edge's (default $DYNAMODB_ENDPOINT, else AWS)
  --region REGION   the table region (default and only region written to: the write region, the
                    configuration's primary; see \`tenants config\`)
  --force-region    write to another --region anyway (warns: conditional writes in two regions of
                    a global table can both succeed, and one is silently lost)
  --table NAME      table name (default: the configuration's tableName)
  --yes             against AWS (no endpoint), write without asking (the target is printed first)
  --json            machine-readable output on stdout`;

/** The values of {@link CONNECTION_OPTIONS} as parsed. */
export interface ConnectionValues {
  readonly config?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly table?: string | undefined;
  readonly yes?: boolean | undefined;
  readonly 'force-region'?: boolean | undefined;
}

/** An open connection: the configuration and the table. */
export interface Connection {
  readonly config: RouterConfig;
  /** The configuration file and the write region it names. */
  readonly tool: ToolConfig;
  readonly table: TenantTable;
  /** The client, region and endpoint behind {@link table}. */
  readonly target: TableTarget;
  close(): void;
}

/** Whether the command will write (then the region is checked and the target confirmed). */
export interface ConnectionPurpose {
  readonly writes: boolean;
  /** The configuration, when the command read it first to validate its input. */
  readonly tool?: ToolConfig | undefined;
}

/** Reads the configuration named by `--config` / `ETR_CONFIG`; a bad file is bad input (exit 2). */
export function toolConfigOf(values: ConnectionValues, io: CliIO): ToolConfig {
  try {
    return loadToolConfig(values.config ?? io.env.ETR_CONFIG ?? undefined);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Where the table is: region (the write region unless forced), endpoint and name. */
export function targetOf(
  values: ConnectionValues,
  io: CliIO,
  tool: ToolConfig,
  purpose: ConnectionPurpose,
): { region: Region; endpoint: string | undefined; tableName: string } {
  const region = values.region === undefined ? tool.writeRegion : asRegion(values.region);
  if (region === undefined)
    throw new UsageError(`--region ${JSON.stringify(values.region)} is not an AWS region`);
  if (region !== tool.writeRegion && purpose.writes) {
    if (values['force-region'] !== true) {
      throw new UsageError(
        `--region ${region} is not the write region ${tool.writeRegion} of ${tool.path}: every tool writes to one region, since a condition holds only in the region written to (--force-region to write there anyway)`,
      );
    }
    io.stderr.write(
      `warning: writing to ${region}, not the write region ${tool.writeRegion}: under multi-region eventually consistent global tables a conditional write here and one in ${tool.writeRegion} can both succeed, and one of them is silently lost\n`,
    );
  }
  // An empty DYNAMODB_ENDPOINT (`export DYNAMODB_ENDPOINT=`) means unset, as in a shell.
  const endpoint =
    values.endpoint ?? (io.env.DYNAMODB_ENDPOINT || undefined) ?? tool.router.endpoints[region];
  return { region, endpoint, tableName: values.table ?? tool.router.tableName };
}

/** Loads the configuration and connects to the table named by the shared options. */
export async function openConnection(
  values: ConnectionValues,
  io: CliIO,
  purpose: ConnectionPurpose = { writes: false },
): Promise<Connection> {
  const tool = purpose.tool ?? toolConfigOf(values, io);
  const where = targetOf(values, io, tool, purpose);
  const target = connectTable({ ...where, aws: io.aws });
  const connection: Connection = {
    config: tool.router,
    tool,
    table: createDynamoDBTenantTable({ client: target.client, tableName: target.tableName }),
    target,
    close: () => target.client.destroy(),
  };
  try {
    if (purpose.writes) await announceTarget(values, io, connection);
    return connection;
  } catch (error) {
    connection.close();
    throw error;
  }
}

/**
 * Says where the writes go; against AWS shows account, region and table and needs `--yes` or a
 * person's confirmation, and refuses credentials of another account than the deployment's.
 */
async function announceTarget(values: ConnectionValues, io: CliIO, connection: Connection): Promise<void> {
  const { target, tool } = connection;
  const region = `${target.region}${target.region === tool.writeRegion ? ' (the write region)' : ' (NOT the write region)'}`;
  if (target.endpoint !== undefined) {
    io.stderr.write(`writing to table ${target.tableName} in ${region} at ${target.endpoint}\n`);
    return;
  }
  const account = await (io.aws ?? SDK_AWS_CLIENTS).callerAccount(target.region);
  io.stderr.write(`target: AWS account ${account}, region ${region}, table ${target.tableName}\n`);
  if (tool.account !== undefined && tool.account !== account) {
    throw new OperationRefusedError(
      `the credentials are for account ${account}, but ${tool.path} deploys to account ${tool.account}; nothing was written`,
    );
  }
  if (values.yes === true) return;
  if (io.confirm === undefined)
    throw new UsageError('writing to AWS needs --yes (or a terminal to confirm on); nothing was written');
  if (
    !(await io.confirm(`write to table ${target.tableName} in account ${account}, region ${target.region}?`))
  )
    throw new OperationRefusedError('not confirmed; nothing was written');
}

/** Environment variable: the claim lease in ms (tests and `ops-fuzz` shorten it). */
export const CLAIM_LEASE_ENV = 'ETR_CLAIM_LEASE_MS';

/**
 * The context of the tenant operations over a connection: this process's actor, progress lines on
 * stderr, and the claim lease of `ETR_CLAIM_LEASE_MS` when set.
 */
export function operationContextOf(connection: Connection, io: CliIO): OperationContext {
  const lease = Number(io.env[CLAIM_LEASE_ENV]);
  return {
    table: connection.table,
    config: connection.config,
    actor: currentActor(),
    notify: (line) => io.stderr.write(`${line}\n`),
    ...(Number.isInteger(lease) && lease > 0 ? { claimLeaseMs: lease } : {}),
  };
}

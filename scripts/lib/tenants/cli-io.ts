/**
 * Where a command-line tool writes and what it reads from its environment, injected so the tools
 * run in-process in tests; plus the connection options every table-touching command shares.
 */
import type { RouterConfig } from '../../../edge/config.ts';
import { UsageError } from '../cli.ts';
import { loadRouterConfig } from '../router-config-file.ts';
import { connectTable, type TableTarget } from '../table-client.ts';
import { InvalidInputError, OperationRefusedError, VersionConflictError } from './tenant-errors.ts';
import { createTenantTable, type TenantTable } from './tenant-table.ts';

/** A writable text sink (process.stdout or a test buffer). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The process surroundings of a command. */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: NodeJS.ProcessEnv;
}

/** The real process streams and environment. */
export const processIO: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env };

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

/** An open connection: the configuration and the table. */
export interface Connection {
  readonly config: RouterConfig;
  readonly table: TenantTable;
  /** The client, region and endpoint behind {@link table}. */
  readonly target: TableTarget;
  close(): void;
}

/** Loads the configuration and connects to the table named by the shared options. */
export async function openConnection(
  values: {
    config?: string | undefined;
    endpoint?: string | undefined;
    region?: string | undefined;
    table?: string | undefined;
  },
  io: CliIO,
): Promise<Connection> {
  let config: RouterConfig;
  try {
    config = loadRouterConfig(values.config ?? io.env.ETR_CONFIG ?? undefined);
  } catch (error) {
    // A missing or invalid configuration file is bad input, like a bad option.
    throw new UsageError((error as Error).message);
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
    table: createTenantTable({ client: target.client, tableName: target.tableName }),
    target,
    close: () => target.client.destroy(),
  };
}

/** Exit code of an error: 2 for bad input, 1 for a refused operation or a failure. */
export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError || error instanceof InvalidInputError ? 2 : 1;
}

/**
 * Runs a command body: any error becomes one line on stderr (`error: ...`) and a non-zero exit
 * code; `DEBUG=1` adds the stack for unexpected errors.
 */
export async function runCommand(io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: ${message.split('\n')[0]}\n`);
    const expected =
      error instanceof UsageError ||
      error instanceof InvalidInputError ||
      error instanceof OperationRefusedError ||
      error instanceof VersionConflictError;
    if (!expected && io.env.DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return exitCodeFor(error);
  }
}

/** Writes a value as one JSON document on stdout. */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Whether `--help` / `-h` was asked for (handled before strict parsing, without exiting). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

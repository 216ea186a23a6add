/**
 * What every `domains` command connects to: the router table (the `tenants` connection options:
 * one write region, the target announced, `--yes` against AWS) and CloudFront (`--cloudfront-
 * endpoint` / `CLOUDFRONT_ENDPOINT` for the local control plane, else AWS; `--distribution-id` /
 * `ETR_DISTRIBUTION_ID`, `--connection-group` / `ETR_CONNECTION_GROUP`), the client-side rate
 * limit, and the DNS the ownership proofs are read from (`ETR_DNS_SERVER`, else the system's).
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { numberOption, UsageError } from '../cli.ts';
import type { CliIO } from '../cli-io.ts';
import { LOCAL_CREDENTIALS } from '../local-credentials.ts';
import {
  type Connection,
  type ConnectionValues,
  openConnection,
  operationContextOf,
} from '../tenants/table-connection.ts';
import { type CallStats, createCallRunner } from './cloudfront-calls.ts';
import { createDomainCdn } from './domain-cdn.ts';
import type { DomainsContext } from './onboarding.ts';
import { createOnboardingStore } from './onboarding-store.ts';
import { dnsOwnershipCheck } from './ownership-proof.ts';
import { createRateLimiter } from './rate-limiter.ts';

/**
 * Default client-side rate of CloudFront calls, per second. AWS does not publish a per-call rate
 * for these APIs in the pages cited in docs/custom-domains.md; a few calls a second stays far below
 * what throttles a control plane, and throttling is retried anyway.
 */
export const DEFAULT_CLOUDFRONT_RATE = 5;

/** parseArgs options of the CloudFront side. */
export const CLOUDFRONT_OPTIONS = {
  'cloudfront-endpoint': { type: 'string' },
  'distribution-id': { type: 'string' },
  'connection-group': { type: 'string' },
  'dns-server': { type: 'string' },
  rate: { type: 'string' },
} as const;

/** Help text of {@link CLOUDFRONT_OPTIONS}. */
export const CLOUDFRONT_HELP = `CloudFront:
  --cloudfront-endpoint URL  the local control plane (default $CLOUDFRONT_ENDPOINT, else AWS)
  --distribution-id ID       the multi-tenant distribution (default $ETR_DISTRIBUTION_ID; the
                             CDK output CustomDomainDistributionId; npm start prints the local one)
  --connection-group ID      its connection group, id or name (default $ETR_CONNECTION_GROUP)
  --dns-server HOST:PORT     DNS server the ownership proofs are read from (default
                             $ETR_DNS_SERVER, else the system's resolvers)
  --rate N                   CloudFront calls per second at most (default ${DEFAULT_CLOUDFRONT_RATE})`;

/** Values of the CloudFront options. */
export interface CloudFrontValues {
  readonly 'cloudfront-endpoint'?: string | undefined;
  readonly 'distribution-id'?: string | undefined;
  readonly 'connection-group'?: string | undefined;
  readonly 'dns-server'?: string | undefined;
  readonly rate?: string | undefined;
}

/** An open `domains` connection. */
export interface DomainsConnection {
  readonly ctx: DomainsContext;
  readonly table: Connection;
  readonly stats: CallStats;
  readonly cloudFrontEndpoint: string | undefined;
  close(): void;
}

/** Opens the table and CloudFront; bad or missing settings are a UsageError (exit 2). */
export async function openDomains(
  values: ConnectionValues & CloudFrontValues,
  io: CliIO,
  purpose: { readonly writes: boolean },
): Promise<DomainsConnection> {
  const endpoint = values['cloudfront-endpoint'] ?? (io.env.CLOUDFRONT_ENDPOINT || undefined);
  const distributionId = values['distribution-id'] ?? (io.env.ETR_DISTRIBUTION_ID || undefined);
  const connectionGroup = values['connection-group'] ?? (io.env.ETR_CONNECTION_GROUP || undefined);
  if (endpoint !== undefined && !URL.canParse(endpoint))
    throw new UsageError(`--cloudfront-endpoint ${JSON.stringify(endpoint)} is not a URL`);
  if (distributionId === undefined || connectionGroup === undefined)
    throw new UsageError(
      'domains needs the multi-tenant distribution and its connection group: --distribution-id and --connection-group (or ETR_DISTRIBUTION_ID, ETR_CONNECTION_GROUP; npm start prints them)',
    );
  const rate = numberOption(values.rate, 'rate', 0.1, 10_000) ?? DEFAULT_CLOUDFRONT_RATE;
  const tableEndpoint = values.endpoint ?? (io.env.DYNAMODB_ENDPOINT || undefined);
  if ((endpoint === undefined) !== (tableEndpoint === undefined))
    throw new UsageError(
      'the table and CloudFront must both be local (DYNAMODB_ENDPOINT and CLOUDFRONT_ENDPOINT) or both AWS',
    );
  const table = await openConnection(values, io, purpose);
  const client = new CloudFrontClient({
    region: 'us-east-1',
    maxAttempts: 1, // retried by cloudfront-calls.ts, which counts and rate-limits every attempt
    ...(endpoint !== undefined && { endpoint, credentials: LOCAL_CREDENTIALS }),
  });
  if (purpose.writes)
    io.stderr.write(
      `cloudfront: ${endpoint ?? 'AWS'}, distribution ${distributionId}, connection group ${connectionGroup}, at most ${rate} calls/s\n`,
    );
  const { send, stats } = createCallRunner({ client, limiter: createRateLimiter(rate) });
  const ops = operationContextOf(table, io);
  return {
    ctx: {
      ops,
      store: createOnboardingStore({
        client: table.target.client,
        tableName: table.target.tableName,
        now: () => table.table.now(),
      }),
      cdn: createDomainCdn(send, { distributionId, connectionGroup }),
      ownership: dnsOwnershipCheck(values['dns-server'] ?? (io.env.ETR_DNS_SERVER || undefined)),
    },
    table,
    stats,
    cloudFrontEndpoint: endpoint,
    close() {
      client.destroy();
      table.close();
    },
  };
}

/**
 * `domains import <file>`: onboard many domains, each through add -> verify until active or
 * failed, at most `--concurrency` at a time and at most `--rate` CloudFront calls a second
 * (throttling retried with backoff), with a progress bar. Resumable: every step is idempotent and
 * the state is in the table and CloudFront, so rerunning the same command after a kill continues
 * where each domain stood, creating nothing twice.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TenantId } from '../../../edge/model.ts';
import { forEachConcurrently } from '../bounded-concurrency.ts';
import { integerOption, parseArguments, UsageError } from '../cli.ts';
import { printJson } from '../cli-io.ts';
import { InterruptedError } from '../errors.ts';
import { keyedSerializer } from '../keyed-serializer.ts';
import { createProgress } from '../progress.ts';
import type { TenantsCommand } from '../tenants/commands/command.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, toolConfigOf } from '../tenants/table-connection.ts';
import { OperationRefusedError } from '../tenants/tenant-errors.ts';
import { customerRecords, localControlUrl, publishInLocalDns } from './customer-records.ts';
import { parseDomainHost } from './domain-commands.ts';
import { CLOUDFRONT_HELP, CLOUDFRONT_OPTIONS, openDomains } from './domains-connection.ts';
import { addOnboarding, type DomainsContext, verifyOnboarding } from './onboarding.ts';
import type { OnboardingState } from './onboarding-record.ts';

/** One line of an import file. */
export interface ImportLine {
  readonly host: string;
  readonly tenantId: TenantId;
}

/** Parses an import file: `host,tenant` CSV lines (a `host,tenantId` header allowed) or JSON lines. */
export function parseImportFile(text: string, parseHost: (raw: string) => string): ImportLine[] {
  const lines: ImportLine[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /^host\s*,\s*tenant(id)?$/i.test(line)) return;
    try {
      const fields = line.startsWith('{')
        ? (({ host, tenantId }) => [host, tenantId])(JSON.parse(line) as { host: string; tenantId: string })
        : line.split(',').map((f) => f.trim());
      const [host, tenant] = fields;
      if (typeof host !== 'string' || typeof tenant !== 'string' || fields.length !== 2)
        throw new Error('expected host,tenant');
      const canonical = parseHost(host);
      if (seen.has(canonical)) throw new Error(`${canonical} is listed twice`);
      seen.add(canonical);
      if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(tenant))
        throw new Error(`bad tenant id ${JSON.stringify(tenant)}`);
      lines.push({ host: canonical, tenantId: tenant as TenantId });
    } catch (error) {
      problems.push(`line ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (problems.length > 0)
    throw new UsageError(
      `domains import: ${problems.length} bad line(s), nothing was done: ${problems.slice(0, 5).join('; ')}`,
    );
  return lines;
}

/** How one domain of an import ended. */
export type ImportResult = {
  readonly host: string;
  readonly state: OnboardingState | 'refused';
  readonly reason?: string;
};

/** Options of {@link importDomains}. */
export interface ImportOptions {
  readonly concurrency: number;
  /** Publish the customer's records in the local DNS after add (local edge). */
  readonly publish?: ((host: string, token: string, endpoint: string) => Promise<void>) | undefined;
  /** How long one domain may wait for its proof and certificate. */
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly onResult?: (result: ImportResult, done: number) => void;
}

/** Onboards every line; resolves each domain's end state. */
export async function importDomains(
  ctx: DomainsContext,
  lines: readonly ImportLine[],
  options: ImportOptions,
): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  const stopped = () => options.signal?.aborted === true;
  await forEachConcurrently(lines, options.concurrency, async ({ host, tenantId }) => {
    if (stopped()) return;
    let result: ImportResult;
    try {
      const { record } = await addOnboarding(ctx, host, tenantId);
      if (options.publish !== undefined && record.state === 'pending-ownership')
        await options.publish(host, record.token, await ctx.cdn.routingEndpoint());
      const deadline = Date.now() + options.timeoutMs;
      let outcome = await verifyOnboarding(ctx, host);
      while (
        (outcome.record.state === 'pending-ownership' || outcome.record.state === 'pending-certificate') &&
        Date.now() < deadline &&
        !stopped()
      ) {
        await sleep(options.pollMs);
        outcome = await verifyOnboarding(ctx, host);
      }
      result = {
        host,
        state: outcome.record.state,
        ...(outcome.record.reason !== undefined && { reason: outcome.record.reason }),
      };
    } catch (error) {
      if (!(error instanceof OperationRefusedError)) throw error;
      result = { host, state: 'refused', reason: error.message };
    }
    results.push(result);
    options.onResult?.(result, results.length);
  });
  return results;
}

/** `domains import`. */
export const importCommand: TenantsCommand = {
  name: 'import',
  summary: 'onboard many domains: bounded concurrency, a CloudFront rate limit, resumable',
  usage: `Usage: npm run domains -- import <file> [--concurrency N] [--rate N] [--timeout S] [--poll-ms MS] [--simulate-customer-dns]

<file> has one domain a line: \`host,tenant\` (CSV, header optional) or {"host": ..., "tenantId": ...}.
Every line is validated first (any bad line: nothing is done). Each domain is added, then verified
until active or failed (or --timeout, default 3600 s, passes), at most --concurrency (16) at a time
and --rate CloudFront calls per second; throttling is retried with exponential backoff. A rerun
after a kill or Ctrl-C continues: every step is idempotent. Exit 0 when every domain is active.

${CLOUDFRONT_HELP}
${CONNECTION_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'domains import',
        usage: '',
        allowPositionals: true,
        options: {
          ...CONNECTION_OPTIONS,
          ...CLOUDFRONT_OPTIONS,
          concurrency: { type: 'string' },
          timeout: { type: 'string' },
          'poll-ms': { type: 'string' },
          'simulate-customer-dns': { type: 'boolean' },
          'local-edge': { type: 'string' },
        },
      },
      argv,
    );
    if (positionals.length !== 1) throw new UsageError('domains import: expected <file> (see --help)');
    const tool = toolConfigOf(values, io);
    const text = await readFile(positionals[0] as string, 'utf8').catch((error: unknown) => {
      throw new UsageError(`domains import: cannot read ${positionals[0]}: ${(error as Error).message}`);
    });
    const lines = parseImportFile(text, (raw) => parseDomainHost(raw, tool.router));
    const concurrency = integerOption(values.concurrency, 'concurrency', 1, 256) ?? 16;
    const timeoutMs = (integerOption(values.timeout, 'timeout', 1, 7 * 86_400) ?? 3600) * 1000;
    const pollMs = integerOption(values['poll-ms'], 'poll-ms', 10, 600_000) ?? 2000;
    const control =
      values['simulate-customer-dns'] === true ? localControlUrl(io.env, values['local-edge']) : undefined;
    const domains = await openDomains(values, io, { writes: true });
    const started = Date.now();
    const counts: Record<string, number> = {};
    const progress = createProgress({ label: 'domains', total: lines.length, stream: io.stderr });
    try {
      // One claim at a time per tenant: a customer's many domains never race each other.
      const ctx = { ...domains.ctx, oneClaimPerTenant: keyedSerializer() };
      const results = await importDomains(ctx, lines, {
        concurrency,
        timeoutMs,
        pollMs,
        signal: io.signal,
        ...(control !== undefined && {
          publish: (host, token, endpoint) =>
            publishInLocalDns(control, customerRecords(host, token, endpoint)),
        }),
        onResult: (result, done) => {
          counts[result.state] = (counts[result.state] ?? 0) + 1;
          progress.update(
            done,
            `${Object.entries(counts)
              .map(([s, n]) => `${n} ${s}`)
              .join(', ')}; throttled ${domains.stats.throttled}`,
          );
        },
      });
      progress.finish();
      const calls = Object.values(domains.stats.calls).reduce((a, b) => a + b, 0);
      const summary = {
        domains: lines.length,
        finished: results.length,
        byState: counts,
        elapsedMs: Date.now() - started,
        cloudFrontCalls: domains.stats.calls,
        callsPerDomain: results.length === 0 ? 0 : calls / results.length,
        throttled: domains.stats.throttled,
        retries: domains.stats.retries,
        notActive: results.filter((r) => r.state !== 'active').slice(0, 50),
      };
      if (values.json) printJson(io, summary);
      else
        io.stdout.write(
          `imported ${results.length}/${lines.length} in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${Object.entries(
            counts,
          )
            .map(([s, n]) => `${n} ${s}`)
            .join(
              ', ',
            )}; ${calls} CloudFront calls (${summary.callsPerDomain.toFixed(2)} per domain), ${summary.throttled} throttled, ${summary.retries} retries\n${summary.notActive.map((r) => `  ${r.state} ${r.host}${r.reason ? `: ${r.reason}` : ''}`).join('\n')}${summary.notActive.length > 0 ? '\n' : ''}`,
        );
      if (io.signal?.aborted === true)
        throw new InterruptedError(
          `interrupted after ${results.length} of ${lines.length} domains: rerun the same command to continue`,
        );
      return results.length === lines.length && counts.active === lines.length ? 0 : 1;
    } finally {
      domains.close();
    }
  },
};

/**
 * `domains add | status | list | verify | remove`: one customer domain's onboarding (see --help
 * of each, docs/custom-domains.md).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RouterConfig } from '../../../edge/config.ts';
import { asTenantId, type TenantId } from '../../../edge/model.ts';
import { integerOption, parseArguments, UsageError } from '../cli.ts';
import { type CliIO, printJson } from '../cli-io.ts';
import type { TenantsCommand } from '../tenants/commands/command.ts';
import { parseClaimInput } from '../tenants/input-validation.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, toolConfigOf } from '../tenants/table-connection.ts';
import { customerRecords, formatRecords, localControlUrl, publishInLocalDns } from './customer-records.ts';
import {
  CLOUDFRONT_HELP,
  CLOUDFRONT_OPTIONS,
  type DomainsConnection,
  openDomains,
} from './domains-connection.ts';
import { addOnboarding, removeOnboarding, type VerifyOutcome, verifyOnboarding } from './onboarding.ts';
import type { OnboardingAction } from './onboarding-machine.ts';
import { ONBOARDING_STATES, type OnboardingRecord, type OnboardingState } from './onboarding-record.ts';

const OPTIONS = { ...CONNECTION_OPTIONS, ...CLOUDFRONT_OPTIONS } as const;
const HELP = `${CLOUDFRONT_HELP}\n${CONNECTION_HELP}`;

/** A host as `domains` takes it: the router's canonical form, no wildcard, no path, no public suffix. */
export function parseDomainHost(raw: string, config: RouterConfig): string {
  const claim = parseClaimInput(raw, config, undefined);
  if (claim.path !== undefined) throw new UsageError(`domains: ${raw} has a path; a domain is a host name`);
  if (claim.host.startsWith('*.'))
    throw new UsageError(
      `domains: ${claim.host} is a wildcard: CloudFront-managed certificates are validated over HTTP, which cannot issue one; add it with \`tenants add-domain\` under a certificate of your own`,
    );
  return claim.host;
}

/** The tenant id of `--tenant`. */
function tenantOf(raw: string | undefined): TenantId {
  const id = raw === undefined ? undefined : asTenantId(raw);
  if (id === undefined)
    throw new UsageError(`domains: --tenant must be a tenant id, got ${JSON.stringify(raw)}`);
  return id;
}

/** What a record waits for, in words. */
export function waitingFor(record: OnboardingRecord, action?: OnboardingAction): string {
  switch (record.state) {
    case 'pending-ownership':
      return 'the ownership proof (the TXT record) to be published';
    case 'pending-certificate':
      return action?.kind === 'wait-certificate' && action.certificate !== undefined
        ? `the certificate (${action.certificate}): the CNAME must point at the routing endpoint`
        : 'the distribution tenant and its certificate';
    case 'failed':
      return `a person: ${record.reason ?? 'failed'} (then \`domains verify ${record.host} --retry\`)`;
    case 'removing':
      return `the removal to finish: rerun \`domains remove ${record.host}\``;
    default:
      return 'nothing: served and routed';
  }
}

function describe(record: OnboardingRecord, action?: OnboardingAction): string {
  return `${record.host}: ${record.state} (tenant ${record.tenantId}); waiting for ${waitingFor(record, action)}`;
}

async function withDomains<T>(
  values: Parameters<typeof openDomains>[0],
  io: CliIO,
  writes: boolean,
  body: (d: DomainsConnection) => Promise<T>,
): Promise<T> {
  const domains = await openDomains(values, io, { writes });
  try {
    return await body(domains);
  } finally {
    domains.close();
  }
}

/** Polls `verify` (or a read) until the record reaches one of `until`, or `timeoutMs` passes. */
export async function watch(
  step: () => Promise<VerifyOutcome>,
  until: ReadonlySet<OnboardingState>,
  timeoutMs: number,
  intervalMs: number,
  onChange: (outcome: VerifyOutcome) => void,
): Promise<VerifyOutcome> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const outcome = await step();
    const seen = `${outcome.record.state}:${outcome.action.kind}`;
    if (seen !== last) onChange(outcome);
    last = seen;
    if (until.has(outcome.record.state) || Date.now() >= deadline) return outcome;
    await sleep(intervalMs);
  }
}

function command(name: string, summary: string, usage: string, run: TenantsCommand['run']): TenantsCommand {
  return { name, summary, usage: `Usage: npm run domains -- ${usage}\n\n${HELP}`, run };
}

/** `domains add <host> --tenant T`. */
export const addCommand = command(
  'add',
  'start onboarding a customer domain for a tenant; prints the DNS records to create',
  `add <host> --tenant <id> [--simulate-customer-dns] [--local-edge URL]

Refuses what the router would refuse (malformed hosts, public suffixes, platform subdomains,
wildcards), and a host another tenant holds or is onboarding. Issues the ownership challenge and
prints exactly the records the customer creates: a TXT proof and a CNAME to the connection group.
Nothing routes and nothing is served until \`domains verify\` sees the proof. Idempotent.
--simulate-customer-dns publishes the records in the local edge's DNS (local only).
`,
  async (argv, io) => {
    const { values, positionals } = parseArguments(
      {
        name: 'domains add',
        usage: '',
        allowPositionals: true,
        options: {
          ...OPTIONS,
          tenant: { type: 'string' },
          'simulate-customer-dns': { type: 'boolean' },
          'local-edge': { type: 'string' },
        },
      },
      argv,
    );
    if (positionals.length !== 1)
      throw new UsageError('domains add: expected <host> --tenant <id> (see --help)');
    const tool = toolConfigOf(values, io);
    const host = parseDomainHost(positionals[0] as string, tool.router);
    const tenantId = tenantOf(values.tenant);
    const control =
      values['simulate-customer-dns'] === true ? localControlUrl(io.env, values['local-edge']) : undefined;
    return withDomains({ ...values, config: values.config }, io, true, async ({ ctx }) => {
      const { change, record } = await addOnboarding(ctx, host, tenantId);
      const records = customerRecords(host, record.token, await ctx.cdn.routingEndpoint());
      if (control !== undefined) await publishInLocalDns(control, records);
      if (values.json) printJson(io, { change, host, tenantId, state: record.state, records });
      else
        io.stdout.write(
          `${change}: ${host} -> ${tenantId} (${record.state})\nThe customer creates these DNS records:\n${formatRecords(records)}\nthen: npm run domains -- verify ${host} --watch\n`,
        );
      return 0;
    });
  },
);

/** `domains status <host> [--watch]`. */
export const statusCommand = command(
  'status',
  'where onboarding of a domain stands (table and CloudFront); --watch until a state',
  `status <host> [--watch] [--until STATE[,STATE]] [--timeout S] [--interval MS]

Reads the onboarding record, who the DOMAIN item names and the distribution tenant. --watch
re-reads (verifying as it goes) until one of --until (default active,failed) or --timeout (600 s).
Exit 0 when active, 1 otherwise.
`,
  (argv, io) => verifyLike('status', argv, io),
);

/** `domains verify <host>`. */
export const verifyCommand = command(
  'verify',
  'check the ownership proof now; on success claim the domain and create its distribution tenant',
  `verify <host> [--retry] [--watch] [--until STATE[,STATE]] [--timeout S] [--interval MS]

Drives onboarding as far as it goes now: the proof seen -> the DOMAIN item claimed (the claim
protocol) -> the distribution tenant created with a managed certificate -> active once CloudFront
serves the host. Safe to rerun at any time (each step is idempotent); --retry starts a failed
domain again from the step that failed. Exit 0 when active, 1 otherwise.
`,
  (argv, io) => verifyLike('verify', argv, io),
);

async function verifyLike(name: 'status' | 'verify', argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArguments(
    {
      name: `domains ${name}`,
      usage: '',
      allowPositionals: true,
      options: {
        ...OPTIONS,
        watch: { type: 'boolean' },
        until: { type: 'string' },
        timeout: { type: 'string' },
        interval: { type: 'string' },
        ...(name === 'verify' && { retry: { type: 'boolean' } }),
      },
    },
    argv,
  );
  if (positionals.length !== 1) throw new UsageError(`domains ${name}: expected <host> (see --help)`);
  const tool = toolConfigOf(values, io);
  const host = parseDomainHost(positionals[0] as string, tool.router);
  const until = new Set((values.until ?? 'active,failed').split(',') as OnboardingState[]);
  for (const s of until)
    if (!ONBOARDING_STATES.includes(s))
      throw new UsageError(`domains ${name}: --until ${s} is not a state (${ONBOARDING_STATES.join(', ')})`);
  const timeoutMs = (integerOption(values.timeout, 'timeout', 1, 86_400) ?? 600) * 1000;
  const intervalMs = integerOption(values.interval, 'interval', 10, 600_000) ?? 2000;
  const writes = name === 'verify' || values.watch === true;
  return withDomains(values, io, writes, async ({ ctx }) => {
    const retry = (values as { retry?: boolean }).retry === true;
    const once = async (): Promise<VerifyOutcome> => {
      if (writes) return verifyOnboarding(ctx, host, { retry });
      const record = await ctx.store.get(host);
      if (record === undefined) throw new UsageError(`no onboarding of ${host}`);
      return { record, action: { kind: 'done' } };
    };
    const report = (o: VerifyOutcome) => {
      if (!values.json) io.stdout.write(`${describe(o.record, o.action)}\n`);
    };
    const outcome =
      values.watch === true ? await watch(once, until, timeoutMs, intervalMs, report) : await once();
    if (values.watch !== true) report(outcome);
    if (values.json) {
      const cdn = await ctx.cdn.find(host);
      printJson(io, {
        ...outcome.record,
        waitingFor: waitingFor(outcome.record, outcome.action),
        cloudFront: cdn ?? null,
      });
    }
    return outcome.record.state === 'active' ? 0 : 1;
  });
}

/** `domains list [--state S]`. */
export const listCommand = command(
  'list',
  'every domain being onboarded or onboarded, with its state',
  `list [--state STATE] [--tenant ID]

Lists the onboarding records (a paginated Scan of the ONBOARD# items), optionally one state or one
tenant's.
`,
  async (argv, io) => {
    const { values } = parseArguments(
      {
        name: 'domains list',
        usage: '',
        options: { ...OPTIONS, state: { type: 'string' }, tenant: { type: 'string' } },
      },
      argv,
    );
    const state = values.state as OnboardingState | undefined;
    if (state !== undefined && !ONBOARDING_STATES.includes(state))
      throw new UsageError(`domains list: --state ${state} is not a state (${ONBOARDING_STATES.join(', ')})`);
    const tenant = values.tenant === undefined ? undefined : tenantOf(values.tenant);
    return withDomains(values, io, false, async ({ ctx }) => {
      const records: OnboardingRecord[] = [];
      for await (const r of ctx.store.list())
        if ((state === undefined || r.state === state) && (tenant === undefined || r.tenantId === tenant))
          records.push(r);
      records.sort((a, b) => (a.host < b.host ? -1 : 1));
      if (values.json) printJson(io, records);
      else
        for (const r of records)
          io.stdout.write(
            `${r.state.padEnd(20)} ${r.host}  ${r.tenantId}${r.reason ? `  ${r.reason}` : ''}\n`,
          );
      return 0;
    });
  },
);

/** `domains remove <host>`. */
export const removeCommand = command(
  'remove',
  'stop serving a domain, release its claim, delete its distribution tenant',
  `remove <host>

In the order that never serves a host without a route: the distribution tenant is disabled (CloudFront
stops serving the host), then the DOMAIN claim is released through the claim protocol, then the
distribution tenant and the onboarding record are deleted. Rerun to finish a cut-short removal.
`,
  async (argv, io) => {
    const { values, positionals } = parseArguments(
      { name: 'domains remove', usage: '', allowPositionals: true, options: OPTIONS },
      argv,
    );
    if (positionals.length !== 1) throw new UsageError('domains remove: expected <host> (see --help)');
    const host = parseDomainHost(positionals[0] as string, toolConfigOf(values, io).router);
    return withDomains(values, io, true, async ({ ctx }) => {
      const { tenantId } = await removeOnboarding(ctx, host);
      if (values.json) printJson(io, { host, tenantId, change: 'removed' });
      else
        io.stdout.write(
          `removed: ${host} (was tenant ${tenantId}); the customer may delete the DNS records\n`,
        );
      return 0;
    });
  },
);

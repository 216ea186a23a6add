/**
 * A local edge with its CloudFront control plane and DNS, and the `domains` tool pointed at it:
 * in-process runs, child-process runs, a context for tests that stop a run after a step, and the
 * customer's side (publishing the DNS records).
 */
import { spawn } from 'node:child_process';
import type { CliIO } from '../../scripts/lib/cli-io.ts';
import { customerRecords } from '../../scripts/lib/domains/customer-records.ts';
import { runDomainsCli } from '../../scripts/lib/domains/domains-cli.ts';
import { type DomainsConnection, openDomains } from '../../scripts/lib/domains/domains-connection.ts';
import { runTenantsCli } from '../../scripts/lib/tenants/tenants-cli.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { type CliRun, processOutput, runCli } from './ops-harness.ts';

/** A running local edge and the tool's environment. */
export interface DomainsHarness {
  readonly edge: LocalEdge;
  readonly env: NodeJS.ProcessEnv;
  domains(...argv: string[]): Promise<CliRun>;
  tenants(...argv: string[]): Promise<CliRun>;
  /** The tool as a child process (`npm run domains` without npm). */
  domainsProcess(...argv: string[]): { done: Promise<CliRun>; kill(): void };
  /** An open connection of the tool, for tests that drive the operations directly. */
  connect(): Promise<DomainsConnection>;
  /** The customer creates the records `domains add` printed for `host`. */
  publish(host: string): Promise<void>;
  close(): Promise<void>;
}

const SCRIPT = new URL('../../scripts/domains.ts', import.meta.url).pathname;

/** Starts the harness. */
export async function startDomainsHarness(): Promise<DomainsHarness> {
  const edge = await startLocalEdge({ echoFunctionOutput: false, config: { decisionLogSampleRate: 0 } });
  const cf = edge.cloudFront;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DYNAMODB_ENDPOINT: edge.dynamodbEndpoint,
    CLOUDFRONT_ENDPOINT: cf.url,
    ETR_DISTRIBUTION_ID: cf.distributionId,
    ETR_CONNECTION_GROUP: cf.connectionGroupId,
    ETR_DNS_SERVER: cf.dnsServer,
    LOCAL_EDGE_CONTROL: edge.controlUrl,
    ETR_CLAIM_LEASE_MS: '3000',
    AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  };
  delete env.ETR_CONFIG;
  const io = (): CliIO => ({ stdout: { write: () => true }, stderr: { write: () => true }, env });
  return {
    edge,
    env,
    domains: (...argv) => runCli(runDomainsCli, argv, env),
    tenants: (...argv) => runCli(runTenantsCli, argv, env),
    domainsProcess(...argv) {
      const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...argv], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { done: processOutput(child), kill: () => child.kill('SIGKILL') };
    },
    connect: () => openDomains({}, io(), { writes: true }),
    async publish(host) {
      const connection = await openDomains({}, io(), { writes: false });
      try {
        const record = await connection.ctx.store.get(host);
        if (record === undefined) throw new Error(`no onboarding of ${host}`);
        for (const r of customerRecords(host, record.token, cf.routingEndpoint))
          cf.dns.add(r.name, r.type, r.value);
      } finally {
        connection.close();
      }
    },
    close: () => edge.stop(),
  };
}

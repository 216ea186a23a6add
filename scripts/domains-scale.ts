/**
 * `npm run domains:scale -- --domains 5000`: onboards N customer domains end to end on a local
 * edge (import, proofs published, verify, certificates validated through the emulator, active),
 * kills the import part-way and resumes it, then checks nothing is duplicated or lost
 * (docs/custom-domains.md#numbers-5000-domains-locally).
 */

import { checksPassed } from './domains-scale/scale-checks.ts';
import { describeScaleRun } from './domains-scale/scale-report.ts';
import { runDomainsScale } from './domains-scale/scale-run.ts';
import { integerOption, parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';

const USAGE = `
Usage: npm run domains:scale -- [options]

Starts a local edge, adds --tenants tenants (tenants import), then runs \`npm run domains -- import\`
of --domains customer domains (d<i>.sc-<tenant>.example, round robin over the tenants) with the
customers' DNS records simulated, SIGKILLs it once --kill-at distribution tenants exist, reruns it
to the end, and checks: one distribution tenant per host and none extra, every host active, no
lost domain, \`tenants check\` clean, every host answered by its tenant through the local edge.
Prints time, CloudFront calls and DynamoDB requests per domain. Exit 0 when every check passed.

Options:
  --domains N       customer domains, 1-20000 (default 5000)
  --tenants N       router tenants they belong to (default: one per 10 domains)
  --rate N          CloudFront calls a second, the import's --rate (default 5, the tool's)
  --concurrency N   domains in flight, the import's --concurrency (default 16, the tool's)
  --kill-at N       distribution tenants made when the first import is killed (default 30 %)
  --poll-ms MS      how often a pending domain is verified again (default 500)
  --json            the report as one JSON document
  -h, --help        show this help
`;

async function main(): Promise<number> {
  const line = parseCommandLine(
    {
      name: 'domains:scale',
      usage: USAGE,
      options: {
        domains: { type: 'string' },
        tenants: { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        'kill-at': { type: 'string' },
        'poll-ms': { type: 'string' },
        json: { type: 'boolean' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const domains = integerOption(values.domains, 'domains', 1, 20_000) ?? 5000;
  const killAt =
    integerOption(values['kill-at'], 'kill-at', 1, 20_000) ?? Math.max(1, Math.floor(domains * 0.3));
  if (killAt >= domains)
    throw new UsageError('--kill-at must be less than --domains (the kill must come part-way)');
  const settings = {
    domains,
    tenants: integerOption(values.tenants, 'tenants', 1, 20_000) ?? Math.max(1, Math.ceil(domains / 10)),
    rate: integerOption(values.rate, 'rate', 1, 10_000) ?? 5,
    concurrency: integerOption(values.concurrency, 'concurrency', 1, 256) ?? 16,
    killAt,
    pollMs: integerOption(values['poll-ms'], 'poll-ms', 10, 60_000) ?? 500,
  };
  const report = await runDomainsScale(settings, (l) => process.stderr.write(`domains:scale: ${l}\n`));
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(describeScaleRun(report));
  return checksPassed(report.checks) && report.killed.exit.signal === 'SIGKILL' ? 0 : 1;
}

runMain(main);

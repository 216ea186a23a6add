/**
 * `tenants config`: the effective router configuration the tools work with, where each setting
 * came from, and the table they would write to.
 */
import { propagationWaitMs } from '../../../../edge/config.ts';
import { parseArguments } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, targetOf, toolConfigOf } from '../table-connection.ts';
import type { TenantsCommand } from './command.ts';

const USAGE = `Usage: npm run tenants -- config [options]

Prints the router configuration the tools use (the cache TTL and replication lag allowance that
migrations wait, the allowed origin suffixes, the platform domains...), where it came from (the
file, and for a deployment configuration the derivation the CDK app bakes into the function), each
setting's source (file, default, derived), and the table writes go to (write region, endpoint or
AWS). Connects to nothing.
${CONNECTION_HELP}`;

/** `tenants config`. */
export const configCommand: TenantsCommand = {
  name: 'config',
  summary: 'print the effective router configuration, where it came from, and the write target',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArguments(
      { name: 'tenants config', usage: USAGE, options: CONNECTION_OPTIONS },
      argv,
    );
    const tool = toolConfigOf(values, io);
    const target = targetOf(values, io, tool, { writes: false });
    const from =
      tool.kind === 'infra'
        ? `deployment configuration ${tool.path}, router configuration derived by readInfraConfigFile (as the CDK app bakes it)`
        : `router configuration ${tool.path}`;
    if (values.json) {
      printJson(io, {
        source: { path: tool.path, kind: tool.kind },
        writeRegion: tool.writeRegion,
        account: tool.account ?? null,
        target: { region: target.region, table: target.tableName, endpoint: target.endpoint ?? null },
        propagationWaitMs: propagationWaitMs(tool.router),
        sources: tool.sources,
        config: tool.router,
      });
      return 0;
    }
    const lines = [
      `from         ${from}`,
      `write region ${tool.writeRegion}${tool.kind === 'infra' ? ' (primaryRegion)' : ' (the first replica region)'}`,
      `staleness    ${(propagationWaitMs(tool.router) / 1000).toFixed(1)} s = cache TTL + replication lag allowance (what a change takes to reach every edge; migrations wait it)`,
      `target       table ${target.tableName} in ${target.region} ${target.endpoint === undefined ? `on AWS${tool.account === undefined ? '' : ` (account ${tool.account})`}` : `at ${target.endpoint}`}`,
      '',
      ...Object.entries(tool.router).map(
        ([key, value]) =>
          `${key.padEnd(26)} ${JSON.stringify(value)}  (${tool.sources[key as keyof typeof tool.sources] ?? 'file'})`,
      ),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

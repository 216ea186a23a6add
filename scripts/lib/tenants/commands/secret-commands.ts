/**
 * `tenants origin-secret <tenant> stage|promote|clear`: a dedicated origin's own secret.
 */
import { parseArguments, UsageError } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { parseTenantIdInput } from '../input-validation.ts';
import { currentActor } from '../operation-context.ts';
import { changeOriginSecret, type SecretStep } from '../origin-secret.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, openConnection } from '../table-connection.ts';
import type { TenantsCommand } from './command.ts';

const STEPS: readonly SecretStep[] = ['stage', 'promote', 'clear'];

const USAGE = `Usage: npm run tenants -- origin-secret <tenant> stage|promote|clear [options]

The secret the router sends, in the origin secret header, to a tenant's dedicated custom origin
(pool origins get the platform's secret; a dedicated origin never does). A rotation is two steps:

  stage     generate a new secret, store it as staged (not sent yet) and print it once:
            make the tenant's origin accept it next to the current one
  promote   send the staged secret from now on; the old one may still arrive for the printed
            time (cache TTL + replication lag), then the origin can stop accepting it
  clear     send no secret at all

Options:
${CONNECTION_HELP}`;

/** `tenants origin-secret`. */
export const originSecretCommand: TenantsCommand = {
  name: 'origin-secret',
  summary: "stage, promote or clear a dedicated origin's own secret",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      { name: 'tenants origin-secret', usage: USAGE, allowPositionals: true, options: CONNECTION_OPTIONS },
      argv,
    );
    const step = STEPS.find((s) => s === positionals[1]);
    if (positionals.length !== 2 || step === undefined) {
      throw new UsageError('tenants origin-secret: expected <tenant> stage|promote|clear (see --help)');
    }
    const tenantId = parseTenantIdInput(positionals[0] as string);
    const connection = await openConnection(values, io);
    try {
      const ctx = { table: connection.table, config: connection.config, actor: currentActor() };
      const result = await changeOriginSecret(ctx, tenantId, step);
      if (values.json) {
        printJson(io, {
          tenantId,
          step,
          ...(result.secret === undefined ? {} : { secret: result.secret }),
          ...(result.oldValueSentForMs === undefined ? {} : { oldValueSentForMs: result.oldValueSentForMs }),
        });
      } else if (step === 'stage') {
        io.stdout.write(`staged for ${tenantId} (not sent yet); make its origin accept:\n${result.secret}\n`);
      } else if (step === 'promote') {
        io.stdout.write(
          `promoted: ${tenantId}'s origin gets the new secret; the old one may still arrive for ${result.oldValueSentForMs} ms\n`,
        );
      } else io.stdout.write(`cleared: ${tenantId}'s origin gets no secret\n`);
      return 0;
    } finally {
      connection.close();
    }
  },
};

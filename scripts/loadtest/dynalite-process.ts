/**
 * Child-process entry that runs dynalite for the in-process mode, so the local DynamoDB does not
 * share the handler's event loop (a real table is remote too). Prints `{"endpoint": ...}` on
 * stdout and stops when stdin closes or on SIGTERM.
 */
import { startDynalite } from '../lib/dynalite-server.ts';
import { exitWithParent } from '../lib/exit-with-parent.ts';

const server = await startDynalite();
exitWithParent(() => server.close());
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);

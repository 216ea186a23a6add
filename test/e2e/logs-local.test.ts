/**
 * `npm run logs -- --local` for real: a local edge whose function instances log every decision in
 * three emulated edge regions, searched through the control API with the same filters as
 * CloudWatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';
import { runLogsCli } from '../../scripts/logs/logs-cli.ts';

describe('npm run logs -- --local', () => {
  let edge: LocalEdge;
  let unknownRequestId: string;

  beforeAll(async () => {
    edge = await startLocalEdge({
      config: { decisionLogSampleRate: 1, metrics: { flushIntervalMs: 100 } },
      echoFunctionOutput: false,
    });
    // Hosts CloudFront serves that no tenant routes: the router's unknown-host decisions.
    edge.cloudFront.activate(['nobody.example.org', 'nobody.example.net']);
    await viewerRequest(edge.url, { host: 'shop.acme.com' });
    await viewerRequest(edge.url, { host: 'shop.acme.com', path: '/cart' });
    await viewerRequest(edge.url, { host: 'globex.app.example.com', edgeRegion: 'eu-west-1' });
    const unknown = await viewerRequest(edge.url, {
      host: 'nobody.example.org',
      edgeRegion: 'ap-southeast-2',
    });
    expect(unknown.status).toBe(404);
    unknownRequestId = String(unknown.headers['x-amz-cf-id']);
  });
  afterAll(async () => {
    await edge?.stop();
  });

  async function logs(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runLogsCli(['--local', '--control-url', edge.controlUrl, '--json', ...argv], {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env: {},
    });
    const lines = out
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { code, lines, stderr: err.join('') };
  }

  it("finds a tenant's decisions, in the region that made them, oldest first", async () => {
    const { code, lines } = await logs('--tenant', 'acme');
    expect(code).toBe(0);
    expect(lines.map((l) => [l.logRegion, l.msg, l.host, l.uri])).toEqual([
      ['us-east-1', 'route', 'shop.acme.com', '/'],
      ['us-east-1', 'route', 'shop.acme.com', '/cart'],
    ]);
    expect(Date.parse(String(lines[0]?.timestamp))).toBeLessThanOrEqual(
      Date.parse(String(lines[1]?.timestamp)),
    );
  });

  it('finds one request by the request id the viewer saw (x-amz-cf-id)', async () => {
    // With `=`: a CloudFront request id may start with '-', which parseArgs refuses as a separate value.
    const { lines } = await logs(`--request-id=${unknownRequestId}`);
    expect(lines).toEqual([
      expect.objectContaining({
        logRegion: 'ap-southeast-2',
        status: 404,
        reason: 'unknown-host',
        requestId: unknownRequestId,
      }),
    ]);
  });

  it('combines filters, host and status and regions, as the CloudWatch query does', async () => {
    expect((await logs('--host', 'globex.app.example.com')).lines.map((l) => l.tenantId)).toEqual(['globex']);
    expect((await logs('--status', '404')).lines).toHaveLength(1);
    expect((await logs('--status', '404', '--regions', 'us-east-1,eu-west-1')).lines).toEqual([]);
    expect((await logs('--tenant', 'acme', '--host', 'globex.app.example.com')).lines).toEqual([]);
  });

  it('leaves out the EMF metric lines the function log also holds', async () => {
    // Requests (at least one more decision line, whenever the first flush came) until the function
    // has flushed its metrics once (bounded; no fixed wait).
    const hasMetrics = () => edge.functionLog.lines().some((line) => line.entry?.msg === 'metrics');
    for (let i = 0; i < 100 && (i === 0 || !hasMetrics()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await viewerRequest(edge.url, { host: 'nobody.example.net', edgeRegion: 'eu-central-1' });
    }
    expect(hasMetrics()).toBe(true);
    const all = await logs('--since', '1h');
    expect(all.lines.length).toBeGreaterThanOrEqual(5);
    expect(all.lines.some((l) => l.msg === 'metrics')).toBe(false);
  });
});

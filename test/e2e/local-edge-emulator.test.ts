/**
 * End to end over HTTP, with a deliberately bad handler instead of the router: the emulator must
 * catch what CloudFront would reject (502), what fails (503), pass generated responses through,
 * and expose it all on the control API. Also the replica endpoints' faults, seen by a real SDK.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../scripts/lib/local-credentials.ts';
import type { OriginEcho } from '../../scripts/local-edge/region-origin.ts';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';

/** Misbehaves on purpose, chosen by path. */
async function badHandler(
  event: CloudFrontRequestEvent,
): Promise<CloudFrontRequest | CloudFrontResultResponse> {
  const request = (event.Records[0] as { cf: { request: CloudFrontRequest } }).cf.request;
  const pool = (domainName: string, extra: Record<string, unknown> = {}) => {
    request.origin = {
      custom: {
        customHeaders: request.origin?.custom?.customHeaders ?? {},
        domainName,
        keepaliveTimeout: 5,
        path: '',
        port: 443,
        protocol: 'https',
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
        ...extra,
      },
    };
    request.headers.host = [{ key: 'Host', value: domainName }];
    return request;
  };
  switch (request.uri) {
    case '/ok':
      return pool('pool.eu-west-1.origin.example.com');
    case '/disallowed-header':
      request.headers['x-real-ip'] = [{ key: 'X-Real-IP', value: '10.0.0.1' }];
      return pool('pool.eu-west-1.origin.example.com');
    case '/read-only-header':
      request.headers.via = [{ key: 'Via', value: 'mine' }];
      return pool('pool.eu-west-1.origin.example.com');
    case '/bad-port':
      return pool('pool.eu-west-1.origin.example.com', { port: 8 });
    case '/unmapped-origin':
      return pool('nowhere.origin.example.com');
    case '/huge-response':
      return { status: '200', body: 'x'.repeat(1024 * 1024 + 1) };
    case '/bad-status':
      return { status: '99' };
    case '/generated':
      return {
        status: '302',
        statusDescription: 'Found',
        headers: { location: [{ key: 'Location', value: 'https://example.com/' }] },
      };
    case '/base64':
      return { status: '200', bodyEncoding: 'base64', body: Buffer.from('hello edge').toString('base64') };
    case '/throw':
      throw new Error('boom');
    default:
      return { status: '404' };
  }
}

let edge: LocalEdge;
const log: string[] = [];

beforeAll(async () => {
  edge = await startLocalEdge({ handler: badHandler, log: (line) => log.push(line) });
});

afterAll(async () => {
  await edge?.stop();
});

const get = (path: string) => viewerRequest(edge.url, { host: 'shop.acme.com', path });

describe('CloudFront emulator with a deliberately bad handler', () => {
  it('forwards a valid rewrite to the mapped local origin', async () => {
    const res = await get('/ok');
    expect(res.status).toBe(200);
    expect((res.json as OriginEcho).origin).toBe('pool.eu-west-1');
  });

  it.each([
    ['/disallowed-header', /x-real-ip is a disallowed header/],
    ['/read-only-header', /via is read-only/],
    ['/bad-port', /port must be 80, 443 or 1024-65535/],
    ['/huge-response', /at most 1048576/],
    ['/bad-status', /from 200 to 599/],
  ])('answers 502 LambdaValidationError for %s, with the reason', async (path, reason) => {
    const before = edge.counters.ruleViolations;
    const res = await get(path);
    expect(res.status).toBe(502);
    expect(res.headers['x-cache']).toBe('LambdaValidationError from cloudfront');
    const body = res.json as { error: string; violations: string[] };
    expect(body.error).toBe('LambdaValidationError');
    expect(body.violations.join('\n')).toMatch(reason);
    expect(edge.counters.ruleViolations).toBe(before + 1);
    expect(log.some((line) => reason.test(line))).toBe(true);
  });

  it('answers 503 LambdaExecutionError when the handler throws', async () => {
    const before = edge.counters.handlerErrors;
    const res = await get('/throw');
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ error: 'LambdaExecutionError', detail: 'Error: boom' });
    expect(edge.counters.handlerErrors).toBe(before + 1);
  });

  it('answers 502 when the chosen origin does not resolve to a local server', async () => {
    const res = await get('/unmapped-origin');
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ error: 'OriginDnsError' });
  });

  it('returns a generated response with its status, description and headers', async () => {
    const res = await get('/generated');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://example.com/');
    expect(res.headers['x-cache']).toBe('LambdaGeneratedResponse from cloudfront');
  });

  it('decodes a base64 generated body', async () => {
    const res = await get('/base64');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello edge');
  });
});

describe('control API', () => {
  const control = (path: string, init?: RequestInit) => fetch(`${edge.controlUrl}${path}`, init);

  it('reports endpoints, regions, handler and counters on GET /status', async () => {
    const status = (await (await control('/status')).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      edge: { url: edge.url, defaultEdgeRegion: 'us-east-1', edgeRegionHeader: 'x-local-edge-region' },
      dynamodb: { endpoint: edge.dynamodbEndpoint, running: true },
      regions: edge.config.replicaRegions,
      handler: { source: 'function badHandler' },
    });
    expect(Object.keys(status.replicas as object)).toEqual(edge.config.replicaRegions);
    expect((status.counters as { requests: number }).requests).toBeGreaterThan(0);
  });

  it('invokes the handler with a raw event and returns its output and verdict', async () => {
    const event = {
      Records: [
        {
          cf: {
            config: {
              distributionDomainName: 'd1.cloudfront.net',
              distributionId: 'E1',
              eventType: 'origin-request',
              requestId: 'r1',
            },
            request: {
              clientIp: '203.0.113.1',
              headers: { host: [{ key: 'Host', value: 'shop.acme.com' }] },
              method: 'GET',
              querystring: '',
              uri: '/disallowed-header',
              origin: {
                custom: {
                  customHeaders: {},
                  domainName: 'default.origin.example.com',
                  keepaliveTimeout: 5,
                  path: '',
                  port: 443,
                  protocol: 'https',
                  readTimeout: 30,
                  sslProtocols: ['TLSv1.2'],
                },
              },
            },
          },
        },
      ],
    };
    const res = await control('/invoke?edgeRegion=eu-west-1', {
      method: 'POST',
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ok: boolean;
      edgeRegion: string;
      verdict: { ok: boolean; violations: string[] };
    };
    expect(body.ok).toBe(true);
    expect(body.edgeRegion).toBe('eu-west-1');
    expect(body.verdict.ok).toBe(false);
    expect(body.verdict.violations.join()).toMatch(/x-real-ip/);
  });

  it('activates hosts on the CloudFront control plane with PUT /cloudfront/active-hosts', async () => {
    const viewer = (host: string) => viewerRequest(edge.url, { host, path: '/ok' });
    expect((await viewer('new.activated.example.org')).headers['x-cache']).toBe('Error from cloudfront');
    expect((await viewer('a.wild.example.org')).status).toBe(403);
    const res = await control('/cloudfront/active-hosts', {
      method: 'PUT',
      body: JSON.stringify({ hosts: ['new.activated.example.org', '*.wild.example.org'] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ activated: 2 });
    // The function runs for both now (this handler forwards /ok to a pool origin).
    expect((await viewer('new.activated.example.org')).status).toBe(200);
    expect((await viewer('a.wild.example.org')).status).toBe(200);
  });

  it.each([
    [{ hosts: 'x.example.org' }, /body must be/],
    [{ hosts: ['bad host!'] }, /not a valid domain name/],
  ])('refuses PUT /cloudfront/active-hosts with %j', async (body, problem) => {
    const res = await control('/cloudfront/active-hosts', { method: 'PUT', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(problem);
  });

  it("fails a domain's managed certificate with PUT /cloudfront/certificate-failures/<domain>, and clears it with DELETE", async () => {
    const path = `/cloudfront/certificate-failures/${encodeURIComponent('caa.example.org')}`;
    const put = await control(path, { method: 'PUT' });
    expect(await put.json()).toEqual({ failing: ['caa.example.org'] });
    expect(edge.cloudFront.validator.failingDomains.has('caa.example.org')).toBe(true);
    const cleared = await control(path, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual({ failing: [] });
    expect(edge.cloudFront.validator.failingDomains.has('caa.example.org')).toBe(false);
  });

  it('rejects a body that is not an event', async () => {
    const res = await control('/invoke', { method: 'POST', body: '{"nope":1}' });
    expect(res.status).toBe(400);
  });

  it('sets, reads and clears a replica fault', async () => {
    const put = await control('/faults/eu-west-1', {
      method: 'PUT',
      body: JSON.stringify({ mode: 'slow', delayMs: 5 }),
    });
    expect(put.status).toBe(200);
    expect(edge.replicas['eu-west-1']?.fault).toEqual({ mode: 'slow', delayMs: 5 });
    expect(await (await control('/faults')).json()).toMatchObject({
      'eu-west-1': { mode: 'slow' },
      'us-east-1': { mode: 'normal' },
    });
    await control('/faults', { method: 'DELETE' });
    expect(edge.replicas['eu-west-1']?.fault).toEqual({ mode: 'normal' });
  });

  it('sets one fault on every region with PUT /faults', async () => {
    const res = await control('/faults', { method: 'PUT', body: JSON.stringify({ mode: 'refuse' }) });
    expect(res.status).toBe(200);
    expect(Object.values(edge.replicas).map((r) => r.fault.mode)).toEqual(['refuse', 'refuse', 'refuse']);
    await control('/faults', { method: 'DELETE' });
    expect(Object.values(edge.replicas).map((r) => r.fault.mode)).toEqual(['normal', 'normal', 'normal']);
  });

  it.each([
    ['/faults/eu-west-1', { mode: 'explode' }, 400],
    ['/faults/eu-west-1', { mode: 'slow', share: 2 }, 400],
    ['/faults/mars-north-1', { mode: 'hang' }, 404],
  ])('refuses PUT %s %j with %i', async (path, body, status) => {
    const res = await control(path, { method: 'PUT', body: JSON.stringify(body) });
    expect(res.status).toBe(status);
    expect(await res.json()).toHaveProperty('error');
  });
});

describe('replica endpoints seen by the AWS SDK', () => {
  const client = (region: string) =>
    new DynamoDBClient({
      region,
      endpoint: edge.replicas[region]?.endpoint as string,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  const read = (c: DynamoDBClient) =>
    c.send(new GetItemCommand({ TableName: edge.config.tableName, Key: { pk: { S: 'TENANT#acme' } } }));

  it('forwards to the server in normal mode', async () => {
    const c = client('us-east-1');
    expect((await read(c)).Item?.tenantId?.S).toBe('acme');
    c.destroy();
  });

  it('throttles with an error the SDK classifies as throttling', async () => {
    await edge.setFault('us-east-1', { mode: 'throttle' });
    const c = client('us-east-1');
    const error = await read(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    // The name is in the SDK's THROTTLING_ERROR_CODES: its retry strategy backs off as for throttling.
    expect((error as { name: string }).name).toBe('ProvisionedThroughputExceededException');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    c.destroy();
    await edge.clearFaults();
  });

  it('fails with HTTP 500 InternalServerError', async () => {
    await edge.setFault('us-east-1', { mode: 'error-500' });
    const c = client('us-east-1');
    const error = (await read(c).catch((e: unknown) => e)) as {
      name: string;
      $metadata: { httpStatusCode: number };
    };
    expect(error.name).toBe('InternalServerError');
    expect(error.$metadata.httpStatusCode).toBe(500);
    c.destroy();
    await edge.clearFaults();
  });

  it('refuses connections, then serves again on the same port', async () => {
    await edge.setFault('eu-west-1', { mode: 'refuse' });
    const c = client('eu-west-1');
    const error = (await read(c).catch((e: unknown) => e)) as { code?: string; name: string };
    expect(error.code ?? error.name).toMatch(/ECONNREFUSED/);
    await edge.clearFaults();
    expect((await read(c)).Item?.tenantId?.S).toBe('acme');
    c.destroy();
  });

  it('affects only the given share of requests', async () => {
    await edge.setFault('ap-southeast-2', { mode: 'error-500', share: 0 });
    const c = client('ap-southeast-2');
    expect((await read(c)).Item?.tenantId?.S).toBe('acme');
    c.destroy();
    await edge.clearFaults();
  });
});

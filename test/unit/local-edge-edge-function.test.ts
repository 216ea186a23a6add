import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeHandler, loadEdgeFunction } from '../../scripts/local-edge/edge-function.ts';

const event = {
  Records: [{ cf: { config: { requestId: 'r1' }, request: { uri: '/' } } }],
} as unknown as CloudFrontRequestEvent;

// A CommonJS "bundle" with module state, like the router's lazily created handler and cache.
const BUNDLE = `
let calls = 0;
let regionAtFirstCall;
exports.handler = async () => {
  calls++;
  if (regionAtFirstCall === undefined) regionAtFirstCall = process.env.AWS_REGION;
  return { status: '200', body: JSON.stringify({ calls, regionAtFirstCall }) };
};
`;

let dir: string;
let bundleFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edge-function-test-'));
  bundleFile = join(dir, 'index.js');
  await writeFile(bundleFile, BUNDLE);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bodyOf = (result: unknown) => JSON.parse((result as { body: string }).body) as Record<string, unknown>;

describe('loadEdgeFunction', () => {
  it('gives each edge region its own module instance with its own AWS_REGION', async () => {
    const regionBefore = process.env.AWS_REGION;
    const fn = await loadEdgeFunction({ kind: 'bundle', file: bundleFile });
    const first = await fn.invoke('eu-west-1', event);
    const second = await fn.invoke('eu-west-1', event);
    const other = await fn.invoke('ap-southeast-2', event);
    expect(first.ok && bodyOf(first.result)).toEqual({ calls: 1, regionAtFirstCall: 'eu-west-1' });
    expect(second.ok && bodyOf(second.result)).toEqual({ calls: 2, regionAtFirstCall: 'eu-west-1' });
    expect(other.ok && bodyOf(other.result)).toEqual({ calls: 1, regionAtFirstCall: 'ap-southeast-2' });
    expect(fn.loadedRegions).toEqual(['eu-west-1', 'ap-southeast-2']);
    // Each instance has its own environment; this process's is left as it was.
    expect(process.env.AWS_REGION).toBe(regionBefore);
  });

  it('supports callback-style handlers', async () => {
    const handler: EdgeHandler = (_event, _context, callback) => {
      setImmediate(() => callback(null, { status: '204' }));
    };
    const fn = await loadEdgeFunction({ kind: 'function', handler });
    expect(await fn.invoke('us-east-1', event)).toMatchObject({ ok: true, result: { status: '204' } });
  });

  it('reports a callback error, a rejection and a throw as failures', async () => {
    const viaCallback = await loadEdgeFunction({
      kind: 'function',
      handler: (_e, _c, callback) => callback(new Error('cb')),
    });
    expect(await viaCallback.invoke('us-east-1', event)).toMatchObject({
      ok: false,
      error: 'Error: cb',
      timedOut: false,
    });
    const rejecting = await loadEdgeFunction({
      kind: 'function',
      handler: async () => Promise.reject(new TypeError('no')),
    });
    expect(await rejecting.invoke('us-east-1', event)).toMatchObject({ ok: false, error: 'TypeError: no' });
    const throwing = await loadEdgeFunction({
      kind: 'function',
      handler: () => {
        throw new RangeError('sync');
      },
    });
    expect(await throwing.invoke('us-east-1', event)).toMatchObject({ ok: false, error: 'RangeError: sync' });
  });

  it('times a handler out', async () => {
    const fn = await loadEdgeFunction({ kind: 'function', handler: () => new Promise(() => {}) });
    const outcome = await fn.invoke('us-east-1', event, 20);
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
  });

  it('loads the handler export of a module file', async () => {
    const file = join(dir, 'other.mjs');
    await writeFile(file, "export const handler = async () => ({ status: '418' });\n");
    const fn = await loadEdgeFunction({ kind: 'module', file });
    expect(await fn.invoke('us-east-1', event)).toMatchObject({ ok: true, result: { status: '418' } });
  });

  it('fails the invocation of a bundle without a handler export', async () => {
    const file = join(dir, 'nothing.js');
    await writeFile(file, 'exports.other = 1;\n');
    const fn = await loadEdgeFunction({ kind: 'bundle', file });
    expect(await fn.invoke('us-east-1', event)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/does not export a handler/),
    });
  });
});

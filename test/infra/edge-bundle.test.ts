/**
 * The two bundlers (async for scripts and the local edge, sync for CDK local bundling) share their
 * esbuild options: same input, byte-identical output; and neither bakes an invalid configuration.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import { ConfigError } from '../../edge/errors.ts';
import { bundleEdgeFunction, bundleEdgeFunctionSync, edgeBuildOptions } from '../../infra/edge-bundle.ts';

const config = resolveRouterConfig({
  tableName: 'tenant-routes',
  replicaRegions: ['eu-west-1', 'us-east-1'],
  platformDomains: ['app.example.com'],
  allowedOriginSuffixes: ['.origin.example.com'],
});

describe('edge bundlers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-router-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('write the same bundle, sync or async', async () => {
    const async = await bundleEdgeFunction({ config, outdir: join(dir, 'async') });
    const sync = bundleEdgeFunctionSync({ config, outdir: join(dir, 'sync') });
    expect(sync.bytes).toBe(async.bytes);
    expect(readFileSync(sync.file)).toEqual(readFileSync(async.file));
    expect(sync.file).toBe(join(dir, 'sync', 'index.js'));
  });

  it('leave the writers-only Public Suffix List out, and load UTS #46 lazily', async () => {
    const { file } = await bundleEdgeFunction({ config, outdir: join(dir, 'contents') });
    const code = readFileSync(file, 'utf8');
    expect(code).not.toContain('blogspot');
    // tr46 is bundled, inside a function: required on the first non-ASCII or xn-- host only.
    expect(code).toContain('xn--');
  });

  it('target the esbuild version of the Lambda runtime, nodejs22.x unless told', () => {
    expect(edgeBuildOptions({ config, outdir: dir }).target).toBe('node22');
    expect(edgeBuildOptions({ config, outdir: dir, runtime: 'nodejs20.x' }).target).toBe('node20');
  });

  it('refuse to bake a configuration the handler would reject', () => {
    const bad = { ...config, replicaRegions: [] } as unknown as RouterConfig;
    expect(() => edgeBuildOptions({ config: bad, outdir: dir })).toThrow(ConfigError);
    expect(() => bundleEdgeFunctionSync({ config: bad, outdir: join(dir, 'bad') })).toThrow(/replicaRegions/);
  });
});

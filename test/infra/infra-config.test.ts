/**
 * The deployment configuration: validation with clear messages, defaults, and the router
 * configuration derived from it. No CDK synth here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../edge/config.ts';
import { ConfigError } from '../../edge/errors.ts';
import { regionRoundTrip } from '../../edge/region-geography.ts';
import {
  INFRA_DEFAULTS,
  INFRA_SETTINGS,
  resolveInfraConfig,
  tableRegions,
} from '../../infra/infra-config.ts';
import {
  CONFIG_CONTEXT_KEY,
  CONFIG_FILE_CONTEXT_KEY,
  loadInfraConfig,
} from '../../infra/load-infra-config.ts';
import { deriveLookupTiming } from '../../infra/lookup-timing-derivation.ts';
import { describeSettingsSpec } from '../support/settings-spec-suite.ts';
import { infraConfigInput } from './fixtures.ts';

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

describeSettingsSpec('deployment settings', {
  spec: INFRA_SETTINGS,
  resolve: resolveInfraConfig,
  validInput: infraConfigInput(),
  doc: { file: 'docs/deploying.md', table: 'infra' },
});

describe('resolveInfraConfig', () => {
  it('derives the same router configuration from infra/config/example.json as before the settings spec', () => {
    // example-router-config.json is what resolveInfraConfig returned at 73b4c76, before the spec;
    // the intended differences are the settings added since, at their defaults (cache.maxEntries
    // became maxTenants in the fixture, as in the example), and the lookup timing derived from
    // the round-trip matrix.
    const before = readJson('./example-router-config.json') as { cache: object; lookup: object };
    const config = resolveInfraConfig(readJson('../../infra/config/example.json'));
    const { byEdgeRegion: _derived, ...lookupDefaults } = CONFIG_DEFAULTS.lookup;
    expect(config.router).toEqual({
      ...before,
      encodedSlashes: 'reject',
      cache: { ...before.cache, errorBackoffMs: 1_000, maxAbsences: 50_000 },
      lookup: { ...lookupDefaults, ...before.lookup, byEdgeRegion: deriveLookupTiming(config.router) },
    });
  });

  it('derives the router configuration: every table region, the domains, suffixes and cache', () => {
    const config = resolveInfraConfig(infraConfigInput());
    expect(config.router.tableName).toBe('tenant-routes-test');
    expect(config.router.replicaRegions).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-2']);
    expect(tableRegions(config)).toEqual(config.router.replicaRegions);
    expect(config.router.platformDomains).toEqual(['app.example.com']);
    expect(config.router.allowedOriginSuffixes).toEqual(['.origin.example.com']);
    expect(config.router.cache).toEqual({ ...CONFIG_DEFAULTS.cache, ttlMs: 20_000, negativeTtlMs: 4_000 });
    expect(config.router.endpoints).toEqual({});
  });

  it('applies defaults for everything optional', () => {
    const config = resolveInfraConfig(infraConfigInput());
    expect(config.stackName).toBe('TenantRouter');
    expect(config.defaultOriginRegion).toBe('eu-west-1');
    expect(config.certificateArn).toBeUndefined();
    expect(config.domainNames).toEqual([]);
    expect(config.cdnCache).toEqual(INFRA_DEFAULTS.cdnCache);
    expect(config.edgeFunction).toEqual(INFRA_DEFAULTS.edgeFunction);
    expect(config.regionalOrigins.get(config.defaultOriginRegion)).toEqual({
      type: 'custom',
      domainName: 'eu-west-1.origin.example.com',
      protocol: 'https',
      port: 443,
      path: '',
    });
  });

  it('passes router settings through to the baked configuration', () => {
    const config = resolveInfraConfig(
      infraConfigInput({
        router: { lookup: { attemptTimeoutMs: 200, budgetMs: 800 }, originSecretHeader: 'x-edge-key' },
      }),
    );
    expect(config.router.lookup).toMatchObject({
      attemptTimeoutMs: 200,
      budgetMs: 800,
      replicaCooldownMs: 5_000,
    });
    // The build derives the per-pair timing from these: Dublin's replica is 3 ms from Dublin.
    expect(config.router.lookup.byEdgeRegion['eu-west-1']?.replicas['eu-west-1']).toMatchObject({
      requestTimeoutMs: 200 + Math.ceil(1.5 * (regionRoundTrip('eu-west-1', 'eu-west-1')?.ms ?? 0)),
    });
    expect(config.router.originSecretHeader).toBe('x-edge-key');
  });

  it.each([
    ['an unknown setting', { colour: 'blue' }, /colour is not a known setting/],
    ['a short account id', { account: '1234' }, /account must be a 12-digit AWS account id/],
    ['a bad primary region', { primaryRegion: 'europe' }, /primaryRegion "europe" is not an AWS region/],
    ['the primary among the replicas', { replicaRegions: ['eu-west-1'] }, /must not list the primary region/],
    ['duplicate replicas', { replicaRegions: ['us-east-1', 'us-east-1'] }, /replicaRegions has duplicates/],
    ['a bad table name', { tableName: 'a b' }, /router config: tableName/],
    ['no origin suffixes', { allowedOriginSuffixes: [] }, /allowedOriginSuffixes must name at least one/],
    [
      'a regional origin outside the suffixes',
      { regionalOrigins: { 'eu-west-1': { domainName: 'evil.example.net' } } },
      /regionalOrigins.eu-west-1 evil.example.net is outside allowedOriginSuffixes/,
    ],
    [
      'a plain-HTTP regional origin',
      { regionalOrigins: { 'eu-west-1': { domainName: 'a.origin.example.com', protocol: 'http' } } },
      /regionalOrigins.eu-west-1 must use protocol 'https'/,
    ],
    ['no regional origins', { regionalOrigins: {} }, /regionalOrigins must name at least one region/],
    [
      'a default origin region without an origin',
      { defaultOriginRegion: 'sa-east-1' },
      /sa-east-1 has no entry/,
    ],
    [
      'a certificate outside us-east-1',
      {
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-4333-8444-555555555555',
      },
      /certificateArn must be an ACM certificate ARN in us-east-1/,
    ],
    [
      'aliases without a certificate',
      { domainNames: ['*.app.example.com'] },
      /domainNames need a certificateArn/,
    ],
    [
      'a CDN cache with default above max',
      { cdnCache: { defaultTtlSeconds: 100, maxTtlSeconds: 10 } },
      /minTtlSeconds <= defaultTtlSeconds/,
    ],
    [
      'Host among the forwarded headers',
      { originRequest: { headers: ['host'] } },
      /host is always forwarded/,
    ],
    [
      'Authorization in the origin request policy',
      { originRequest: { headers: ['Accept-Language', 'Authorization'] } },
      /originRequest.headers\[1\] CloudFront rejects an origin request policy naming Authorization \(HTTP 400\): put it in cacheKeyHeaders/,
    ],
    [
      'a viewer header among the CloudFront headers',
      { originRequest: { cloudFrontHeaders: ['Accept'] } },
      /not a CloudFront-\* header/,
    ],
    ['Host in the cache key headers', { cacheKeyHeaders: ['Host'] }, /Host is always forwarded/],
    [
      'a runtime Lambda@Edge does not list',
      { edgeFunction: { runtime: 'nodejs24.x' } },
      /runtime must be one of nodejs22.x, nodejs20.x/,
    ],
    [
      'a timeout above the origin-trigger limit',
      { edgeFunction: { timeoutSeconds: 31 } },
      /timeoutSeconds must be an integer from 1 to 30/,
    ],
    [
      'a timeout inside the lookup budget',
      { edgeFunction: { timeoutSeconds: 2 }, router: { lookup: { attemptTimeoutMs: 500, budgetMs: 1500 } } },
      /must leave a second beyond the lookup budget \(\d+ ms, derived for ap-northeast-2\)/,
    ],
    [
      'a derived router setting',
      { router: { tableName: 'other' } },
      /router.tableName is set at the top level/,
    ],
    ['local endpoints', { router: { endpoints: { 'eu-west-1': 'http://127.0.0.1:1' } } }, /never deployed/],
    [
      'local per-edge-region endpoints',
      { router: { edgeEndpoints: { 'sa-east-1': { 'eu-west-1': 'https://127.0.0.1:1' } } } },
      /router.edgeEndpoints is for the local edge only, never deployed/,
    ],
    [
      'a local CA certificate',
      { router: { endpointCaCertificate: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' } },
      /router.endpointCaCertificate is for the local edge only, never deployed/,
    ],
    [
      'the router cache under router',
      { router: { cache: { ttlMs: 1 } } },
      /router.cache is set at the top level \(routerCache\)/,
    ],
    ['an unknown router cache setting', { routerCache: { ttl: 1 } }, /cache.ttl is not a known setting/],
    [
      'an unknown router setting',
      { router: { colour: 'blue' } },
      /router config: colour is not a known setting/,
    ],
    [
      'an unknown price class',
      { priceClass: 'PriceClass_Cheap' },
      /priceClass must be one of PriceClass_100/,
    ],
    [
      'a log retention CloudWatch does not offer',
      { observability: { logRetentionDays: 10 } },
      /observability.logRetentionDays must be one of 1, 3, 5, 7, 14, 30/,
    ],
    [
      'no edge region',
      { observability: { edgeRegions: [] } },
      /observability.edgeRegions must name at least one/,
    ],
    ['a bad alarm email', { observability: { alarmEmails: ['oncall'] } }, /alarmEmails\[0\] is not an email/],
    [
      'a stack name too long for the function name',
      { stackName: `R${'x'.repeat(57)}` },
      /stackName must be at most 57/,
    ],
    [
      'a metrics namespace in the AWS/ space',
      { router: { metrics: { namespace: 'AWS/Router' } } },
      /router config: metrics.namespace must be 1-255/,
    ],
  ])('rejects %s with a message naming the field', (_name, overrides, message) => {
    expect(() => resolveInfraConfig(infraConfigInput(overrides))).toThrow(ConfigError);
    expect(() => resolveInfraConfig(infraConfigInput(overrides))).toThrow(message);
  });
});

describe('loadInfraConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-router-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file named in context, relative to the working directory', () => {
    writeFileSync(join(dir, 'router.json'), JSON.stringify(infraConfigInput({ stackName: 'FromFile' })));
    const app = new App({ outdir: dir, context: { [CONFIG_FILE_CONTEXT_KEY]: 'router.json' } });
    expect(loadInfraConfig(app.node, { cwd: dir }).stackName).toBe('FromFile');
  });

  it('prefers an inline configuration, given as an object or as JSON text', () => {
    const inline = infraConfigInput({ stackName: 'Inline' });
    for (const value of [inline, JSON.stringify(inline)]) {
      const app = new App({
        outdir: dir,
        context: { [CONFIG_CONTEXT_KEY]: value, [CONFIG_FILE_CONTEXT_KEY]: 'missing.json' },
      });
      expect(loadInfraConfig(app.node, { cwd: dir }).stackName).toBe('Inline');
    }
  });

  it('names the file in validation errors', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(infraConfigInput({ account: 'x' })));
    const app = new App({ outdir: dir, context: { [CONFIG_FILE_CONTEXT_KEY]: 'bad.json' } });
    expect(() => loadInfraConfig(app.node, { cwd: dir })).toThrow(/bad\.json: infra config: account/);
  });

  it('says how to configure when nothing is configured', () => {
    expect(() => loadInfraConfig(new App({ outdir: dir }).node)).toThrow(
      /set context tenantRouter:configFile/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  CONFIG_DEFAULTS,
  propagationWaitMs,
  ROUTER_SETTINGS,
  resolveRouterConfig,
} from '../../edge/config.ts';
import { ConfigError } from '../../edge/errors.ts';
import { describeSettingsSpec } from '../support/settings-spec-suite.ts';

const minimal = {
  tableName: 'tenant-routes',
  replicaRegions: ['us-east-1', 'eu-west-1'],
  platformDomains: ['App.Example.com'],
  allowedOriginSuffixes: ['.origin.example.com'],
};

describeSettingsSpec('router settings', {
  spec: ROUTER_SETTINGS,
  resolve: resolveRouterConfig,
  validInput: minimal,
  doc: { file: 'docs/routing.md', table: 'router' },
});

describe('resolveRouterConfig', () => {
  it('fills in every default and normalises domains', () => {
    const config = resolveRouterConfig(minimal);
    expect(config).toMatchObject({
      ...CONFIG_DEFAULTS,
      tableName: 'tenant-routes',
      replicaRegions: ['us-east-1', 'eu-west-1'],
      platformDomains: ['app.example.com'],
    });
  });

  it('derives the staleness bound migrations wait on from TTL and replication lag', () => {
    const config = resolveRouterConfig({
      ...minimal,
      cache: { ttlMs: 10_000 },
      replicationLagAllowanceMs: 2_000,
    });
    expect(propagationWaitMs(config)).toBe(12_000);
  });

  it.each([
    [{ ...minimal, tableName: 'x' }, 'tableName'],
    [{ ...minimal, replicaRegions: [] }, 'replicaRegions must name at least one region'],
    [{ ...minimal, replicaRegions: ['us-east-1', 'us-east-1'] }, 'replicaRegions has duplicates'],
    [{ ...minimal, replicaRegions: ['mars-1'] }, 'replicaRegions[0] "mars-1" is not an AWS region name'],
    [{ ...minimal, platformDomains: ['not a domain'] }, 'platformDomains[0]'],
    [{ ...minimal, allowedOriginSuffixes: ['com'] }, 'allowedOriginSuffixes[0] "com" is not a domain suffix'],
    [{ ...minimal, allowedOriginSuffixes: [] }, 'allowedOriginSuffixes must name at least one suffix'],
    [
      { ...minimal, allowedOriginSuffixes: ['.s3.eu-west-1.amazonaws.com'] },
      'allowedOriginSuffixes[0] ".s3.eu-west-1.amazonaws.com" is a suffix in an AWS endpoint namespace',
    ],
    [{ ...minimal, encodedSlashes: 'decode' }, "encodedSlashes must be 'reject' or 'preserve'"],
    [{ ...minimal, cache: { ttlMs: -1 } }, 'cache.ttlMs must be an integer'],
    [{ ...minimal, lookup: { attemptTimeoutMs: 500, budgetMs: 100 } }, 'lookup.budgetMs must be at least'],
    [{ ...minimal, replicaOrder: { 'us-east-1': ['ap-south-1'] } }, 'ap-south-1 is not a replica region'],
    [{ ...minimal, endpoints: { 'us-east-1': 'not a url' } }, 'endpoints.us-east-1 must be a URL'],
    [
      { ...minimal, edgeEndpoints: { 'sa-east-1': { 'us-east-1': 'nope' } } },
      'edgeEndpoints.sa-east-1.us-east-1 must be a URL',
    ],
    [
      { ...minimal, edgeEndpoints: { 'sa-east-1': { 'ap-south-1': 'https://127.0.0.1:1' } } },
      'edgeEndpoints.sa-east-1.ap-south-1 ap-south-1 is not a replica region',
    ],
    [
      { ...minimal, edgeEndpoints: { mars: {} } },
      'edgeEndpoints key "mars" "mars" is not an AWS region name',
    ],
    [{ ...minimal, endpointCaCertificate: 'not pem' }, 'endpointCaCertificate must be a PEM certificate'],
    [{ ...minimal, unknownHost: { action: 'redirect' } }, 'unknownHost.action'],
    [
      {
        ...minimal,
        unknownHost: { action: 'forward', origin: { domainName: 'x.origin.example.com', port: 22 } },
      },
      'port',
    ],
    [{ ...minimal, decisionLogSampleRate: 2 }, 'decisionLogSampleRate must be 0..1'],
    [{ ...minimal, originSecretHeader: 'X Secret' }, 'originSecretHeader'],
    [{ ...minimal, tableNmae: 'typo' }, 'tableNmae is not a known setting'],
    [{ ...minimal, cache: { ttl: 1 } }, 'cache.ttl is not a known setting'],
    [{ ...minimal, cache: { errorBackoffMs: 0.5 } }, 'cache.errorBackoffMs must be an integer'],
    [
      { ...minimal, lookup: { attemptTimeoutMs: 30_001 } },
      'lookup.attemptTimeoutMs must be an integer from 1 to 30000',
    ],
    [null, 'config must be an object'],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => resolveRouterConfig(input)).toThrowError(ConfigError);
    expect(() => resolveRouterConfig(input)).toThrowError(message);
  });

  it('round-trips through JSON, as the bundle bakes it', () => {
    const config = resolveRouterConfig({
      ...minimal,
      replicaOrder: { 'eu-west-1': ['eu-west-1', 'us-east-1'] },
    });
    expect(resolveRouterConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });
});

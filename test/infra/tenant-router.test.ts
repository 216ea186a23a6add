/**
 * Template assertions on the TenantRouter construct: table, edge function, grants, distribution.
 * Fast synth (no bundling, no validation); the full synth with cdk-nag is in synth.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../edge/errors.ts';
import { EDGE_REGIONS } from '../../edge/regional-edge-caches.ts';
import { resolveInfraConfig } from '../../infra/infra-config.ts';
import { TenantRouter } from '../../infra/tenant-router.ts';
import { routerTableDefinition } from '../../scripts/lib/router-table.ts';
import { LISTED_POLICY_SETTINGS } from '../support/policy-settings.ts';
import { infraConfigInput, onlyResource, type SynthResult, synthTemplates } from './fixtures.ts';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

function logGroupArn(region: string, name = 'TenantRouter-router'): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:logs:${region}:123456789012:log-group:/aws/lambda/us-east-1.${name}:*`,
      ],
    ],
  };
}

function tableArn(region: string, table = 'tenant-routes-test'): unknown {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dynamodb:${region}:123456789012:table/${table}`]],
  };
}

describe('TenantRouter with the primary outside us-east-1', () => {
  let synth: SynthResult;
  beforeAll(() => {
    synth = synthTemplates(infraConfigInput());
  });

  it('puts the function in a us-east-1 stack of its own', () => {
    const edgeStack = synth.stack.router.edgeFunction.function.lambda.stack;
    expect(edgeStack.region).toBe('us-east-1');
    expect(edgeStack).not.toBe(synth.stack);
    // Only CDK's custom resources: the cross-region ARN reader and the writer of cross-region references.
    synth.main.resourceCountIs('AWS::Lambda::Function', 2);
    synth.edge.resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('runs the function on nodejs22.x (the newest the Lambda@Edge docs list) with no environment variables', () => {
    const fn = onlyResource(synth.edge, 'AWS::Lambda::Function');
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(fn.Properties.Environment).toBeUndefined();
    expect(fn.Properties.MemorySize).toBe(512);
    expect(fn.Properties.Timeout).toBe(5);
  });

  it('grants GetItem and BatchGetItem on the table in every replica region and log writes to its own log groups, nothing else', () => {
    const statements = onlyResource(synth.edge, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
        Effect: 'Allow',
        Resource: REGIONS.map((r) => tableArn(r)),
      },
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: EDGE_REGIONS.map((r) => logGroupArn(r)),
      },
    ]);
  });

  it('has no managed policy, so no logs:CreateLogGroup: the log groups are created ahead', () => {
    const role = onlyResource(synth.edge, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toEqual([]);
    expect(onlyResource(synth.edge, 'AWS::Lambda::Function').Properties.FunctionName).toBe(
      'TenantRouter-router',
    );
  });

  it('lets Lambda@Edge assume the function role', () => {
    synth.edge.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'edgelambda.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('creates a global table with a replica, PITR and deletion protection in every region', () => {
    const table = onlyResource(synth.main, 'AWS::DynamoDB::GlobalTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.TableName).toBe('tenant-routes-test');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    const replicas = table.Properties.Replicas as Array<Record<string, unknown>>;
    expect(replicas.map((r) => r.Region).sort()).toEqual([...REGIONS].sort());
    for (const replica of replicas) {
      expect(replica.DeletionProtectionEnabled).toBe(true);
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('declares the same keys and index as scripts/lib/router-table.ts', () => {
    const definition = routerTableDefinition('tenant-routes-test');
    const table = onlyResource(synth.main, 'AWS::DynamoDB::GlobalTable');
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));
    expect([...table.Properties.AttributeDefinitions].sort(byName)).toEqual(
      [...(definition.AttributeDefinitions ?? [])].sort(byName),
    );
    expect(table.Properties.KeySchema).toEqual(definition.KeySchema);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      definition.GlobalSecondaryIndexes?.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection,
      })),
    );
  });

  it('associates the function version with the distribution on origin-request', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultCacheBehavior: {
          LambdaFunctionAssociations: [
            { EventType: 'origin-request', IncludeBody: false, LambdaFunctionARN: Match.anyValue() },
          ],
        },
      },
    });
    // The version ARN comes from the us-east-1 stack through CDK's SSM parameter reader.
    synth.edge.resourceCountIs('AWS::Lambda::Version', 1);
    synth.edge.hasResourceProperties('AWS::SSM::Parameter', {
      Value: { Ref: Match.stringLikeRegexp('Version') },
    });
  });

  it('keys the cache on Host, so one tenant is never served another tenant’s page', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: {
        ParametersInCacheKeyAndForwardedToOrigin: {
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: Match.arrayWith(['Host']) },
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 31_536_000,
      },
    });
    const distribution = onlyResource(synth.main, 'AWS::CloudFront::Distribution');
    const policy = onlyResource(synth.main, 'AWS::CloudFront::CachePolicy');
    expect(distribution.Properties.DistributionConfig.DefaultCacheBehavior.CachePolicyId).toEqual({
      Ref: policy.logicalId,
    });
  });

  it('sends every viewer header, cookie and query string by default (the managed AllViewer settings)', () => {
    const policyId = onlyResource(synth.main, 'AWS::CloudFront::OriginRequestPolicy').logicalId;
    synth.main.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: {
        HeadersConfig: { HeaderBehavior: 'allViewer' },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        CookiesConfig: { CookieBehavior: 'all' },
      },
    });
    synth.main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { DefaultCacheBehavior: { OriginRequestPolicyId: { Ref: policyId } } },
    });
  });

  it('sends the generated origin secret to the default regional origin over TLS 1.2 only', () => {
    const secretId = onlyResource(synth.main, 'AWS::SecretsManager::Secret').logicalId;
    synth.main.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
      ReplicaRegions: [{ Region: 'us-east-1' }, { Region: 'ap-southeast-2' }],
    });
    synth.main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [
          {
            DomainName: 'eu-west-1.origin.example.com',
            CustomOriginConfig: Match.objectLike({
              OriginProtocolPolicy: 'https-only',
              OriginSSLProtocols: ['TLSv1.2'],
            }),
            OriginCustomHeaders: [
              {
                HeaderName: 'x-origin-secret',
                HeaderValue: {
                  'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
                },
              },
            ],
          },
        ],
      },
    });
  });

  it('redirects viewers to HTTPS and writes access logs', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
        Logging: { Bucket: Match.anyValue(), Prefix: 'cloudfront/' },
      },
    });
  });

  it('uses the cloudfront.net certificate and no aliases when none are configured', () => {
    const { Properties } = onlyResource(synth.main, 'AWS::CloudFront::Distribution');
    expect(Properties.DistributionConfig.Aliases).toBeUndefined();
    expect(Properties.DistributionConfig.ViewerCertificate).toBeUndefined();
  });
});

describe('TenantRouter, standard distribution, with the primary in us-east-1, a certificate and aliases', () => {
  let synth: SynthResult;
  beforeAll(() => {
    synth = synthTemplates(
      infraConfigInput({
        distribution: { mode: 'standard' },
        priceClass: 'PriceClass_100',
        primaryRegion: 'us-east-1',
        replicaRegions: ['eu-west-1'],
        defaultOriginRegion: 'eu-west-1',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-4333-8444-555555555555',
        domainNames: ['*.app.example.com', 'shop.example.org'],
        ...LISTED_POLICY_SETTINGS,
        edgeFunction: { memorySize: 1024, timeoutSeconds: 10, runtime: 'nodejs20.x' },
      }),
    );
  });

  it('keeps the function in the main stack', () => {
    expect(synth.stack.router.edgeFunction.function.lambda.stack).toBe(synth.stack);
    synth.main.resourceCountIs('Custom::CrossRegionStringParameterReader', 0);
    synth.main.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 10 });
  });

  it('grants GetItem and BatchGetItem on the primary and the replica', () => {
    synth.main.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
            Effect: 'Allow',
            Resource: [tableArn('us-east-1'), tableArn('eu-west-1')],
          },
        ]),
      },
    });
  });

  it('serves the aliases with the certificate and a modern TLS policy, at the configured price class', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        ConnectionMode: Match.absent(),
        PriceClass: 'PriceClass_100',
        IPV6Enabled: true,
        Aliases: ['*.app.example.com', 'shop.example.org'],
        ViewerCertificate: {
          AcmCertificateArn:
            'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-4333-8444-555555555555',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
        Origins: [Match.objectLike({ DomainName: 'eu-west-1.origin.example.com' })],
      },
    });
  });

  it('sends the configured headers, cookies and query strings, and keys the cache on Authorization', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: {
        HeadersConfig: {
          HeaderBehavior: 'whitelist',
          Headers: ['Host', 'Accept-Language', 'CloudFront-Viewer-Country'],
        },
        CookiesConfig: { CookieBehavior: 'whitelist', Cookies: ['session'] },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      },
    });
    // Authorization is forwarded through the cache policy: an origin request policy may not name it.
    synth.main.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: {
        ParametersInCacheKeyAndForwardedToOrigin: { HeadersConfig: { Headers: ['Host', 'Authorization'] } },
      },
    });
  });

  it('runs the configured runtime', () => {
    synth.main.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs20.x' });
  });

  it('has no connection group, no distribution tenant and no domains operator policy', () => {
    synth.main.resourceCountIs('AWS::CloudFront::ConnectionGroup', 0);
    synth.main.resourceCountIs('AWS::CloudFront::DistributionTenant', 0);
    synth.main.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    synth.main.hasOutput('DistributionDomainName', {});
  });
});

describe('TenantRouter placement', () => {
  it('refuses a stack outside the configured primary region or account', () => {
    const config = resolveInfraConfig(infraConfigInput());
    // Nothing is synthesized, so the (eagerly created) output folder stays empty and goes at once.
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'tenant-router-cdk-')) });
    rmSync(app.outdir, { recursive: true, force: true });
    const elsewhere = new Stack(app, 'Elsewhere', { env: { account: config.account, region: 'us-west-2' } });
    expect(() => new TenantRouter(elsewhere, 'Router', { config })).toThrow(
      /config.primaryRegion \(eu-west-1\)/,
    );
    const otherAccount = new Stack(app, 'OtherAccount', {
      env: { account: '999999999999', region: 'eu-west-1' },
    });
    expect(() => new TenantRouter(otherAccount, 'Router', { config })).toThrow(
      /config.account \(123456789012\)/,
    );
    const agnostic = new Stack(app, 'Agnostic');
    expect(() => new TenantRouter(agnostic, 'Router', { config })).toThrow(ConfigError);
  });
});

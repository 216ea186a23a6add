/**
 * Template assertions on the default, multi-tenant deployment (CloudFront SaaS Manager): a
 * tenant-only distribution carrying the origin-request function on its cache behaviour with cache
 * policies only, the connection group, the platform's distribution tenant and the operator policy
 * of `npm run domains`. Fast synth, as tenant-router.test.ts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../edge/errors.ts';
import { TABLE_ACTIONS, TENANT_ACTIONS } from '../../infra/domains-operator-policy.ts';
import { resolveInfraConfig } from '../../infra/infra-config.ts';
import { infraConfigInput, onlyResource, type SynthResult, synthTemplates } from './fixtures.ts';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-4333-8444-555555555555';

describe('TenantRouter, multi-tenant distribution (the default)', () => {
  let synth: SynthResult;
  let config: Record<string, unknown>;
  let distributionId: string;
  let groupId: string;
  beforeAll(() => {
    synth = synthTemplates(
      infraConfigInput({ certificateArn: CERTIFICATE, domainNames: ['*.app.example.com'] }),
    );
    const distribution = onlyResource(synth.main, 'AWS::CloudFront::Distribution');
    config = distribution.Properties.DistributionConfig;
    distributionId = distribution.logicalId;
    groupId = onlyResource(synth.main, 'AWS::CloudFront::ConnectionGroup').logicalId;
  });

  it('is tenant-only, with a tenant configuration and none of the fields only standard distributions take', () => {
    expect(config.ConnectionMode).toBe('tenant-only');
    expect(config.TenantConfig).toEqual({ ParameterDefinitions: [] });
    for (const field of ['Aliases', 'PriceClass', 'IPV6Enabled', 'ViewerCertificate', 'AnycastIpListId'])
      expect(config, field).not.toHaveProperty(field);
  });

  it('runs the origin-request function on its cache behaviours, which use cache policies only', () => {
    const behaviours = [
      config.DefaultCacheBehavior,
      ...((config.CacheBehaviors as unknown[]) ?? []),
    ] as Array<Record<string, unknown>>;
    for (const behaviour of behaviours) {
      expect(behaviour.LambdaFunctionAssociations).toEqual([
        { EventType: 'origin-request', IncludeBody: false, LambdaFunctionARN: expect.anything() },
      ]);
      expect(behaviour.CachePolicyId).toEqual({
        Ref: onlyResource(synth.main, 'AWS::CloudFront::CachePolicy').logicalId,
      });
      for (const legacy of [
        'DefaultTTL',
        'MinTTL',
        'MaxTTL',
        'ForwardedValues',
        'SmoothStreaming',
        'TrustedSigners',
      ])
        expect(behaviour, legacy).not.toHaveProperty(legacy);
    }
  });

  it('creates the connection group every customer domain points at, with IPv6', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::ConnectionGroup', {
      Name: 'TenantRouter-domains',
      Enabled: true,
      Ipv6Enabled: true,
    });
    synth.main.hasOutput('RoutingEndpoint', { Value: { 'Fn::GetAtt': [groupId, 'RoutingEndpoint'] } });
    synth.main.hasOutput('ConnectionGroupId', { Value: { 'Fn::GetAtt': [groupId, 'Id'] } });
    expect(Object.keys(synth.main.findOutputs('DistributionDomainName'))).toEqual([]);
  });

  it('puts the platform domains on one distribution tenant with the platform certificate', () => {
    synth.main.hasResourceProperties('AWS::CloudFront::DistributionTenant', {
      Name: 'TenantRouter-platform',
      DistributionId: { Ref: distributionId },
      Domains: ['*.app.example.com'],
      ConnectionGroupId: { 'Fn::GetAtt': [groupId, 'Id'] },
      Enabled: true,
      Customizations: { Certificate: { Arn: CERTIFICATE } },
    });
  });

  it('outputs an operator policy with exactly the domains tool calls, scoped where IAM allows', () => {
    const policy = onlyResource(synth.main, 'AWS::IAM::ManagedPolicy');
    const table = onlyResource(synth.main, 'AWS::DynamoDB::GlobalTable').logicalId;
    const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: [...TENANT_ACTIONS],
        Resource: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':cloudfront::123456789012:distribution/',
                { Ref: distributionId },
              ],
            ],
          },
          partitionArn(':cloudfront::123456789012:distribution-tenant/*'),
        ],
      },
      {
        Effect: 'Allow',
        Action: 'cloudfront:GetConnectionGroup',
        Resource: { 'Fn::GetAtt': [groupId, 'Arn'] },
      },
      { Effect: 'Allow', Action: ['acm:RequestCertificate', 'acm:DescribeCertificate'], Resource: '*' },
      // The table's ARN in the stack's region: the primary replica, the one write region.
      { Effect: 'Allow', Action: [...TABLE_ACTIONS], Resource: { 'Fn::GetAtt': [table, 'Arn'] } },
    ]);
    synth.main.hasOutput('DomainsOperatorPolicyArn', { Value: { Ref: policy.logicalId } });
  });

  it('keeps the rest of the router: the table, the origin secret header, logs', () => {
    synth.main.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    synth.main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [
          Match.objectLike({ OriginCustomHeaders: [Match.objectLike({ HeaderName: 'x-origin-secret' })] }),
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      },
    });
  });
});

describe('multi-tenant without platform domains', () => {
  it('creates no distribution tenant (the domains tool makes them)', () => {
    const synth = synthTemplates(infraConfigInput());
    synth.main.resourceCountIs('AWS::CloudFront::DistributionTenant', 0);
    synth.main.resourceCountIs('AWS::CloudFront::ConnectionGroup', 1);
  });

  it('refuses a price class, which only standard distributions have', () => {
    expect(() => resolveInfraConfig(infraConfigInput({ priceClass: 'PriceClass_100' }))).toThrowError(
      ConfigError,
    );
    expect(() => resolveInfraConfig(infraConfigInput({ priceClass: 'PriceClass_100' }))).toThrowError(
      /priceClass is for distribution.mode 'standard' only/,
    );
  });

  it('refuses a mode it does not know', () => {
    expect(() => resolveInfraConfig(infraConfigInput({ distribution: { mode: 'pool' } }))).toThrowError(
      /distribution.mode must be one of multi-tenant, standard/,
    );
  });
});

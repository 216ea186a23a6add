/**
 * Template assertions on the logs, alarms, alarm routing and dashboard: a log group with retention
 * and the router's alarms in every edge region, replica alarms in every replica region, CloudFront
 * alarms in us-east-1, every region's alarm state changes forwarded to the one topic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { REGIONAL_EDGE_CACHE_REGIONS } from '../../edge/regional-edge-caches.ts';
import { ALL_ALARMS, CLOUDFRONT_ALARMS, EDGE_REGION_ALARMS } from '../../infra/router-alarms.ts';
import { infraConfigInput, type ObservabilitySynth, onlyResource, synthObservability } from './fixtures.ts';

const TABLE_REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

function alarmNames(template: Template): string[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) =>
    String(a.Properties.AlarmName),
  );
}

describe('observability with the primary in eu-west-1', () => {
  let synth: ObservabilitySynth;
  beforeAll(() => {
    synth = synthObservability(infraConfigInput({ observability: { alarmEmails: ['oncall@example.com'] } }));
  });

  it('has one observability stack per edge region (all 13 regional edge caches), replica region and us-east-1', () => {
    expect([...synth.regional.keys()].sort()).toEqual([...REGIONAL_EDGE_CACHE_REGIONS].sort());
  });

  it.each(REGIONAL_EDGE_CACHE_REGIONS)(
    'creates the function log group ahead, with retention, in %s',
    (region) => {
      const template = synth.regional.get(region) as Template;
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: '/aws/lambda/us-east-1.TenantRouter-router', RetentionInDays: 30 },
        DeletionPolicy: 'Retain',
      });
    },
  );

  it.each(REGIONAL_EDGE_CACHE_REGIONS)('alarms on the router and the function in %s', (region) => {
    const names = alarmNames(synth.regional.get(region) as Template);
    for (const spec of EDGE_REGION_ALARMS) expect(names).toContain(`TenantRouter-${region}-${spec.id}`);
  });

  it('reads the router metrics of the region under the configured namespace, the function under us-east-1.<name>', () => {
    const template = synth.regional.get('ap-south-1') as Template;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TenantRouter-ap-south-1-RouterMalformedItems',
      Namespace: 'EdgeTenantRouter',
      MetricName: 'MalformedItems',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TenantRouter-ap-south-1-EdgeFunctionThrottles',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: 'us-east-1.TenantRouter-router' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TenantRouter-ap-south-1-RouterGenerated5xxShare',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(d >= 20, 100 * n / d, 0)' })]),
    });
  });

  it.each(TABLE_REGIONS)(
    'alarms on replication latency to each other replica and on read throttles in %s',
    (region) => {
      const names = alarmNames(synth.regional.get(region) as Template);
      for (const receiving of TABLE_REGIONS.filter((r) => r !== region))
        expect(names).toContain(`TenantRouter-${region}-ReplicationLatency-${receiving}`);
      expect(names).toContain(`TenantRouter-${region}-ReplicaReadThrottles`);
      // The migration's lag allowance is the alarm's threshold (infra/config default: the router's 5 s).
      (synth.regional.get(region) as Template).hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ReplicationLatency',
        Threshold: 5000,
        Dimensions: Match.arrayWith([{ Name: 'TableName', Value: 'tenant-routes-test' }]),
      });
    },
  );

  it('has no replica alarms where there is no replica', () => {
    expect(alarmNames(synth.regional.get('sa-east-1') as Template).some((n) => n.includes('Replica'))).toBe(
      false,
    );
  });

  it("alarms on CloudFront's error rates and origin latency in us-east-1 only", () => {
    const names = alarmNames(synth.regional.get('us-east-1') as Template);
    for (const spec of CLOUDFRONT_ALARMS) expect(names).toContain(`TenantRouter-us-east-1-${spec.id}`);
    for (const [region, template] of synth.regional)
      if (region !== 'us-east-1')
        expect(alarmNames(template).some((n) => n.includes('CloudFront'))).toBe(false);
    synth.main.hasResourceProperties('AWS::CloudFront::MonitoringSubscription', {
      MonitoringSubscription: {
        RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' },
      },
    });
  });

  it('gives no alarm an action: state changes travel through EventBridge to the one topic', () => {
    for (const template of synth.regional.values())
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')))
        expect(alarm.Properties.AlarmActions).toBeUndefined();
    synth.main.resourceCountIs('AWS::SNS::Topic', 1);
    synth.main.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    const topic = onlyResource(synth.main, 'AWS::SNS::Topic').logicalId;
    synth.main.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'TenantRouter-' }] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: topic } })],
    });
  });

  it('forwards alarm state changes of every other region to the primary region event bus', () => {
    for (const [region, template] of synth.regional) {
      const rules = template.findResources('AWS::Events::Rule');
      if (region === 'eu-west-1') {
        expect(Object.keys(rules)).toEqual([]);
        continue;
      }
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ detail: { alarmName: [{ prefix: 'TenantRouter-' }] } }),
        Targets: [
          Match.objectLike({
            Arn: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:123456789012:event-bus/default'],
              ],
            },
            RoleArn: Match.anyValue(),
          }),
        ],
      });
    }
  });

  it('builds one dashboard whose widgets read metrics in every edge region', () => {
    const dashboard = onlyResource(synth.main, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const region of REGIONAL_EDGE_CACHE_REGIONS) expect(body).toContain(`\\"region\\":\\"${region}\\"`);
    expect(body).toContain('ReplicationLatency');
    expect(body).toContain('5xxErrorRate');
  });
});

describe('observability settings', () => {
  it('leaves the additional CloudFront metrics and their alarms out when switched off', () => {
    const synth = synthObservability(
      infraConfigInput({
        observability: {
          cloudFrontAdditionalMetrics: false,
          edgeRegions: ['us-east-1'],
          logRetentionDays: 7,
        },
      }),
    );
    synth.main.resourceCountIs('AWS::CloudFront::MonitoringSubscription', 0);
    const names = alarmNames(synth.regional.get('us-east-1') as Template);
    expect(names).toContain('TenantRouter-us-east-1-CloudFront5xxErrorRate');
    expect(names).not.toContain('TenantRouter-us-east-1-CloudFrontOriginLatency');
    (synth.regional.get('us-east-1') as Template).hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 7,
    });
    // Only the table regions besides: no log group where the function does not run.
    expect([...synth.regional.keys()].sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    (synth.regional.get('eu-west-1') as Template).resourceCountIs('AWS::Logs::LogGroup', 0);
  });
});

describe('the runbook (docs/operations.md)', () => {
  const runbook = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
  const sections = new Map(
    runbook
      .split(/^### /m)
      .slice(1)
      .map((section) => [section.split('\n')[0]?.trim() ?? '', section] as const),
  );

  it.each(ALL_ALARMS.map((spec) => spec.id))(
    'has a section for %s with three checks and an npm run logs command',
    (id) => {
      const section = sections.get(id);
      expect(section, `docs/operations.md needs a "### ${id}" section`).toBeDefined();
      expect(section).toMatch(/^1\. /m);
      expect(section).toMatch(/^3\. /m);
      expect(section).toContain('npm run logs');
    },
  );
});

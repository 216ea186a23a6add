/**
 * Every alarm of the router, as data: its id (the runbook's heading in docs/operations.md), what it
 * means, and how it is built from metrics of one region. The regional stacks create the edge and
 * replica alarms in their region (a CloudWatch alarm watches metrics of its own region only), the
 * us-east-1 stack the CloudFront ones (CloudFront's metrics are there).
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { Region } from '../edge/model.ts';

/** Where an alarm lives. */
export type AlarmScope = 'edge-region' | 'replica' | 'cloudfront';

/** What an alarm's metrics are built from. */
export interface AlarmContext {
  /** The router's EMF namespace (`router.metrics.namespace`). */
  readonly namespace: string;
  /** The edge function's name (its metrics in each region are under `us-east-1.<name>`). */
  readonly functionName: string;
  readonly tableName: string;
  readonly distributionId: string;
  /** For replica alarms: the replica region that receives replicated writes. */
  readonly receivingRegion?: Region;
  /** Replication lag the staleness bound allows (`router.replicationLagAllowanceMs`). */
  readonly replicationLagAllowanceMs: number;
}

/** How one alarm is evaluated. */
interface AlarmRule {
  readonly metric: IMetric;
  readonly threshold: number;
  /** One-minute periods looked at, and how many of them must breach. */
  readonly periods: number;
  readonly breaching: number;
}

/** One alarm of the router. */
export interface AlarmSpec {
  /** Stable id: part of the alarm name and the runbook heading. */
  readonly id: string;
  readonly scope: AlarmScope;
  /** What it means when it fires (the alarm description, and the runbook's first line). */
  readonly meaning: string;
  readonly rule: (context: AlarmContext) => AlarmRule;
}

const MINUTE = Duration.minutes(1);

function router(context: AlarmContext, metricName: string, statistic = 'Sum'): Metric {
  return new Metric({ namespace: context.namespace, metricName, statistic, period: MINUTE });
}

function lambda(context: AlarmContext, metricName: string): Metric {
  return new Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: `us-east-1.${context.functionName}` },
    statistic: 'Sum',
    period: MINUTE,
  });
}

function cloudFront(context: AlarmContext, metricName: string, statistic = 'Average'): Metric {
  return new Metric({
    namespace: 'AWS/CloudFront',
    metricName,
    dimensionsMap: { DistributionId: context.distributionId, Region: 'Global' },
    statistic,
    period: MINUTE,
  });
}

/** A share in percent, 0 while the denominator is below `least` (a handful of requests is no signal). */
function share(numerator: Metric, denominator: Metric, least: number, label: string): MathExpression {
  return new MathExpression({
    expression: `IF(d >= ${least}, 100 * n / d, 0)`,
    usingMetrics: { n: numerator, d: denominator },
    label,
    period: MINUTE,
  });
}

/** Alarms on the router in every region it runs in. */
export const EDGE_REGION_ALARMS: readonly AlarmSpec[] = [
  {
    id: 'RouterGenerated5xxShare',
    scope: 'edge-region',
    meaning:
      'more than 5 % of routed requests got a generated 5xx (lookup failures, malformed items, bad origins)',
    rule: (c) => ({
      metric: share(router(c, 'Generated5xx'), router(c, 'Requests'), 20, '5xx share %'),
      threshold: 5,
      periods: 5,
      breaching: 3,
    }),
  },
  {
    id: 'RouterLookupFailures',
    scope: 'edge-region',
    meaning: 'tenant lookups failed on every replica with nothing stale to serve: viewers got 503',
    rule: (c) => ({ metric: router(c, 'LookupFailures'), threshold: 10, periods: 5, breaching: 2 }),
  },
  {
    id: 'RouterMalformedItems',
    scope: 'edge-region',
    meaning: 'the router read a table item it refuses (a bad write): its hosts get 502 until it is fixed',
    rule: (c) => ({ metric: router(c, 'MalformedItems'), threshold: 1, periods: 1, breaching: 1 }),
  },
  {
    id: 'RouterFailoverRate',
    scope: 'edge-region',
    meaning: "more than 10 % of table reads failed over from the region's nearest replica",
    rule: (c) => ({
      metric: share(router(c, 'ReplicaFailovers'), router(c, 'CacheMisses'), 20, 'failovers per miss %'),
      threshold: 10,
      periods: 5,
      breaching: 3,
    }),
  },
  {
    id: 'EdgeFunctionErrors',
    scope: 'edge-region',
    meaning:
      'the function itself failed (crash, timeout, init error): CloudFront answered 502/503 with its own page',
    rule: (c) => ({ metric: lambda(c, 'Errors'), threshold: 5, periods: 5, breaching: 2 }),
  },
  {
    id: 'EdgeFunctionThrottles',
    scope: 'edge-region',
    meaning: 'Lambda throttled the function in this region (concurrency quota): viewers got errors',
    rule: (c) => ({ metric: lambda(c, 'Throttles'), threshold: 1, periods: 5, breaching: 2 }),
  },
];

/** Alarms on each replica of the table, in the replica's region. */
export const REPLICA_ALARMS: readonly AlarmSpec[] = [
  {
    id: 'ReplicationLatency',
    scope: 'replica',
    meaning:
      'writes made in this region reach another replica later than the replication lag allowance migrations wait for',
    rule: (c) => ({
      metric: new Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'ReplicationLatency',
        dimensionsMap: { TableName: c.tableName, ReceivingRegion: c.receivingRegion ?? '' },
        statistic: 'Maximum',
        period: MINUTE,
      }),
      threshold: c.replicationLagAllowanceMs,
      periods: 5,
      breaching: 3,
    }),
  },
  {
    id: 'ReplicaReadThrottles',
    scope: 'replica',
    meaning: "the router's reads of this replica are throttled: lookups fail over or fail",
    rule: (c) => ({
      metric: new Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'ReadThrottleEvents',
        dimensionsMap: { TableName: c.tableName },
        statistic: 'Sum',
        period: MINUTE,
      }),
      threshold: 1,
      periods: 5,
      breaching: 2,
    }),
  },
];

/** Alarms on the distribution, in us-east-1. */
export const CLOUDFRONT_ALARMS: readonly AlarmSpec[] = [
  {
    id: 'CloudFront5xxErrorRate',
    scope: 'cloudfront',
    meaning: 'more than 5 % of all viewer responses were 5xx (router, Lambda@Edge or origins)',
    rule: (c) => ({ metric: cloudFront(c, '5xxErrorRate'), threshold: 5, periods: 5, breaching: 3 }),
  },
  {
    id: 'CloudFront502ErrorRate',
    scope: 'cloudfront',
    meaning:
      'more than 2 % of viewer responses were 502: function output CloudFront refused, or origins unreachable',
    rule: (c) => ({ metric: cloudFront(c, '502ErrorRate'), threshold: 2, periods: 5, breaching: 3 }),
  },
  {
    id: 'CloudFrontOriginLatency',
    scope: 'cloudfront',
    meaning: 'the 99th percentile of time to first byte from origins (router time included) is above 5 s',
    rule: (c) => ({
      metric: cloudFront(c, 'OriginLatency', 'p99'),
      threshold: 5000,
      periods: 5,
      breaching: 3,
    }),
  },
];

/** The CloudFront alarms that need the distribution's additional metrics. */
export const ADDITIONAL_METRIC_ALARMS: ReadonlySet<string> = new Set([
  'CloudFront502ErrorRate',
  'CloudFrontOriginLatency',
]);

/** Every alarm id, for the runbook check. */
export const ALL_ALARMS: readonly AlarmSpec[] = [
  ...EDGE_REGION_ALARMS,
  ...REPLICA_ALARMS,
  ...CLOUDFRONT_ALARMS,
];

/**
 * Creates one alarm named `<prefix>-<region>-<id>[-<receiving region>]`, with no action: alarm
 * state changes reach the one SNS topic through EventBridge (see alarm-notifications.ts).
 */
export function createAlarm(scope: Construct, spec: AlarmSpec, context: AlarmContext, name: string): Alarm {
  const rule = spec.rule(context);
  const id = context.receivingRegion === undefined ? spec.id : `${spec.id}-${context.receivingRegion}`;
  return new Alarm(scope, id, {
    alarmName: name,
    alarmDescription: `${spec.meaning}. Runbook: docs/operations.md#${spec.id.toLowerCase()}`,
    metric: rule.metric,
    threshold: rule.threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: rule.periods,
    datapointsToAlarm: rule.breaching,
    // No requests is no problem: a quiet region has no data points.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

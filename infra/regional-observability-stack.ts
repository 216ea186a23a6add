/**
 * One stack per region the router touches: in an edge region, the function's log group (created
 * ahead, with retention, so nothing needs `logs:CreateLogGroup`) and the router's alarms; in a
 * replica region, the replica's replication and throttling alarms; in us-east-1, CloudFront's
 * alarms. Alarms have no actions: a rule forwards their state changes to the primary region's
 * event bus, where one rule sends them to the one SNS topic (alarm-notifications.ts). A CloudWatch
 * alarm can only watch metrics of its own region and notify a topic of its own region, so this is
 * how 13 regions end on one topic.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Region } from '../edge/model.ts';
import { edgeLogGroupName } from '../edge/regional-edge-caches.ts';
import { type InfraConfig, tableRegions } from './infra-config.ts';
import {
  ADDITIONAL_METRIC_ALARMS,
  type AlarmContext,
  CLOUDFRONT_ALARMS,
  createAlarm,
  EDGE_REGION_ALARMS,
  REPLICA_ALARMS,
} from './router-alarms.ts';

/** Props of {@link RegionalObservabilityStack}. */
export interface RegionalObservabilityStackProps {
  readonly config: InfraConfig;
  readonly region: Region;
  /** The distribution's id; required in us-east-1 (a cross-region reference from the main stack). */
  readonly distributionId?: string;
}

/** Prefix of every alarm name of a deployment; the forwarding rules match on it. */
export function alarmNamePrefix(config: InfraConfig): string {
  return `${config.stackName}-`;
}

/** The event pattern of the router's alarm state changes (any region). */
export function alarmStateChangePattern(config: InfraConfig) {
  return {
    source: ['aws.cloudwatch'],
    detailType: ['CloudWatch Alarm State Change'],
    detail: { alarmName: Match.prefix(alarmNamePrefix(config)) },
  };
}

/**
 * The observability stack of one region.
 *
 * @example
 * new RegionalObservabilityStack(app, 'TenantRouter-observability-ap-south-1', { config, region });
 */
export class RegionalObservabilityStack extends Stack {
  /** The function's log group here, when this is an edge region. */
  readonly logGroup: LogGroup | undefined;

  constructor(scope: Construct, id: string, props: RegionalObservabilityStackProps) {
    const { config, region } = props;
    super(scope, id, {
      env: { account: config.account, region },
      crossRegionReferences: region !== config.primaryRegion,
      description: `Tenant router logs and alarms in ${region}`,
    });
    const context: AlarmContext = {
      namespace: config.router.metrics.namespace,
      functionName: config.edgeFunctionName,
      tableName: config.tableName,
      distributionId: props.distributionId ?? '',
      replicationLagAllowanceMs: config.router.replicationLagAllowanceMs,
    };
    const name = (alarmId: string) => `${alarmNamePrefix(config)}${region}-${alarmId}`;
    if (config.observability.edgeRegions.includes(region)) {
      this.logGroup = new LogGroup(this, 'EdgeFunctionLogs', {
        logGroupName: edgeLogGroupName(config.edgeFunctionName),
        retention: config.observability.logRetentionDays,
        // Logs are evidence: kept when the stack goes; a redeploy must import or remove the group.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const spec of EDGE_REGION_ALARMS) createAlarm(this, spec, context, name(spec.id));
    }
    const regions = tableRegions(config);
    if (regions.includes(region)) {
      for (const receiving of regions.filter((r) => r !== region)) {
        const [latency] = REPLICA_ALARMS;
        if (latency !== undefined)
          createAlarm(
            this,
            latency,
            { ...context, receivingRegion: receiving },
            name(`${latency.id}-${receiving}`),
          );
      }
      for (const spec of REPLICA_ALARMS.slice(1)) createAlarm(this, spec, context, name(spec.id));
    }
    if (region === 'us-east-1') {
      if (props.distributionId === undefined)
        throw new Error('the us-east-1 stack needs the distribution id');
      for (const spec of CLOUDFRONT_ALARMS) {
        if (ADDITIONAL_METRIC_ALARMS.has(spec.id) && !config.observability.cloudFrontAdditionalMetrics)
          continue;
        createAlarm(this, spec, context, name(spec.id));
      }
    }
    if (region !== config.primaryRegion) forwardAlarmEvents(this, config);
  }
}

/** Sends this region's alarm state changes to the primary region's default event bus. */
function forwardAlarmEvents(stack: Stack, config: InfraConfig): void {
  const primaryBus = EventBus.fromEventBusArn(
    stack,
    'PrimaryEventBus',
    stack.formatArn({
      service: 'events',
      region: config.primaryRegion,
      resource: 'event-bus',
      resourceName: 'default',
    }),
  );
  new Rule(stack, 'ForwardAlarmStateChanges', {
    description: `Router alarm state changes to ${config.primaryRegion}, where the alarm topic is`,
    eventPattern: alarmStateChangePattern(config),
    targets: [new EventBusTarget(primaryBus)],
  });
}

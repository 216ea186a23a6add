/**
 * What the main stack adds for operators: the alarm topic and its rule, the cross-region
 * dashboard, and CloudFront's additional metrics on the distribution. The per-region parts (log
 * groups, alarms) are the {@link RegionalObservabilityStack}s built beside it by `buildApp`.
 */
import { CfnMonitoringSubscription, type Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { AlarmNotifications } from './alarm-notifications.ts';
import type { InfraConfig } from './infra-config.ts';
import { RouterDashboard } from './router-dashboard.ts';

/** Props of {@link RouterMonitoring}. */
export interface RouterMonitoringProps {
  readonly config: InfraConfig;
  readonly distribution: Distribution;
}

/**
 * The main stack's monitoring.
 *
 * @example
 * new RouterMonitoring(stack, 'Monitoring', { config, distribution: router.cdn.distribution });
 */
export class RouterMonitoring extends Construct {
  readonly notifications: AlarmNotifications;
  readonly dashboard: RouterDashboard;

  constructor(scope: Construct, id: string, props: RouterMonitoringProps) {
    super(scope, id);
    const { config, distribution } = props;
    this.notifications = new AlarmNotifications(this, 'Alarms', { config });
    this.dashboard = new RouterDashboard(this, 'Dashboard', {
      config,
      distributionId: distribution.distributionId,
    });
    if (config.observability.cloudFrontAdditionalMetrics) {
      // Error rates per status code and origin latency; billed per distribution per month.
      new CfnMonitoringSubscription(this, 'AdditionalMetrics', {
        distributionId: distribution.distributionId,
        monitoringSubscription: {
          realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' },
        },
      });
    }
  }
}

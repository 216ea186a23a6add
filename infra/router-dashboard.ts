/**
 * One CloudWatch dashboard for every region: a dashboard lives in one region, but each metric of
 * a widget names its own region, so one page shows the router in all edge regions, the replicas
 * and CloudFront (us-east-1) side by side.
 */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { type InfraConfig, tableRegions } from './infra-config.ts';

const MINUTE = Duration.minutes(1);

/** One router metric in each edge region, a line per region. */
function perEdgeRegion(config: InfraConfig, metricName: string, statistic: string): Metric[] {
  return config.observability.edgeRegions.map(
    (region) =>
      new Metric({
        namespace: config.router.metrics.namespace,
        metricName,
        statistic,
        period: MINUTE,
        region,
        label: region,
      }),
  );
}

function graph(title: string, left: Metric[]): GraphWidget {
  return new GraphWidget({ title, left, width: 12, height: 6, liveData: true });
}

/** The widgets, in rows of two. */
function widgets(config: InfraConfig, distributionId: string): IWidget[] {
  const regions = tableRegions(config);
  const lambda = (metricName: string) =>
    config.observability.edgeRegions.map(
      (region) =>
        new Metric({
          namespace: 'AWS/Lambda',
          metricName,
          dimensionsMap: { FunctionName: `us-east-1.${config.edgeFunctionName}` },
          statistic: 'Sum',
          period: MINUTE,
          region,
          label: region,
        }),
    );
  const cloudFront = (metricName: string, statistic: string) =>
    new Metric({
      namespace: 'AWS/CloudFront',
      metricName,
      dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
      statistic,
      period: MINUTE,
      region: 'us-east-1',
      label: metricName,
    });
  const replication = regions.flatMap((source) =>
    regions
      .filter((receiving) => receiving !== source)
      .map(
        (receiving) =>
          new Metric({
            namespace: 'AWS/DynamoDB',
            metricName: 'ReplicationLatency',
            dimensionsMap: { TableName: config.tableName, ReceivingRegion: receiving },
            statistic: 'Maximum',
            period: MINUTE,
            region: source,
            label: `${source} -> ${receiving}`,
          }),
      ),
  );
  return [
    new TextWidget({
      markdown: `# ${config.stackName} router\nEvery edge region's router metrics (namespace \`${config.router.metrics.namespace}\`), the replicas and CloudFront. Alarms and what to do: docs/operations.md. Per-tenant figures: \`npm run logs -- --tenant ID\`.`,
      width: 24,
      height: 2,
    }),
    graph('Routed requests per edge region', perEdgeRegion(config, 'Requests', 'Sum')),
    graph('Generated 5xx per edge region', perEdgeRegion(config, 'Generated5xx', 'Sum')),
    graph('Lookup latency p99 per edge region (ms)', perEdgeRegion(config, 'LookupLatency', 'p99')),
    graph('Table reads (cache misses) per edge region', perEdgeRegion(config, 'CacheMisses', 'Sum')),
    graph('Replica failovers per edge region', perEdgeRegion(config, 'ReplicaFailovers', 'Sum')),
    graph('Lookup failures and malformed items', [
      ...perEdgeRegion(config, 'LookupFailures', 'Sum'),
      ...perEdgeRegion(config, 'MalformedItems', 'Sum'),
    ]),
    graph('Edge function errors per region', lambda('Errors')),
    graph('Edge function throttles per region', lambda('Throttles')),
    graph('Replication latency (ms, max)', replication),
    graph('CloudFront error rates (%)', [
      cloudFront('5xxErrorRate', 'Average'),
      cloudFront('4xxErrorRate', 'Average'),
    ]),
    graph('CloudFront requests', [cloudFront('Requests', 'Sum')]),
    ...(config.observability.cloudFrontAdditionalMetrics
      ? [graph('CloudFront origin latency p99 (ms)', [cloudFront('OriginLatency', 'p99')])]
      : []),
  ];
}

/**
 * The dashboard, in the main stack's region.
 *
 * @example
 * new RouterDashboard(stack, 'Dashboard', { config, distributionId: cdn.distribution.distributionId });
 */
export class RouterDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly config: InfraConfig; readonly distributionId: string },
  ) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.config.stackName}-router`,
      widgets: [widgets(props.config, props.distributionId)],
    });
  }
}

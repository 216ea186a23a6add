/**
 * The reusable L3 construct: drop it into any stack of a CDK app (with an explicit account and
 * region) to get the global table, the edge router function and the distribution, wired together.
 */
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ConfigError } from '../edge/errors.ts';
import { CustomerDomains } from './customer-domains.ts';
import { edgeFunctionCode } from './edge-function-code.ts';
import { EdgeRouterFunction } from './edge-router-function.ts';
import type { InfraConfig } from './infra-config.ts';
import {
  describeFarRegions,
  formatReplicaLayout,
  type ReplicaLayoutReport,
  replicaLayoutReport,
} from './replica-layout.ts';
import { RouterDistribution } from './router-distribution.ts';
import { RouterTable } from './router-table.ts';

/** Props of {@link TenantRouter}. */
export interface TenantRouterProps {
  /** The validated configuration (`resolveInfraConfig`). */
  readonly config: InfraConfig;
  /**
   * Code of the edge function. @default the esbuild bundle of `edge/origin-request.ts` with
   * `config.router` baked in
   */
  readonly code?: Code;
}

/**
 * Global table + Lambda@Edge origin-request router + CloudFront distribution (multi-tenant, with
 * its connection group and the domains tool's operator policy, unless `distribution.mode` is
 * `standard`).
 *
 * The surrounding stack must be in `config.primaryRegion` and `config.account`; when that is not
 * us-east-1, the function lands in a us-east-1 stack of its own (both regions need bootstrapping).
 *
 * @example
 * const config = resolveInfraConfig(JSON.parse(readFileSync('router.json', 'utf8')));
 * const stack = new Stack(app, 'Router', { env: { account: config.account, region: config.primaryRegion } });
 * const router = new TenantRouter(stack, 'TenantRouter', { config });
 */
export class TenantRouter extends Construct {
  /** The global table (`table.table` is the `TableV2`). */
  readonly table: RouterTable;
  /** The origin-request function (`edgeFunction.function` is the `EdgeFunction`). */
  readonly edgeFunction: EdgeRouterFunction;
  /** The distribution, its policies, log bucket and origin secret. */
  readonly cdn: RouterDistribution;
  /** Each edge region's nearest replica, and those farther than `config.replicaLayout.maxRoundTripMs`. */
  readonly replicaLayout: ReplicaLayoutReport;
  /**
   * Multi-tenant mode: the connection group, the platform's distribution tenant and the operator
   * policy of `npm run domains`; undefined in standard mode.
   */
  readonly domains: CustomerDomains | undefined;

  constructor(scope: Construct, id: string, props: TenantRouterProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region) || stack.region !== config.primaryRegion) {
      throw new ConfigError(
        `TenantRouter: stack region must be config.primaryRegion (${config.primaryRegion})`,
      );
    }
    if (Token.isUnresolved(stack.account) || stack.account !== config.account) {
      throw new ConfigError(`TenantRouter: stack account must be config.account (${config.account})`);
    }

    this.replicaLayout = replicaLayoutReport(
      config.router.replicaRegions,
      config.replicaLayout.maxRoundTripMs,
      config.observability.edgeRegions,
    );
    annotateReplicaLayout(this, this.replicaLayout, config.replicaLayout.failWhenFar);
    this.table = new RouterTable(this, 'Table', {
      tableName: config.tableName,
      replicaRegions: config.replicaRegions,
    });
    this.edgeFunction = new EdgeRouterFunction(this, 'EdgeFunction', {
      router: config.router,
      code: props.code ?? edgeFunctionCode(config.router, config.edgeFunction.runtime),
      sizing: config.edgeFunction,
      account: config.account,
      functionName: config.edgeFunctionName,
      logRegions: config.observability.edgeRegions,
    });
    this.cdn = new RouterDistribution(this, 'Cdn', {
      config,
      edgeFunction: this.edgeFunction.function,
    });
    this.domains =
      config.distribution.mode === 'multi-tenant'
        ? new CustomerDomains(this, 'Domains', {
            config,
            distribution: this.cdn.distribution,
            table: this.table.table,
          })
        : undefined;
  }
}

/**
 * The layout report in the synth output (an info), and each edge region far from every replica as
 * a warning, or an error that fails the synth when `failWhenFar`.
 */
function annotateReplicaLayout(scope: Construct, report: ReplicaLayoutReport, failWhenFar: boolean): void {
  const annotations = Annotations.of(scope);
  annotations.addInfo(formatReplicaLayout(report));
  if (report.far.length === 0) return;
  const message = describeFarRegions(report);
  if (failWhenFar) annotations.addError(message);
  else annotations.addWarningV2('tenant-router:replica-far', message);
}

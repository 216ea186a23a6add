/**
 * The Lambda@Edge origin-request function, in us-east-1, with read access to the router table in
 * every region that holds a replica (the function reads the replica nearest the edge it runs in).
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { experimental } from 'aws-cdk-lib/aws-cloudfront';
import { type CfnRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RouterConfig } from '../edge/config.ts';
import type { Region } from '../edge/model.ts';
import { edgeLogGroupName } from '../edge/regional-edge-caches.ts';
import type { EdgeRuntime } from './edge-runtime.ts';
import type { EdgeFunctionConfig } from './infra-config.ts';

/** The CDK runtime of each runtime setting (`edge-runtime.ts`); the handler is async, as newer Node.js requires. */
const CDK_RUNTIMES: Readonly<Record<EdgeRuntime, Runtime>> = {
  'nodejs22.x': Runtime.NODEJS_22_X,
  'nodejs20.x': Runtime.NODEJS_20_X,
};

/**
 * The DynamoDB actions the handler calls (`edge/dynamodb-tenant-store.ts`): GetItem for one
 * record, BatchGetItem for the records a lookup needs together. Reads only.
 */
export const EDGE_TABLE_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem'] as const;

/** Props of {@link EdgeRouterFunction}. */
export interface EdgeRouterFunctionProps {
  /** The router configuration baked into the code; its table name and replica regions get the grant. */
  readonly router: RouterConfig;
  /** The function code (the bundle with that configuration baked in). */
  readonly code: Code;
  /** Memory and timeout (see {@link EdgeFunctionConfig} for why the defaults are what they are). */
  readonly sizing: EdgeFunctionConfig;
  /** Account of the table. */
  readonly account: string;
  /**
   * Physical function name, fixed so the log group Lambda@Edge writes to in each region
   * (`/aws/lambda/us-east-1.<name>`) and its metrics are known to the regional stacks at synth time.
   */
  readonly functionName: string;
  /** Regions the function runs in, whose log groups are created ahead and may be written. */
  readonly logRegions: readonly Region[];
}

/**
 * The origin-request function. `EdgeFunction` puts it in us-east-1, in a stack of its own when the
 * surrounding stack is elsewhere; the table ARNs are built from the table's fixed name, so that
 * stack needs no cross-region reference to the table.
 *
 * @example
 * const fn = new EdgeRouterFunction(this, 'Edge', { router, code, sizing, account });
 */
export class EdgeRouterFunction extends Construct {
  /** The Lambda@Edge function; `function.currentVersion` is what the distribution associates. */
  readonly function: experimental.EdgeFunction;

  constructor(scope: Construct, id: string, props: EdgeRouterFunctionProps) {
    super(scope, id);
    this.function = new experimental.EdgeFunction(this, 'Function', {
      functionName: props.functionName,
      runtime: CDK_RUNTIMES[props.sizing.runtime],
      handler: 'index.handler',
      code: props.code,
      memorySize: props.sizing.memorySize,
      timeout: Duration.seconds(props.sizing.timeoutSeconds),
      description: `Tenant router (origin-request) for table ${props.router.tableName}`,
      // Used only when the surrounding stack is not in us-east-1: a readable name for that stack.
      stackId: `${Stack.of(this).stackName}-edge-function`,
    });
    const edgeStack = Stack.of(this.function.lambda);
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: [...EDGE_TABLE_ACTIONS],
        resources: props.router.replicaRegions.map((region) =>
          edgeStack.formatArn({
            service: 'dynamodb',
            region,
            account: props.account,
            resource: 'table',
            resourceName: props.router.tableName,
          }),
        ),
      }),
    );
    Validations.of(this.function.lambda).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Lambda@Edge runs only the runtimes its restrictions page lists (Node.js 22 is the newest listed); an ' +
        'unlisted one fails the distribution update (edgeFunction.runtime, docs/deploying.md#runtime).',
    });
    grantLogWritesOnly(this.function, props);
  }
}

/**
 * Replaces the managed basic execution policy (which includes `logs:CreateLogGroup` on `*`) with
 * writes to the function's own log group in each region it runs in: the regional stacks create
 * those groups ahead, with retention, so the function never creates one (a group it created would
 * keep logs forever).
 */
function grantLogWritesOnly(fn: experimental.EdgeFunction, props: EdgeRouterFunctionProps): void {
  const edgeStack = Stack.of(fn.lambda);
  const role = fn.lambda.role;
  const cfnRole = role?.node.defaultChild as CfnRole | undefined;
  if (cfnRole !== undefined) cfnRole.managedPolicyArns = [];
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: props.logRegions.map((region) =>
        edgeStack.formatArn({
          service: 'logs',
          region,
          account: props.account,
          resource: 'log-group',
          resourceName: `${edgeLogGroupName(props.functionName)}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    }),
  );
  if (role === undefined) return;
  for (const region of props.logRegions) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${props.account}:log-group:${edgeLogGroupName(props.functionName)}:*]`,
      reason:
        "Log streams are named by Lambda per container at run time; the grant is limited to the function's own " +
        'log group in each edge region and to creating streams and writing events in it.',
    });
  }
}

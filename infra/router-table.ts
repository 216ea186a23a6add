/**
 * The router's DynamoDB global table: the same keys and index as `scripts/lib/router-table.ts`
 * (the local edge and the scripts), which test/infra checks.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { PARTITION_KEY, REGION_INDEX } from '../edge/items.ts';
import type { Region } from '../edge/model.ts';

/** Props of {@link RouterTable}. */
export interface RouterTableProps {
  /** Physical table name; fixed, because the edge function is baked with it. */
  readonly tableName: string;
  /** Regions with a replica besides the stack's region (the primary). */
  readonly replicaRegions: readonly Region[];
}

/**
 * A `TableV2` global table: on-demand, point-in-time recovery, deletion protection, retained on
 * stack deletion, one replica per configured region.
 *
 * @example
 * const { table } = new RouterTable(stack, 'Table', { tableName: 'tenant-routes', replicaRegions });
 */
export class RouterTable extends Construct {
  /** The global table (the primary replica in the stack's region). */
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: RouterTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // The table is the source of truth for every tenant's routing: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: REGION_INDEX,
          partitionKey: { name: 'region', type: AttributeType.STRING },
          sortKey: { name: 'tenantId', type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
      ],
      replicas: props.replicaRegions.map((region) => ({ region })),
    });
  }
}

/**
 * What the DynamoDB writes of the operator tools share: the client and table, the clock, a
 * strongly consistent read and the reading of a failed condition.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Item, PARTITION_KEY } from '../../../edge/items.ts';

/** What every operation needs. */
export interface Context {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now: () => string;
}

/** Reads one item, strongly consistent (the tools read the region they write). */
export async function getItem(ctx: Context, pk: string): Promise<Item | undefined> {
  const out = await ctx.client.send(
    new GetItemCommand({
      TableName: ctx.tableName,
      Key: { [PARTITION_KEY]: { S: pk } },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** Runs a conditional write; resolves whether the condition held. */
export async function whenCondition(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

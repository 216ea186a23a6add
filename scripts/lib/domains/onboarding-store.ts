/**
 * Onboarding records in the router table (`ONBOARD#<host>`): strongly consistent reads in the
 * write region, and writes conditional on `version` (a create: on the host having no record, or
 * one of the same tenant), so two operators onboarding one host for two tenants leave exactly one
 * record.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { whenCondition } from '../tenants/dynamodb-context.ts';
import {
  ONBOARDING_PREFIX,
  type OnboardingRecord,
  onboardingItem,
  onboardingKey,
  onboardingRecordOf,
} from './onboarding-record.ts';

/** Reads and conditional writes of onboarding records. */
export interface OnboardingStore {
  get(host: string): Promise<OnboardingRecord | undefined>;
  /** Creates a record at version 1; resolves the record that exists instead when there is one. */
  create(record: Omit<OnboardingRecord, 'version'>): Promise<{ created: boolean; record: OnboardingRecord }>;
  /** Writes `next` over `current` (conditional on its version); undefined when the version moved on. */
  update(current: OnboardingRecord, change: Partial<OnboardingRecord>): Promise<OnboardingRecord | undefined>;
  /** Deletes the record conditional on its version; false when it moved on. */
  delete(current: OnboardingRecord): Promise<boolean>;
  /** Every record, a page at a time (a Scan filtered to the prefix). */
  list(): AsyncIterable<OnboardingRecord>;
}

/** The store over DynamoDB. */
export function createOnboardingStore(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now: () => string;
}): OnboardingStore {
  const { client, tableName } = options;
  const get = async (host: string) => {
    const out = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: onboardingKey(host) } },
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? undefined : onboardingRecordOf(out.Item);
  };
  return {
    get,
    async create(fields) {
      const record: OnboardingRecord = { ...fields, version: 1 };
      const created = await whenCondition(
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: onboardingItem(record),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (created) return { created, record };
      const existing = await get(fields.host);
      if (existing === undefined) return this.create(fields); // deleted in between: try again
      return { created: false, record: existing };
    },
    async update(current, change) {
      const next: OnboardingRecord = {
        ...current,
        ...change,
        version: current.version + 1,
        updatedAt: options.now(),
      };
      const ok = await whenCondition(
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: onboardingItem(next),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': { N: String(current.version) } },
          }),
        ),
      );
      return ok ? next : undefined;
    },
    delete(current) {
      return whenCondition(
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: onboardingKey(current.host) } },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': { N: String(current.version) } },
          }),
        ),
      );
    },
    async *list() {
      let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            ConsistentRead: true,
            FilterExpression: 'begins_with(pk, :p)',
            ExpressionAttributeValues: { ':p': { S: ONBOARDING_PREFIX } },
            ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
          }),
        );
        for (const item of page.Items ?? []) yield onboardingRecordOf(item);
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    },
  };
}

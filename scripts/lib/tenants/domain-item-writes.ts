/**
 * The conditional writes of `DOMAIN#` items: claiming and releasing a host or one path prefix of
 * it. Each is one single-item write whose condition names the tenant, so a claim never takes a
 * host (or prefix) from another tenant and a release never drops one another tenant holds,
 * whatever runs concurrently. Path prefixes are entries of the item's `paths` map, written one
 * entry at a time, so releasing one tenant's prefix leaves the others' in place.
 */
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { domainKey, MAX_PATH_PREFIXES, PARTITION_KEY, parseDomainItem } from '../../../edge/items.ts';
import type { TenantId } from '../../../edge/model.ts';
import type { Claim } from './claims.ts';
import { type Context, getItem, whenCondition } from './dynamodb-context.ts';
import { OperationRefusedError } from './tenant-errors.ts';
import { domainItemOf } from './tenant-items.ts';
import type { ClaimOutcome, ReleaseOutcome } from './tenant-table.ts';

/** Claims a host or a path prefix for a tenant (see `TenantTable.claimDomain`). */
export async function claimDomain(ctx: Context, claim: Claim, tenantId: TenantId): Promise<ClaimOutcome> {
  const now = ctx.now();
  // Encoded only to be checked: the claim writes the same attributes as an expression.
  domainItemOf(
    claim.path === undefined
      ? { host: claim.host, tenantId }
      : { host: claim.host, tenantId, paths: new Map([[claim.path, tenantId]]) },
    now,
  );
  const write = () =>
    claim.path === undefined
      ? claimHost(ctx, claim.host, tenantId, now)
      : claimPath(ctx, claim.host, claim.path, tenantId, now);
  // A refused write is explained by a read; an item released in between is tried once more.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await write()) return { kind: 'claimed' };
    const item = await getItem(ctx, domainKey(claim.host));
    if (item === undefined) {
      if (claim.path !== undefined) return { kind: 'no-host' };
      continue;
    }
    const record = parseDomainItem(item);
    if (claim.path === undefined) {
      if (record.tenantId !== tenantId) return { kind: 'held', holder: record.tenantId };
      continue;
    }
    const holder = record.paths?.get(claim.path);
    if (holder !== undefined && holder !== tenantId) return { kind: 'held', holder };
    if ((record.paths?.size ?? 0) >= MAX_PATH_PREFIXES) return { kind: 'full' };
  }
  throw new OperationRefusedError(
    `domain ${claim.host} kept changing while tenant ${tenantId} claimed it; rerun`,
  );
}

/** `attribute_not_exists(pk) OR tenantId = :me`, keeping the first claim's `updatedAt` and any paths. */
function claimHost(ctx: Context, host: string, tenantId: TenantId, now: string): Promise<boolean> {
  return whenCondition(
    ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: { [PARTITION_KEY]: { S: domainKey(host) } },
        UpdateExpression: 'SET #kind = :kind, #tenantId = :me, #updatedAt = if_not_exists(#updatedAt, :now)',
        ConditionExpression: 'attribute_not_exists(pk) OR #tenantId = :me',
        ExpressionAttributeNames: { '#kind': 'kind', '#tenantId': 'tenantId', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':kind': { S: 'domain' }, ':me': { S: tenantId }, ':now': { S: now } },
      }),
    ),
  );
}

/**
 * One entry of the host's `paths` map: set when the prefix is free or already ours and the map
 * has room; the map itself is created by a second form of the write when the host has none yet.
 */
async function claimPath(
  ctx: Context,
  host: string,
  path: string,
  tenantId: TenantId,
  now: string,
): Promise<boolean> {
  const base = {
    TableName: ctx.tableName,
    Key: { [PARTITION_KEY]: { S: domainKey(host) } },
  };
  const intoMap = await whenCondition(
    ctx.client.send(
      new UpdateItemCommand({
        ...base,
        UpdateExpression: 'SET #paths.#p = :me, #updatedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_exists(#paths) AND (#paths.#p = :me OR (attribute_not_exists(#paths.#p) AND size(#paths) < :max))',
        ExpressionAttributeNames: { '#paths': 'paths', '#p': path, '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: {
          ':me': { S: tenantId },
          ':now': { S: now },
          ':max': { N: String(MAX_PATH_PREFIXES) },
        },
      }),
    ),
  );
  if (intoMap) return true;
  return whenCondition(
    ctx.client.send(
      new UpdateItemCommand({
        ...base,
        UpdateExpression: 'SET #paths = :paths, #updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#paths)',
        ExpressionAttributeNames: { '#paths': 'paths', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':paths': { M: { [path]: { S: tenantId } } }, ':now': { S: now } },
      }),
    ),
  );
}

/** Releases a host or a path prefix the tenant holds (see `TenantTable.releaseDomain`). */
export async function releaseDomain(ctx: Context, claim: Claim, tenantId: TenantId): Promise<ReleaseOutcome> {
  const key = { [PARTITION_KEY]: { S: domainKey(claim.host) } };
  if (claim.path !== undefined) {
    const released = await whenCondition(
      ctx.client.send(
        new UpdateItemCommand({
          TableName: ctx.tableName,
          Key: key,
          UpdateExpression: 'REMOVE #paths.#p SET #updatedAt = :now',
          ConditionExpression: '#paths.#p = :me',
          ExpressionAttributeNames: { '#paths': 'paths', '#p': claim.path, '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':me': { S: tenantId }, ':now': { S: ctx.now() } },
        }),
      ),
    );
    return released ? { kind: 'released' } : { kind: 'not-held' };
  }
  // The host goes only with no prefix left on it: its prefixes' tenants would lose their routes.
  const released = await whenCondition(
    ctx.client.send(
      new DeleteItemCommand({
        TableName: ctx.tableName,
        Key: key,
        ConditionExpression: '#tenantId = :me AND (attribute_not_exists(#paths) OR size(#paths) = :zero)',
        ExpressionAttributeNames: { '#tenantId': 'tenantId', '#paths': 'paths' },
        ExpressionAttributeValues: { ':me': { S: tenantId }, ':zero': { N: '0' } },
      }),
    ),
  );
  if (released) return { kind: 'released' };
  const item = await getItem(ctx, domainKey(claim.host));
  if (item === undefined) return { kind: 'not-held' };
  const record = parseDomainItem(item);
  if (record.tenantId !== tenantId) return { kind: 'not-held' };
  return { kind: 'has-paths', paths: record.paths ?? new Map() };
}

import { describe, expect, it } from 'vitest';
import {
  itemIdentity,
  keyOf,
  writeOperationOf,
  writtenItems,
} from '../../scripts/lib/replication/written-items.ts';

describe('written items of a DynamoDB write', () => {
  it.each([
    ['DynamoDB_20120810.PutItem', 'PutItem'],
    ['DynamoDB_20120810.UpdateItem', 'UpdateItem'],
    ['DynamoDB_20120810.DeleteItem', 'DeleteItem'],
    ['DynamoDB_20120810.BatchWriteItem', 'BatchWriteItem'],
    ['DynamoDB_20120810.GetItem', undefined],
    ['DynamoDB_20120810.TransactWriteItems', undefined],
    [undefined, undefined],
  ])('reads the operation of X-Amz-Target %s', (target, operation) => {
    expect(writeOperationOf(target)).toBe(operation);
  });

  it('takes the item of a put and the key of an update or delete', () => {
    const item = { pk: { S: 'a' }, v: { N: '1' } };
    expect(writtenItems('PutItem', { TableName: 't', Item: item }, {})).toEqual([{ table: 't', item }]);
    expect(writtenItems('UpdateItem', { TableName: 't', Key: { pk: { S: 'a' } } }, {})).toEqual([
      { table: 't', key: { pk: { S: 'a' } } },
    ]);
    expect(writtenItems('DeleteItem', { TableName: 't', Key: { pk: { S: 'b' } } }, {})).toEqual([
      { table: 't', key: { pk: { S: 'b' } } },
    ]);
  });

  it('leaves out the requests of a batch that came back unprocessed', () => {
    const put = (pk: string) => ({ PutRequest: { Item: { pk: { S: pk } } } });
    const request = {
      RequestItems: { t: [put('a'), put('b'), { DeleteRequest: { Key: { pk: { S: 'c' } } } }] },
    };
    const response = { UnprocessedItems: { t: [put('b')] } };
    expect(writtenItems('BatchWriteItem', request, response)).toEqual([
      { table: 't', item: { pk: { S: 'a' } } },
      { table: 't', key: { pk: { S: 'c' } } },
    ]);
  });

  it('gives nothing for a malformed request', () => {
    expect(writtenItems('PutItem', 'nope', {})).toEqual([]);
    expect(writtenItems('BatchWriteItem', { RequestItems: [] }, {})).toEqual([]);
  });

  it('projects an item on its key and names an item the same whatever the attribute order', () => {
    expect(
      keyOf({ table: 't', item: { pk: { S: 'a' }, sk: { S: 'b' }, v: { N: '1' } } }, ['pk', 'sk']),
    ).toEqual({
      pk: { S: 'a' },
      sk: { S: 'b' },
    });
    expect(itemIdentity('t', { pk: { S: 'a' }, sk: { S: 'b' } })).toBe(
      itemIdentity('t', { sk: { S: 'b' }, pk: { S: 'a' } }),
    );
    expect(itemIdentity('t', { pk: { S: 'a' } })).not.toBe(itemIdentity('u', { pk: { S: 'a' } }));
  });
});

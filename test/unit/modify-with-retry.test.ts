import { describe, expect, it } from 'vitest';
import { CONFLICT_ATTEMPTS, modifyWithRetry } from '../../scripts/lib/tenants/modify-with-retry.ts';
import { OperationRefusedError, VersionConflictError } from '../../scripts/lib/tenants/tenant-errors.ts';

/** An item with a version, written only when the expected version still holds. */
function versionedItem(initial: number) {
  let version = initial;
  const log: string[] = [];
  return {
    log,
    read: async () => {
      log.push(`read ${version}`);
      return version;
    },
    writeOn: async (expected: number) => {
      log.push(`write on ${expected}`);
      if (expected !== version) throw new VersionConflictError(`version ${expected} is stale`);
      version++;
      return version;
    },
    /** Another writer moves the version on. */
    bump: () => {
      version++;
    },
  };
}

describe('modifyWithRetry', () => {
  it('writes once when nothing races it', async () => {
    const item = versionedItem(1);
    const result = await modifyWithRetry(1, {
      read: item.read,
      decide: (v) => ({ write: () => item.writeOn(v) }),
      giveUp: () => new Error('gave up'),
    });
    expect(result).toBe(2);
    expect(item.log).toEqual(['write on 1']);
  });

  it('re-reads after a lost race and decides again on the new item', async () => {
    const item = versionedItem(1);
    item.bump();
    const decided: number[] = [];
    const result = await modifyWithRetry(1, {
      read: item.read,
      decide: (v) => {
        decided.push(v);
        return { write: () => item.writeOn(v) };
      },
      giveUp: () => new Error('gave up'),
    });
    expect(result).toBe(3);
    expect(decided).toEqual([1, 2]);
    expect(item.log).toEqual(['write on 1', 'read 2', 'write on 2']);
  });

  it('returns a decided result without writing', async () => {
    const item = versionedItem(1);
    const result = await modifyWithRetry(1, {
      read: item.read,
      decide: () => ({ result: 'unchanged' }),
      giveUp: () => new Error('gave up'),
    });
    expect(result).toBe('unchanged');
    expect(item.log).toEqual([]);
  });

  it(`gives up with the caller's error after ${CONFLICT_ATTEMPTS} lost races`, async () => {
    const item = versionedItem(1);
    let writes = 0;
    const attempt = modifyWithRetry(1, {
      read: item.read,
      decide: (v) => ({
        write: () => {
          writes++;
          // Someone else always writes first.
          item.bump();
          return item.writeOn(v);
        },
      }),
      giveUp: () => new OperationRefusedError('tenant acme kept changing concurrently; rerun'),
    });
    await expect(attempt).rejects.toThrow(OperationRefusedError);
    await expect(attempt).rejects.toThrow('tenant acme kept changing concurrently; rerun');
    expect(writes).toBe(CONFLICT_ATTEMPTS);
  });

  it('does not retry a refusal or an infrastructure error', async () => {
    const item = versionedItem(1);
    await expect(
      modifyWithRetry(1, {
        read: item.read,
        decide: () => {
          throw new OperationRefusedError('no tenant acme');
        },
        giveUp: () => new Error('gave up'),
      }),
    ).rejects.toThrow('no tenant acme');
    let writes = 0;
    await expect(
      modifyWithRetry(1, {
        read: item.read,
        decide: () => ({
          write: async () => {
            writes++;
            throw new Error('ECONNREFUSED');
          },
        }),
        giveUp: () => new Error('gave up'),
      }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(writes).toBe(1);
    expect(item.log).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { createReadBatcher } from '../../edge/read-batcher.ts';

/** A batcher over a read that records each batch and answers every key with its upper case. */
function batcher(maxKeys?: number) {
  const batches: string[][] = [];
  const read = createReadBatcher<string>(async (keys) => {
    batches.push([...keys]);
    return new Map(keys.map((k) => [k, k.toUpperCase()]));
  }, maxKeys);
  return { read, batches };
}

describe('createReadBatcher', () => {
  it('sends the keys asked for in one turn as one read', async () => {
    const { read, batches } = batcher();
    const answers = await Promise.all([read('a'), read('b'), read('c')]);
    expect(answers).toEqual(['A', 'B', 'C']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('asks for a key once however often it is asked for in the turn', async () => {
    const { read, batches } = batcher();
    expect(await Promise.all([read('a'), read('a')])).toEqual(['A', 'A']);
    expect(batches).toEqual([['a']]);
  });

  it('starts a new read for keys asked for after an await', async () => {
    const { read, batches } = batcher();
    await read('a');
    await read('b');
    expect(batches).toEqual([['a'], ['b']]);
  });

  it('splits a turn of more keys than one request may carry', async () => {
    const { read, batches } = batcher(2);
    await Promise.all(['a', 'b', 'c'].map(read));
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('rejects every key of a read that fails', async () => {
    const read = createReadBatcher<string>(async () => {
      throw new Error('down');
    });
    const results = await Promise.allSettled([read('a'), read('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

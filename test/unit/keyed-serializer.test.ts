/**
 * One task at a time per key: the import's claims of one tenant never overlap, other tenants'
 * run beside them, and a failed claim does not hold up the next.
 */
import { describe, expect, it } from 'vitest';
import { keyedSerializer } from '../../scripts/lib/keyed-serializer.ts';

/** A task that records when it starts and finishes, and ends when told. */
function gate(log: string[], name: string) {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    task: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('keyedSerializer', () => {
  it('runs the tasks of one key one after another, in order', async () => {
    const log: string[] = [];
    const run = keyedSerializer();
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const first = run('a', a1.task);
    const second = run('a', a2.task);
    await settle();
    expect(log).toEqual(['start a1']);
    a2.open();
    a1.open();
    expect(await Promise.all([first, second])).toEqual(['a1', 'a2']);
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2']);
  });

  it('runs tasks of different keys at once', async () => {
    const log: string[] = [];
    const run = keyedSerializer();
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const both = Promise.all([run('a', a.task), run('b', b.task)]);
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    a.open();
    b.open();
    await both;
  });

  it('starts the next task of a key after one that failed, and passes the failure on', async () => {
    const run = keyedSerializer();
    const failed = run('a', () => Promise.reject(new Error('refused')));
    const next = run('a', async () => 'next');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
  });
});

import { describe, expect, it } from 'vitest';
import { CleanupStack } from '../../scripts/lib/cleanup-stack.ts';

describe('CleanupStack', () => {
  it('closes what was registered, last first', async () => {
    const closed: string[] = [];
    const stack = new CleanupStack();
    stack.use({ close: async () => void closed.push('data') });
    stack.defer(() => closed.push('replicas'));
    stack.use({ close: () => void closed.push('handlers') });
    await stack.close();
    expect(closed).toEqual(['handlers', 'replicas', 'data']);
  });

  it('closes what a failed start-up had started, and rethrows the start-up error', async () => {
    const closed: string[] = [];
    const failure = new Error('port 8080 is already in use');
    const started = CleanupStack.build(async (stack) => {
      stack.defer(() => closed.push('data'));
      stack.defer(() => {
        throw new Error('this cleanup fails too');
      });
      throw failure;
    });
    await expect(started).rejects.toBe(failure);
    expect(closed).toEqual(['data']);
  });

  it('runs every cleanup even when one fails, then reports the failures', async () => {
    const closed: string[] = [];
    const stack = new CleanupStack();
    stack.defer(() => closed.push('first'));
    stack.defer(() => Promise.reject(new Error('socket already gone')));
    stack.defer(() => closed.push('last'));
    const closing = stack.close();
    await expect(closing).rejects.toThrow(AggregateError);
    await expect(closing).rejects.toMatchObject({ errors: [new Error('socket already gone')] });
    expect(closed).toEqual(['last', 'first']);
  });

  it('closes once however often it is asked, and takes nothing after closing', async () => {
    let closes = 0;
    const stack = new CleanupStack();
    stack.defer(() => closes++);
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    expect(closes).toBe(1);
    expect(() => stack.defer(() => {})).toThrow(/already closed/);
  });

  it('returns a registered resource for use', async () => {
    const stack = new CleanupStack();
    const server = { url: 'http://127.0.0.1:1', close: async () => {} };
    expect(stack.use(server)).toBe(server);
    await stack.close();
  });
});

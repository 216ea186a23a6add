/**
 * A timer for deadlines that a stalled event loop must not decide wrongly.
 */

/**
 * Runs `fire` once `ms` have passed and the event loop has then handled the I/O already waiting:
 * after a stall (a busy process, a thawed container) the timer and the answer it waits for are
 * often both due, and timers run before I/O; without this turn the answer would lose.
 */
export function afterIoTurn(ms: number, fire: () => void): { cancel(): void } {
  let immediate: ReturnType<typeof setImmediate> | undefined;
  const timeout = setTimeout(() => {
    immediate = setImmediate(fire);
  }, ms);
  return {
    cancel() {
      clearTimeout(timeout);
      if (immediate !== undefined) clearImmediate(immediate);
    },
  };
}

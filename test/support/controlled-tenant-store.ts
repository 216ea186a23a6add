/**
 * A {@link TenantStore} wrapper that counts reads and lets a test break, hold or release them:
 * the seam for cache tests (how many reads reached the store, what happens when they fail).
 */
import { domainKey, REGIONS_KEY, tenantKey } from '../../edge/items.ts';
import type { TenantStore } from '../../edge/tenant-store.ts';

/** A wrapped store plus its controls. */
export interface ControlledTenantStore extends TenantStore {
  /** Reads that reached this wrapper, in total. */
  readonly reads: number;
  /** Reads of one item key (`TENANT#acme`, `DOMAIN#shop.acme.com`, `REGIONS`). */
  readsOf(key: string): number;
  /** From now on every read rejects with `error` (after being counted), until {@link heal}. */
  breakWith(error: Error): void;
  heal(): void;
  /** From now on reads wait (counted, pending) until {@link release}. */
  hold(): void;
  /** Lets every held read continue, and stops holding. */
  release(): void;
  /** Lets only the most recently held read continue; keeps holding. */
  releaseNewest(): void;
  /** Reads currently held. */
  readonly held: number;
}

/** Wraps `inner`; reads pass through until a control says otherwise. */
export function controlledTenantStore(inner: TenantStore): ControlledTenantStore {
  const counts = new Map<string, number>();
  let total = 0;
  let failure: Error | undefined;
  let holding = false;
  let waiting: Array<() => void> = [];

  async function through<T>(key: string, read: () => Promise<T>): Promise<T> {
    total++;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (holding) await new Promise<void>((resolve) => waiting.push(resolve));
    if (failure !== undefined) throw failure;
    return read();
  }

  return {
    getDomain: (host) => through(domainKey(host), () => inner.getDomain(host)),
    getTenant: (id) => through(tenantKey(id), () => inner.getTenant(id)),
    getRegions: () => through(REGIONS_KEY, () => inner.getRegions()),
    get reads() {
      return total;
    },
    readsOf: (key) => counts.get(key) ?? 0,
    breakWith(error) {
      failure = error;
    },
    heal() {
      failure = undefined;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      const resume = waiting;
      waiting = [];
      for (const go of resume) go();
    },
    releaseNewest() {
      waiting.pop()?.();
    },
    get held() {
      return waiting.length;
    },
  };
}

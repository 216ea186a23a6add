/** The host kinds the heap benchmark measures, each with its heap budget per cached tenant. */

/** A platform subdomain (one tenant record) or a custom domain (a domain and a tenant record). */
export const HEAP_HOST_KINDS = ['platform', 'custom-domain'] as const;
export type HeapHostKind = (typeof HEAP_HOST_KINDS)[number];

/**
 * Heap budget per cached tenant, bytes (the hardening issue): 100,000 custom-domain tenants then
 * fit in 35 MB of a 512 MB function.
 */
export const HEAP_BUDGET_BYTES: Readonly<Record<HeapHostKind, number>> = {
  platform: 200,
  'custom-domain': 350,
};

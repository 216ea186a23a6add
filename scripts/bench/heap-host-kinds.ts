/** The host kinds the heap benchmark measures, each with its heap budget per cached tenant. */
import { HOST_KINDS, type HostKind } from '../lib/generated-hosts.ts';

/**
 * The generated host kinds (scripts/lib/generated-hosts.ts): a platform subdomain (one tenant
 * record), a custom domain (a domain and a tenant record), a wildcard-served host (the wildcard's
 * domain record, the host's absence, the tenant record).
 */
export const HEAP_HOST_KINDS = HOST_KINDS;
export type HeapHostKind = HostKind;

/**
 * Heap budget per cached tenant, bytes (the hardening issue): 100,000 custom-domain tenants then
 * fit in 35 MB of a 512 MB function. The wildcard kind is reported without a budget.
 */
export const HEAP_BUDGET_BYTES: Readonly<Partial<Record<HeapHostKind, number>>> = {
  platform: 200,
  custom: 350,
};

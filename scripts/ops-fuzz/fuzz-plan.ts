/**
 * The operations of an ops-fuzz run: for each operator process, a seeded random list of tenants,
 * migrate and evacuate commands over small pools of tenant ids and hosts, so they collide (two
 * operators adding one id, claiming one host, removing a tenant another migrates). Pure.
 */
import { type RandomSource, seededRandom } from '../lib/seeded-random.ts';

/** One operator command. */
export type FuzzOp =
  | {
      readonly kind: 'add';
      readonly tenant: string;
      readonly region: string;
      readonly domains: readonly string[];
    }
  | { readonly kind: 'add-domain' | 'remove-domain'; readonly tenant: string; readonly claim: string }
  | { readonly kind: 'remove' | 'suspend' | 'resume'; readonly tenant: string }
  | { readonly kind: 'migrate'; readonly tenant: string; readonly to: string; readonly freeze: boolean }
  | { readonly kind: 'evacuate'; readonly from: string; readonly to: string };

/** What a plan is drawn from. */
export interface PlanOptions {
  readonly seed: number;
  readonly workers: number;
  readonly opsPerWorker: number;
  readonly regions: readonly string[];
  /** Distinct tenant ids (few, so they collide). @default 6 */
  readonly tenants?: number;
  /** Distinct hosts (few, so they collide). @default 8 */
  readonly hosts?: number;
}

/** The parent of every pool host, so they touch no demo tenant. */
export const FUZZ_HOST_PARENT = 'fuzz.example.org';

/** Host `i` of the pool. */
export function fuzzHost(i: number): string {
  return `h${i}.${FUZZ_HOST_PARENT}`;
}

/** Tenant `i` of the pool. */
export function fuzzTenant(i: number): string {
  return `fz${i}`;
}

function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** One random operation; weights favour claims, the part with the races. */
function randomOp(random: RandomSource, options: PlanOptions): FuzzOp {
  const tenant = fuzzTenant(Math.floor(random() * (options.tenants ?? 6)));
  const host = () => fuzzHost(Math.floor(random() * (options.hosts ?? 8)));
  const claim = () => (random() < 0.2 ? `${host()}/p${Math.floor(random() * 2)}` : host());
  const region = () => pick(random, options.regions);
  const roll = random();
  if (roll < 0.3) {
    const domains = [...new Set(Array.from({ length: Math.floor(random() * 3) }, host))];
    return { kind: 'add', tenant, region: region(), domains };
  }
  if (roll < 0.52) return { kind: 'add-domain', tenant, claim: claim() };
  if (roll < 0.64) return { kind: 'remove-domain', tenant, claim: claim() };
  if (roll < 0.72) return { kind: 'remove', tenant };
  if (roll < 0.78) return { kind: random() < 0.5 ? 'suspend' : 'resume', tenant };
  if (roll < 0.96) return { kind: 'migrate', tenant, to: region(), freeze: random() < 0.3 };
  const from = region();
  return {
    kind: 'evacuate',
    from,
    to: pick(
      random,
      options.regions.filter((r) => r !== from),
    ),
  };
}

/** Every worker's operations, reproducible from the seed. */
export function fuzzPlan(options: PlanOptions): FuzzOp[][] {
  const random = seededRandom(options.seed);
  return Array.from({ length: options.workers }, () =>
    Array.from({ length: options.opsPerWorker }, () => randomOp(random, options)),
  );
}

/** The command line of an operation: which tool, and its arguments (`resume`: a rerun after a kill). */
export function commandOf(
  op: FuzzOp,
  resume: boolean,
): { tool: 'tenants' | 'migrate' | 'evacuate'; argv: string[] } {
  // The killed process is known to be gone: its rerun may take its migration lease over at once.
  const takeover = resume ? ['--takeover'] : [];
  switch (op.kind) {
    case 'add':
      return {
        tool: 'tenants',
        argv: ['add', op.tenant, op.region, ...op.domains.flatMap((d) => ['--domain', d])],
      };
    case 'add-domain':
    case 'remove-domain':
      return { tool: 'tenants', argv: [op.kind, op.tenant, op.claim] };
    case 'remove':
    case 'suspend':
    case 'resume':
      return { tool: 'tenants', argv: [op.kind, op.tenant] };
    case 'migrate':
      return {
        tool: 'migrate',
        argv: [
          op.tenant,
          '--to',
          op.to,
          '--lease-seconds',
          '5',
          ...(op.freeze ? ['--freeze'] : []),
          ...takeover,
        ],
      };
    case 'evacuate':
      return {
        tool: 'evacuate',
        argv: ['--from', op.from, '--to', op.to, '--concurrency', '2', '--lease-seconds', '5', ...takeover],
      };
  }
}
